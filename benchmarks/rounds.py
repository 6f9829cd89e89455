"""Alternating rounds: A B C, A B C, … so that slow spells of the machine hit all alike."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.sessions import Configuration, Session


@dataclass
class Series:
    """All runs of one configuration, and their median, fastest and slowest wall time."""

    configuration: Configuration
    sessions: list[Session] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [session.wall_seconds for session in self.sessions]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def fastest(self) -> float:
        return min(self.walls)

    @property
    def slowest(self) -> float:
        return max(self.walls)

    @property
    def max_starts(self) -> int:
        """The most containers any run started."""
        return max(session.total_starts for session in self.sessions)

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.configuration.shell_line(),
            "median_seconds": self.median,
            "min_seconds": self.fastest,
            "max_seconds": self.slowest,
            "runs": [
                {
                    "wall_seconds": session.wall_seconds,
                    "load_average": session.load_average,
                    "exit_code": session.exit_code,
                    "stopped_at_cap": session.capped,
                    "rootdir": session.rootdir,
                    "container_starts": session.container_starts,
                    "images": [vars(image) for image in session.images],
                }
                for session in self.sessions
            ],
        }


def alternate(
    part: str,
    configurations: Sequence[Configuration],
    rounds: int,
    run: Callable[[Configuration], Session],
) -> dict[str, Series]:
    """Run every configuration once per round, in the same order each round."""
    series = {configuration.name: Series(configuration) for configuration in configurations}
    for round_number in range(1, rounds + 1):
        for configuration in configurations:
            session = run(configuration)
            series[configuration.name].sessions.append(session)
            show_progress(f"{part} {round_number}/{rounds}", configuration, session)
    return series


def show_progress(step: str, configuration: Configuration, session: Session) -> None:
    """One line on stderr per session, so that a long benchmark shows where it is."""
    stopped = " (stopped)" if session.capped else ""
    print(
        f"[{step}] {configuration.name}: {session.wall_seconds:.2f} s{stopped}, "
        f"{session.total_starts} containers",
        file=sys.stderr,
    )
