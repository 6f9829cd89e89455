"""Reading a session's run record (`inspections.json`): each image's timing, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspections.outputs.record import read_record


@dataclass(frozen=True)
class ImageTiming:
    """What one image cost in a session: its wall time and the limit it could reach."""

    image: str
    variant: str
    wall_seconds: float | None
    limit_seconds: float
    container_start_seconds: float | None
    slowest_command: str
    slowest_command_seconds: float

    @property
    def wall_over_limit(self) -> float | None:
        """Wall time over the limit; None when the image ran nothing (e.g. from the cache)."""
        if self.wall_seconds is None or self.container_start_seconds is None:
            return None
        return self.wall_seconds / self.limit_seconds


def read_image_timings(out: Path) -> list[ImageTiming]:
    """Every image's timing from the run record the session wrote below `out`."""
    timings = []
    for entry in read_record(out).images:
        timing = entry.timing
        slowest = max(timing.commands, key=lambda command: command.seconds, default=None)
        timings.append(
            ImageTiming(
                image=entry.image,
                variant=entry.variant,
                wall_seconds=timing.wall_seconds,
                limit_seconds=timing.limit_seconds,
                container_start_seconds=timing.container_start_seconds,
                slowest_command=slowest.command if slowest else "",
                slowest_command_seconds=slowest.seconds if slowest else 0.0,
            )
        )
    return timings
