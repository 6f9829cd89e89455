"""Manifest sections quoted the way the Jupyter Docker Stacks quote them.

Their tools record what `docker exec` prints, stdout and stderr together, so every command
quoted here runs with its stderr folded in and is shown without the redirection.
"""

from __future__ import annotations

from inspections import output_of, quoted_output, with_stderr
from inspections.library.protocols import Host


def combined_output(host: Host, command: str) -> str:
    """What `command` prints on stdout and stderr together.

    Taggers that read the facts of a quoted command call this, so that it runs only once.
    """
    return output_of(host, with_stderr(command))


def quoted_combined(host: Host, command: str, *, shown_as: str | None = None) -> str:
    """`command` and what it prints on both streams; the manifest shows `shown_as` or `command`."""
    return quoted_output(host, with_stderr(command), shown_as=shown_as or command)


def quoted_outputs(host: Host, *commands: str) -> str:
    """Each command quoted with its combined output, separated by blank lines, in order."""
    return "\n\n".join(quoted_combined(host, command) for command in commands)
