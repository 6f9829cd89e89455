"""Running a publishing command in a new Python: with its stdout closed as `| head -1` leaves
it, under a resource limit, or killed at a chosen step."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 300


def run_python(code: str, arguments: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run `python -c code arguments` with this checkout importable; never raises on its status.

    `options` go to subprocess.run (where stdout and stderr go).
    """
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=TIMEOUT_SECONDS,
        check=False,
        **options,
    )


def run_with_closed_stdout(main: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the command `main` (`update_wiki_main`: `update_wiki_command.update_wiki_main`) on
    `arguments` with stdout a pipe whose reader is gone.

    Every write to stdout fails with EPIPE, as after `| head -1` has read its line and exited.
    Returns the exit status and stderr (stdout is gone).
    """
    reader, writer = os.pipe()
    os.close(reader)
    module = f"inspections.publishing.{main.removesuffix('_main')}_command"
    code = f"import sys; from {module} import {main}; sys.exit({main}(sys.argv[1:]))"
    try:
        return run_python(code, arguments, stdout=writer, stderr=subprocess.PIPE)
    finally:
        os.close(writer)
