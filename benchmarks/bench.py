"""Benchmark: the plugin's inspections over the demo stack against the physical limit.

Runs, in one go on this machine: a serial cold session (which also fills a value cache), a
session with two xdist workers, and a serial session with the cache warm. Prints a table per
image (container start, each distinct command, wall time, the limit = container start +
slowest command) and the run's ratios, and writes it all as JSON. A benchmark, not a test:
it reports what it measured.

    python benchmarks/bench.py [--json out/bench.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tabulate import tabulate

REPOSITORY = Path(__file__).resolve().parents[1]
DEMO = REPOSITORY / "demo"
# Plugins this machine may have that the product does not use; their start-up is not ours.
UNRELATED_PLUGINS_OFF = [
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
]


@dataclass(frozen=True)
class Session:
    """One pytest session over the demo stack: its wall time and its inspections.json."""

    wall_seconds: float
    facts: dict[str, Any]


def inspect_demo(out: Path, *options: str) -> Session:
    """Run the demo stack's inspections (no image tests) in a fresh pytest process."""
    command = [
        sys.executable, "-m", "pytest", "-q", *UNRELATED_PLUGINS_OFF,
        "--stack", str(DEMO), "--inspections-only", "--emit-manifests", str(out), *options,
    ]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    began = time.perf_counter()
    completed = subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True)
    wall = time.perf_counter() - began
    if completed.returncode != 0:
        sys.exit(f"benchmark session failed ({' '.join(options)}):\n{completed.stdout.decode()}")
    return Session(wall, json.loads((out / "inspections.json").read_text()))


def per_image(session: Session) -> list[dict[str, Any]]:
    """Each image's container start, commands, wall time and limit, from the serial run."""
    rows = []
    for name, image in session.facts["images"].items():
        timing = image["timing"]
        rows.append(
            {
                "image": name,
                "container_start_seconds": timing["container_start_seconds"],
                "commands": timing["commands"],
                "commands_executed": timing["commands_executed"],
                "distinct_commands": timing["distinct_commands"],
                "wall_seconds": timing["wall_seconds"],
                "limit_seconds": timing["limit_seconds"],
                "wall_over_limit": timing["wall_seconds"] / timing["limit_seconds"],
            }
        )
    return rows


def measure() -> dict[str, Any]:
    """All sessions of the benchmark, in one run, and their ratios."""
    with tempfile.TemporaryDirectory(prefix="stack-inspections-bench-") as scratch:
        work = Path(scratch)
        cache = ["--cache-dir", str(work / "cache")]
        serial = inspect_demo(work / "serial", "-n", "0", *cache)
        parallel = inspect_demo(work / "parallel", "-n", "2")
        warm = inspect_demo(work / "warm", "-n", "0", *cache)
    images = per_image(serial)
    return {
        "images": images,
        "serial_wall_seconds": serial.wall_seconds,
        "parallel_wall_seconds": parallel.wall_seconds,
        "warm_wall_seconds": warm.wall_seconds,
        "ratios": {
            "parallel_over_serial": parallel.wall_seconds / serial.wall_seconds,
            "warm_over_cold": warm.wall_seconds / serial.wall_seconds,
            "worst_image_wall_over_limit": max(row["wall_over_limit"] for row in images),
        },
        "commands_executed": sum(row["commands_executed"] for row in images),
        "distinct_commands": sum(row["distinct_commands"] for row in images),
        "containers_started_warm": sum(
            image["timing"]["container_start_seconds"] is not None
            for image in warm.facts["images"].values()
        ),
    }


def report(results: dict[str, Any]) -> str:
    """The benchmark as text: per-image table, then the run's figures."""
    rows = [
        [
            row["image"],
            f"{row['container_start_seconds']:.2f}",
            max(row["commands"], key=lambda c: c["seconds"])["command"][:40],
            f"{max(c['seconds'] for c in row['commands']):.2f}",
            f"{row['commands_executed']}/{row['distinct_commands']}",
            f"{row['wall_seconds']:.2f}",
            f"{row['limit_seconds']:.2f}",
            f"{row['wall_over_limit']:.2f}",
        ]
        for row in results["images"]
    ]
    headers = ["image", "start s", "slowest command", "its s", "run/distinct", "wall s",
               "limit s", "wall/limit"]  # fmt: skip
    ratios = results["ratios"]
    summary = [
        ["serial wall (s)", f"{results['serial_wall_seconds']:.2f}"],
        ["-n 2 wall (s)", f"{results['parallel_wall_seconds']:.2f}"],
        ["warm cache wall (s)", f"{results['warm_wall_seconds']:.2f}"],
        ["-n 2 / serial", f"{ratios['parallel_over_serial']:.2f}"],
        ["warm / cold", f"{ratios['warm_over_cold']:.3f}"],
        ["worst image wall / limit", f"{ratios['worst_image_wall_over_limit']:.2f}"],
        [
            "commands run / distinct",
            f"{results['commands_executed']}/{results['distinct_commands']}",
        ],
        ["containers started warm", results["containers_started_warm"]],
    ]
    return tabulate(rows, headers=headers) + "\n\n" + tabulate(summary, tablefmt="plain")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=REPOSITORY / "out/bench.json")
    arguments = parser.parse_args()
    results = measure()
    print(report(results))
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten: {arguments.json}")


if __name__ == "__main__":
    main()
