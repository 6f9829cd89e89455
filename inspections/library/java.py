"""The Java tagger."""

from __future__ import annotations

import re

from inspections import output_of, tagger
from inspections.library.parsing import search_version
from inspections.library.protocols import Host

JAVA_VERSION_COMMAND = "java --version"

# The first line names the runtime, e.g. "openjdk 17.0.12 2024-07-16" or "java 21.0.4 ... LTS".
_JAVA_VERSION = re.compile(
    r"^(?:openjdk|java) (?P<version>\d+(?:\.\d+)*(?:-[A-Za-z0-9.]+)?)(?:\s|$)", re.MULTILINE
)


def parse_java_version(output: str) -> str:
    """The version from `java --version` output, e.g. `17.0.12`."""
    return search_version(
        _JAVA_VERSION, output, JAVA_VERSION_COMMAND, "a line like 'openjdk 17.0.12 2024-07-16'"
    )


@tagger
def java_tag(host: Host) -> str:
    """The Java runtime version, e.g. `java-17.0.12`."""
    return "java-" + parse_java_version(output_of(host, JAVA_VERSION_COMMAND))
