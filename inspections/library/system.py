"""The operating system tag, from `/etc/os-release`."""

from __future__ import annotations

import re

from inspections import InspectionError, output_of, tagger
from inspections.library.protocols import Host

OS_RELEASE_COMMAND = "cat /etc/os-release"

_ASSIGNMENT = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")
_BACKSLASH_ESCAPE = re.compile(r"\\(.)")
_TAG_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _unquote(raw: str) -> str:
    """A value as the shell would read it: outer quotes removed, backslash escapes resolved."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        inner = raw[1:-1]
        return _BACKSLASH_ESCAPE.sub(r"\1", inner) if raw[0] == '"' else inner
    return _BACKSLASH_ESCAPE.sub(r"\1", raw)


def parse_os_release(text: str) -> dict[str, str]:
    """The KEY=value assignments of an os-release file; comments and other lines are skipped."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _ASSIGNMENT.match(line.strip())
        if match:
            fields[match["key"]] = _unquote(match["value"])
    return fields


def parse_os_tag(text: str) -> str:
    """`<ID>-<VERSION_ID>` from an os-release file, e.g. `ubuntu-24.04`."""
    fields = parse_os_release(text)
    parts = []
    for key in ("ID", "VERSION_ID"):
        value = fields.get(key, "")
        if not value:
            raise InspectionError(
                f"`{OS_RELEASE_COMMAND}` has no {key}=; expected e.g. ID=ubuntu and "
                'VERSION_ID="24.04" (a rolling release has no VERSION_ID: drop this tagger)'
            )
        if not _TAG_PART.fullmatch(value):
            raise InspectionError(
                f"`{OS_RELEASE_COMMAND}` has {key}={value!r}; expected letters, digits, '.', "
                "'_' and '-' only"
            )
        parts.append(value)
    return "-".join(parts)


@tagger
def os_tag(host: Host) -> str:
    """The distribution and its version, e.g. `ubuntu-24.04` or `debian-12`."""
    return parse_os_tag(output_of(host, OS_RELEASE_COMMAND))
