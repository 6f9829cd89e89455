"""Each image's wall time against its limit, as medians over the runs of a configuration."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from benchmarks.facts import ImageTiming
from benchmarks.rounds import Series


@dataclass(frozen=True)
class ImageFigures:
    """One image's median wall time, limit, and wall / limit over a configuration's runs."""

    image: str
    wall_seconds: float
    limit_seconds: float
    wall_over_limit: float


def per_image(series: Series) -> list[ImageFigures]:
    """Images that ran commands in the series' sessions, in the order the record lists them."""
    timings: dict[str, list[ImageTiming]] = {}
    for session in series.sessions:
        for timing in session.images:
            if timing.wall_over_limit is not None:
                timings.setdefault(timing.image, []).append(timing)
    return [
        ImageFigures(
            image=name,
            wall_seconds=statistics.median(t.wall_seconds or 0.0 for t in runs),
            limit_seconds=statistics.median(t.limit_seconds for t in runs),
            wall_over_limit=statistics.median(t.wall_over_limit or 0.0 for t in runs),
        )
        for name, runs in timings.items()
    ]
