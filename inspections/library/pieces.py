"""Manifest pieces made of several commands, each quoted with its output."""

from __future__ import annotations

from inspections import quoted_output
from inspections.library.protocols import Host


def quoted_outputs(host: Host, *commands: str) -> str:
    """Each command and its output, quoted, separated by blank lines, in the given order."""
    return "\n\n".join(quoted_output(host, command) for command in commands)
