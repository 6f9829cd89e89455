"""The benchmark's printed tables and its JSON document."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from benchmarks.machine import summary_line
from benchmarks.tables import table
from benchmarks.targets import Target
from benchmarks.workspace import PartResult


def sessions_table(parts: list[PartResult]) -> str:
    """Every configuration: median, fastest and slowest wall time, runs."""
    rows = [
        [part.name, name, f"{s.median:.2f}", f"{s.fastest:.2f}", f"{s.slowest:.2f}", len(s.walls)]
        for part in parts
        for name, s in part.series.items()
    ]
    return table(rows, ["part", "session", "median s", "min s", "max s", "runs"])


def targets_table(targets: list[Target]) -> str:
    rows = [[t.measure, t.figure, t.target, "met" if t.met else "NOT MET"] for t in targets]
    return table(rows, ["measure", "figure", "target", "result"])


def text(parts: list[PartResult], machine: dict[str, Any]) -> str:
    """All tables: sessions, each part's own, the targets, then the machine's state."""
    blocks = [sessions_table(parts)]
    blocks += [part_table for part in parts for part_table in part.tables]
    targets = [target for part in parts for target in part.targets]
    if targets:
        blocks.append(targets_table(targets))
    blocks.append(summary_line(machine))
    return "\n\n".join(blocks)


def document(
    parts: list[PartResult], rounds: int, machine: dict[str, Any], failure: str | None
) -> dict[str, Any]:
    """Everything measured, as JSON: machine, sessions, figures, targets."""
    return {
        "machine": machine,
        "rounds": rounds,
        "failure": failure,
        "parts": {
            part.name: {
                "sessions": {name: s.to_json() for name, s in part.series.items()},
                "figures": part.figures,
            }
            for part in parts
        },
        "targets": [asdict(target) for part in parts for target in part.targets],
    }
