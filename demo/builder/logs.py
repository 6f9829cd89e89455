"""Commands whose combined output goes to a log file (and, when verbose, the terminal)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

# How much of a failed build's log is shown on the terminal.
LOG_TAIL_LINES = 30


def run_logged(commands: list[list[str]], log: Path, verbose: bool) -> int:
    """Run a pipeline of commands, their combined output to ``log``; the first failing exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    with log.open("w", encoding="utf-8") as out:
        out.write("".join("$ " + shlex.join(command) + "\n" for command in commands))
        out.flush()
        processes: list[subprocess.Popen[bytes]] = []
        stdin = None
        for command in commands:
            process = subprocess.Popen(
                command,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if command is commands[-1] else out,
                env=env,
            )
            if stdin is not None:
                stdin.close()
            stdin = process.stdout
            processes.append(process)
        assert stdin is not None
        for raw in stdin:
            line = raw.decode("utf-8", "replace")
            out.write(line)
            if verbose:
                sys.stdout.write(line)
        codes = [process.wait() for process in processes]
    return next((code for code in codes if code != 0), 0)


def tail(log: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file."""
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
