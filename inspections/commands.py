"""Running commands in the container under inspection, with errors that say what went wrong."""

from __future__ import annotations

from typing import Any

from inspections.errors import InspectionError
from inspections.markdown import quoted_command_output
from inspections.text import lines_of

COMMAND_NOT_FOUND = 127

__all__ = ["InspectionError", "output_of", "quoted_output", "with_stderr"]


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
        raise InspectionError(f"`{command}` exited with {result.rc}: {_last_message(said)}")
    return str(result.stdout).rstrip("\r\n")


def _last_message(said: str) -> str:
    """The last message of a command's output as one line, with the indented lines that
    continue it (dpkg names the package on one line and the problem on the next)."""
    lines = [line for line in lines_of(said) if line.strip()]
    if not lines:
        return "no output"
    start = len(lines) - 1
    while start > 0 and lines[start][:1].isspace():
        start -= 1
    return " ".join(line.strip() for line in lines[start:])


def with_stderr(command: str) -> str:
    """A simple `command` with its stderr folded into its stdout, in the order they were written.

    `docker exec` shows both streams together; a piece that quotes what it shows runs this.
    """
    return f"{command} 2>&1"


def quoted_output(host: Any, command: str, *, shown_as: str | None = None) -> str:
    """A manifest block: the command line, then its output, quoted so the Markdown stays valid.

    `shown_as` is the command line the manifest shows when it differs from the one that runs
    (e.g. without `2>&1`, or without an environment setting that only silences noise).
    Raises InspectionError when the command fails or prints nothing.
    """
    shown = command if shown_as is None else shown_as
    output = output_of(host, command)
    if not output.strip():
        raise InspectionError(
            f"`{shown}` printed nothing: a manifest quotes real output; check the command "
            "in the image, or drop this piece"
        )
    return quoted_command_output(shown, output)
