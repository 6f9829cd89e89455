"""What stack-build shows: progress lines as it goes, a closing table, and `--json FILE`.

Progress lines start with the elapsed time and how many images are done out of all, and say
which images are building; a failed build's last log lines follow its line (on stderr).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from tabulate import tabulate

from inspections.building.build_run import (
    BUILT,
    FAILED,
    SKIPPED,
    SUCCEEDED,
    ImageBuildResult,
)
from inspections.building.docker_build import log_tail
from inspections.files import write_named_output
from inspections.formats.manifest import docker_size
from inspections.publishing.console import say, warn
from inspections.text import printable

REPORT_VERSION = 1
STILL_BUILDING_EVERY_SECONDS = 30.0


class Progress:
    """Progress lines, one per event, and a reminder of what is building every 30 s."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self.building_since: dict[str, float] = {}
        self.last_line = self.start
        self._lock = threading.Lock()

    def _line(self, text: str, error: bool = False) -> None:
        now = time.monotonic()
        self.last_line = now
        prefix = f"[{now - self.start:7.1f}s {self.done:>{len(str(self.total))}}/{self.total}]"
        (warn if error else say)(f"{prefix} {text}")

    def _now_building(self) -> str:
        return f" (building: {', '.join(self.building_since)})" if self.building_since else ""

    def building(self, result: ImageBuildResult) -> None:
        with self._lock:
            self.building_since[result.target.label] = time.monotonic()
            self._line(f"building {result.target.label}{self._now_building()}")

    def finished(self, result: ImageBuildResult) -> None:
        with self._lock:
            self.done += 1
            self.building_since.pop(result.target.label, None)
            label = result.target.label
            if result.status == BUILT:
                text = f"built {label} in {result.seconds or 0:.1f}s"
            elif result.status in (FAILED, SKIPPED):
                text = f"{result.status} {label}: {result.reason}"
            else:
                text = f"{result.status}: {label}"
            self._line(f"{text}{self._now_building()}", error=result.status == FAILED)
            if result.status == FAILED and result.log is not None:
                warn(printable(log_tail(result.log)))
                warn(f"(the whole log: {result.log})")

    def tick(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self.building_since and now - self.last_line >= STILL_BUILDING_EVERY_SECONDS:
                running = ", ".join(
                    f"{name} ({now - since:.0f}s)" for name, since in self.building_since.items()
                )
                self._line(f"still building: {running}")


def closing_table(results: list[ImageBuildResult]) -> str:
    """One row per image: image, variant, status, duration, size, image id."""
    rows = [
        [
            result.target.image,
            result.target.variant,
            result.status,
            "" if result.seconds is None else f"{result.seconds:.1f}s",
            "" if result.size_bytes is None else docker_size(result.size_bytes),
            result.image_id.removeprefix("sha256:")[:12],
        ]
        for result in results
    ]
    headers = ["image", "variant", "status", "duration", "size", "image id"]
    return tabulate(rows, headers=headers, disable_numparse=True)


def failure_lines(results: list[ImageBuildResult]) -> list[str]:
    """One line per image that failed, naming its log: the run's last lines."""
    lines = []
    for result in results:
        if result.status == FAILED:
            log = f" (log: {result.log})" if result.log else ""
            lines.append(f"failed: {result.target.label}: {result.reason}{log}")
    return lines


def succeeded(results: list[ImageBuildResult]) -> bool:
    return all(result.status in SUCCEEDED for result in results)


def document(
    results: list[ImageBuildResult], stack: Path, platform: str, complete: bool
) -> dict[str, Any]:
    """The `--json` report: the run's images with what happened to each."""
    return {
        "command": "stack-build",
        "version": REPORT_VERSION,
        "complete": complete,
        "stack": str(stack),
        "platform": platform,
        "images": [
            {
                "image": result.target.image,
                "variant": result.target.variant,
                "platform": platform,
                "reference": result.target.reference,
                "status": result.status,
                "reason": result.reason,
                "seconds": result.seconds,
                "image_id": result.image_id,
                "size_bytes": result.size_bytes,
                "inputs": result.inputs,
                "log": str(result.log) if result.log else None,
                "archive": str(result.archive) if result.archive else None,
            }
            for result in results
        ],
    }


def write_document(path: Path, content: dict[str, Any]) -> None:
    """Write the report all at once."""
    write_named_output(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")
