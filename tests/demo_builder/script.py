"""The demo builder as its users run it: ``python demo/build.py`` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "demo"
BUILD_SCRIPT = DEMO / "build.py"
DOCKER = "/usr/bin/docker"
MINBASE = "localhost/demo/bookworm-minbase:latest"


def run_build(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run the builder with ``args`` (and extra environment variables); never raises."""
    return subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=600,
        check=False,
    )


def image_id(ref: str) -> str | None:
    """The id of a local image, or None when there is none."""
    completed = subprocess.run(
        [DOCKER, "image", "inspect", "--format", "{{.Id}}", ref],
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() if completed.returncode == 0 else None


def docker(*args: str) -> str:
    """Run a docker client command that must succeed; its stdout."""
    return subprocess.run(
        [DOCKER, *args], capture_output=True, text=True, check=True, timeout=120
    ).stdout
