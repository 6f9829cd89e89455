"""Running a publishing command in a new Python whose stdout nobody reads, as `| head -1` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 300


def run_with_closed_stdout(main: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `inspections.publishing.cli.<main>(arguments)` with stdout a pipe whose reader is gone.

    Every write to stdout fails with EPIPE, as after `| head -1` has read its line and exited.
    Returns the exit status and stderr (stdout is gone).
    """
    reader, writer = os.pipe()
    os.close(reader)
    code = (
        f"import sys; from inspections.publishing.cli import {main}; sys.exit({main}(sys.argv[1:]))"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *arguments],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    finally:
        os.close(writer)
