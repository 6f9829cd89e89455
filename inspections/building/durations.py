"""How long each image took to build last time, to start the longest chains of work first.

The figures live in one small JSON file per user, `$XDG_CACHE_HOME/stack-inspections/
build-durations.json` (`~/.cache/…` without XDG_CACHE_HOME): `{"<platform> <reference>":
seconds}`. Only real builds are recorded (not images found up to date). The file is a hint:
an unreadable one counts as empty, and one that cannot be written is left as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from inspections.files import write_atomically

DURATIONS_FILE = "build-durations.json"


def durations_file() -> Path:
    """Where the durations of this user's builds are kept."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "stack-inspections" / DURATIONS_FILE


def duration_key(platform: str, reference: str) -> str:
    return f"{platform} {reference}"


def read_durations(path: Path) -> dict[str, float]:
    """The recorded durations, or none when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        key: float(value)
        for key, value in data.items()
        if isinstance(value, int | float) and value >= 0
    }


def record_durations(path: Path, measured: Mapping[str, float]) -> None:
    """Add this run's build durations to the file (best effort)."""
    if not measured:
        return
    durations = read_durations(path) | dict(measured)
    with contextlib.suppress(OSError):  # a hint only: the next run counts images instead
        write_atomically(path, json.dumps(durations, indent=1, sort_keys=True) + "\n")
