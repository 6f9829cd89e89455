"""Running commands in the container under inspection, with errors that say what went wrong."""

from __future__ import annotations

from typing import Any

from inspections.errors import InspectionError
from inspections.markdown import quoted_command_output

COMMAND_NOT_FOUND = 127

__all__ = ["InspectionError", "output_of", "quoted_output"]


def output_of(host: Any, command: str) -> str:
    """Stdout of `command` run in the container, without trailing newlines.

    Raises InspectionError when the command is missing or fails.
    """
    result = host.run(command)
    if result.rc == COMMAND_NOT_FOUND:
        raise InspectionError(
            f"`{command}` not found in the image: install it, or drop this inspection"
        )
    if result.rc != 0:
        said = result.stderr.strip() or result.stdout.strip()
        detail = (said.splitlines() or ["no output"])[-1]
        raise InspectionError(f"`{command}` exited with {result.rc}: {detail}")
    return str(result.stdout).rstrip("\r\n")


def quoted_output(host: Any, command: str) -> str:
    """A manifest block: `command` and its output, quoted so the Markdown stays valid."""
    return quoted_command_output(command, output_of(host, command))
