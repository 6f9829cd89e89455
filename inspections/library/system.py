"""The operating system tag, from `/etc/os-release`."""

from __future__ import annotations

import re

from inspections import InspectionError, output_of, tagger
from inspections.inventory.distro import OS_RELEASE_COMMAND, os_release_fields
from inspections.inventory.errors import shown
from inspections.library.protocols import Host

_TAG_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def parse_os_tag(text: str) -> str:
    """`<ID>-<VERSION_ID>` from an os-release file, e.g. `ubuntu-24.04`."""
    fields = os_release_fields(text)
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
                f"`{OS_RELEASE_COMMAND}` has {key}={shown(value)}; expected letters, digits, '.', "
                "'_' and '-' only"
            )
        parts.append(value)
    return "-".join(parts)


@tagger
def os_tag(host: Host) -> str:
    """The distribution and its version, e.g. `ubuntu-24.04` or `debian-12`."""
    return parse_os_tag(output_of(host, OS_RELEASE_COMMAND))
