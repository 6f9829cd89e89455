"""The distribution of an image (`debian` 12, `ubuntu` 24.04): the namespace of its deb purls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.inventory.errors import InventoryError, shown
from inspections.text import lines_of

OS_RELEASE_COMMAND = "cat /etc/os-release"

_ASSIGNMENT = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")
# os-release(5): the shell's special characters `\`, `$`, `"` and the backquote are escaped.
_BACKSLASH_ESCAPE = re.compile(r'\\([\\$"`])')
# At least any distribution's ID or VERSION_ID: deb purls are made of them.
MAX_OS_FIELD = 64
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_VERSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
# An OS tag as the library's os_tag tagger makes it, possibly behind platform/variant prefixes.
_OS_TAG = re.compile(r"(?:^|-)(?P<id>debian|ubuntu)-(?P<version>\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Distro:
    """A distribution's os-release ID and VERSION_ID (empty when unknown)."""

    id: str
    version_id: str = ""

    @property
    def qualifier(self) -> str:
        """The purl `distro` qualifier, e.g. `debian-12`, or empty when the version is unknown."""
        return f"{self.id}-{self.version_id}" if self.version_id else ""


def _unquote(raw: str) -> str:
    """A value as os-release(5) writes it: outer quotes removed and, but in single quotes, the
    escaped `\\`, `\\$`, `\\"` and backquote resolved; any other backslash is kept."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        inner = raw[1:-1]
        return _BACKSLASH_ESCAPE.sub(r"\1", inner) if raw[0] == '"' else inner
    return _BACKSLASH_ESCAPE.sub(r"\1", raw)


def os_release_fields(text: str) -> dict[str, str]:
    """The KEY=value assignments of an os-release file; comments and other lines are skipped."""
    fields: dict[str, str] = {}
    for line in lines_of(text):
        match = _ASSIGNMENT.match(line.strip())
        if match:
            fields[match["key"]] = _unquote(match["value"])
    return fields


def _bounded(fields: dict[str, str], key: str) -> str:
    """The value of `key`, refused when longer than any distribution's (MAX_OS_FIELD)."""
    value = fields.get(key, "")
    if len(value) > MAX_OS_FIELD:
        raise InventoryError(
            f"`{OS_RELEASE_COMMAND}` has {key}={shown(value)} ({len(value)} characters); "
            f"expected at most {MAX_OS_FIELD}"
        )
    return value


def parse_os_release(text: str) -> Distro:
    """The Distro of an `/etc/os-release` file (the output of `cat /etc/os-release`)."""
    fields = os_release_fields(text)
    distro_id = _bounded(fields, "ID")
    if not _ID.fullmatch(distro_id):
        raise InventoryError(
            f"`{OS_RELEASE_COMMAND}` has ID={shown(distro_id)}; expected a line like ID=debian"
        )
    version_id = _bounded(fields, "VERSION_ID")
    if version_id and not _VERSION_ID.fullmatch(version_id):
        raise InventoryError(
            f"`{OS_RELEASE_COMMAND}` has VERSION_ID={shown(version_id)}; "
            'expected a value like VERSION_ID="12"'
        )
    return Distro(distro_id, version_id)


def distro_from_tags(tags: list[str] | tuple[str, ...]) -> Distro | None:
    """The Distro named by an OS tag such as `x86_64-ubuntu-24.04`, or None when no tag has one."""
    for tag in tags:
        match = _OS_TAG.search(tag)
        if match:
            return Distro(match["id"], match["version"])
    return None
