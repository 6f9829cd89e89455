"""stack-build on a stack whose builds wait: parallel branches against the critical path.

Ten images FROM the demo's Debian base image, each one `RUN sleep 2` step, in three branches
of unequal length below one root:

    root ── a1 ── a2 ── a3          (the critical path: root, a1, a2, a3)
         ├─ b1 ── b2
         └─ c1, c2, c3, c4

Each round builds the whole stack with `--no-cache` (every step runs), with `--jobs 4` and
`--jobs 1`, alternating, then runs stack-build again with nothing changed. A build's model is
its sleep plus the engine's per-build overhead, measured in the same round two ways:

- in the run itself: the median, over the run's ten builds, of a build's duration (from the
  `--json` report) less its sleep; builds running side by side on two cores cost more each;
- alone: the median of three `docker build --no-cache` of a `RUN true` image.

The critical path is the root's chain (4 builds), the sum is every build (10).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import docker

from benchmarks.sessions import SessionFailed
from benchmarks.tables import table
from benchmarks.targets import Target, at_most
from benchmarks.workspace import PartResult, Workspace
from inspections.building.docker_client import Docker
from throwaway_stacks import BASE_IMAGE, StackImage, one_step_dockerfile, write_stack

SLEEP_SECONDS = 2.0
PARENTS = {
    "root": "",
    "a1": "root",
    "a2": "a1",
    "a3": "a2",
    "b1": "root",
    "b2": "b1",
    "c1": "root",
    "c2": "root",
    "c3": "root",
    "c4": "root",
}
CRITICAL_PATH = ["root", "a1", "a2", "a3"]
JOBS = 4
OVER_CRITICAL_PATH_BOUND = 1.15
SERIAL_TOLERANCE = 0.15
NOTHING_CHANGED_BOUND_SECONDS = 2.0
OVERHEAD_SAMPLES = 3
STACK_BUILD = "import sys; from inspections.building.build_command import main; sys.exit(main())"


def _write_stack(folder: Path, owner: str) -> Path:
    """The waiting stack, each Dockerfile sleeping then printing something of its own."""
    images = {
        name: StackImage(
            parent,
            {"Dockerfile": one_step_dockerfile(f"sleep {SLEEP_SECONDS:g} && echo {name}")},
            build_args={} if parent else {"BASE_IMAGE": BASE_IMAGE},
        )
        for name, parent in PARENTS.items()
    }
    return write_stack(folder, owner, images)


def _timed(command: list[str], cwd: Path, environment: dict[str, str]) -> float:
    """Wall time of a command that must succeed."""
    start = time.monotonic()
    completed = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - start
    if completed.returncode != 0:
        raise SessionFailed(
            f"{' '.join(command[3:])} failed:\n{completed.stdout}{completed.stderr}"
        )
    return wall


def _build_overhead(scratch: Path, reference: str) -> float:
    """The median wall time of a `docker build --no-cache` whose one step does nothing."""
    context = scratch / "overhead"
    context.mkdir(exist_ok=True)
    (context / "Dockerfile").write_text(f"FROM {BASE_IMAGE}\nRUN true\n")
    builder = Docker().builder
    samples = [
        _timed(
            [builder.client, "build", "--no-cache", "--quiet", "--tag", reference, str(context)],
            scratch,
            builder.environment,
        )
        for _ in range(OVERHEAD_SAMPLES)
    ]
    return statistics.median(samples)


def _image_ids(client: docker.DockerClient, owner: str) -> dict[str, str]:
    return {name: str(client.images.get(f"localhost/{owner}/{name}").id) for name in PARENTS}


def _remove_images(client: docker.DockerClient, owner: str, references: list[str]) -> None:
    for reference in [f"localhost/{owner}/{name}:latest" for name in PARENTS] + references:
        try:
            client.images.remove(reference)
        except docker.errors.ImageNotFound:
            continue


def measure(workspace: Workspace) -> PartResult:
    """Alternating rounds of --jobs 4 and --jobs 1 (no cache), each followed by a no-op run."""
    owner = f"{workspace.owner}-build"
    stack = _write_stack(workspace.scratch / "build-stack", owner)
    environment = {**os.environ, "XDG_CACHE_HOME": str(workspace.scratch / "build-cache")}
    logs = ("--logs", str(workspace.scratch / "build-logs"))

    def stack_build(*arguments: str) -> tuple[float, float]:
        """Wall time, and the median build duration less the sleep (the run's own overhead)."""
        report = workspace.scratch / "build.json"
        command = [sys.executable, "-c", STACK_BUILD, "--stack", str(stack), *logs, *arguments]
        wall = _timed([*command, "--json", str(report)], workspace.scratch, environment)
        images = json.loads(report.read_text())["images"]
        overhead = statistics.median(image["seconds"] - SLEEP_SECONDS for image in images)
        return wall, overhead

    overhead_reference = f"localhost/{owner}/overhead:latest"
    rounds: list[dict[str, float]] = []
    unchanged_ids = True
    try:
        for number in range(1, workspace.rounds + 1):
            figures = {"overhead": _build_overhead(workspace.scratch, overhead_reference)}
            for jobs in (JOBS, 1):
                wall, overhead = stack_build("--no-cache", "--jobs", str(jobs))
                figures[f"jobs {jobs}"] = wall
                figures[f"jobs {jobs} overhead"] = overhead
            before = _image_ids(workspace.client, owner)
            figures["nothing changed"], _ = stack_build("--jobs", str(JOBS))
            unchanged_ids = unchanged_ids and _image_ids(workspace.client, owner) == before
            rounds.append(figures)
            print(
                f"[build {number}/{workspace.rounds}] "
                + ", ".join(f"{name}: {seconds:.2f} s" for name, seconds in figures.items())
                + f", load {os.getloadavg()[0]:.1f}",
                file=sys.stderr,
            )
    finally:
        _remove_images(workspace.client, owner, [overhead_reference])
    figures = _figures(rounds, unchanged_ids)
    return PartResult(
        name="build", figures=figures, tables=[_table(figures)], targets=_targets(figures)
    )


def _figures(rounds: list[dict[str, float]], unchanged_ids: bool) -> dict[str, Any]:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    def chain(builds: int, overhead: float) -> float:
        return builds * (SLEEP_SECONDS + overhead)

    critical, everything = len(CRITICAL_PATH), len(PARENTS)
    return {
        "images": everything,
        "sleep_seconds": SLEEP_SECONDS,
        "docker_build_overhead_seconds": median([r["overhead"] for r in rounds]),
        "jobs_4_build_overhead_seconds": median([r[f"jobs {JOBS} overhead"] for r in rounds]),
        "jobs_4_seconds": median([r[f"jobs {JOBS}"] for r in rounds]),
        "jobs_1_seconds": median([r["jobs 1"] for r in rounds]),
        "critical_path_seconds": median(
            [chain(critical, r[f"jobs {JOBS} overhead"]) for r in rounds]
        ),
        "sum_seconds": median([chain(everything, r["overhead"]) for r in rounds]),
        "jobs_4_over_critical_path": median(
            [r[f"jobs {JOBS}"] / chain(critical, r[f"jobs {JOBS} overhead"]) for r in rounds]
        ),
        "jobs_4_over_critical_path_alone": median(
            [r[f"jobs {JOBS}"] / chain(critical, r["overhead"]) for r in rounds]
        ),
        "jobs_1_over_sum": median([r["jobs 1"] / chain(everything, r["overhead"]) for r in rounds]),
        "nothing_changed_seconds": median([r["nothing changed"] for r in rounds]),
        "nothing_changed_max_seconds": max(r["nothing changed"] for r in rounds),
        "nothing_changed_kept_image_ids": unchanged_ids,
        "rounds": rounds,
    }


def _table(figures: dict[str, Any]) -> str:
    rows = [
        [
            f"--jobs {JOBS}, no cache",
            f"{figures['jobs_4_seconds']:.2f}",
            f"critical path {figures['critical_path_seconds']:.2f}",
            f"{figures['jobs_4_over_critical_path']:.2f}",
            f"{figures['jobs_4_over_critical_path_alone']:.2f}",
        ],
        [
            "--jobs 1, no cache",
            f"{figures['jobs_1_seconds']:.2f}",
            f"sum {figures['sum_seconds']:.2f}",
            "",
            f"{figures['jobs_1_over_sum']:.2f}",
        ],
        ["nothing changed", f"{figures['nothing_changed_seconds']:.2f}", "", "", ""],
    ]
    headers = ["stack-build", "median s", "model s", "/ model", "/ model, overhead alone"]
    note = (
        f"model: each build = {figures['sleep_seconds']:g} s sleep + the engine's overhead: "
        f"{figures['jobs_4_build_overhead_seconds']:.2f} s in the --jobs {JOBS} run, "
        f"{figures['docker_build_overhead_seconds']:.2f} s alone (docker build --no-cache of "
        f"RUN true); {figures['images']} images, critical path {len(CRITICAL_PATH)}"
    )
    return table(rows, headers) + "\n" + note


def _targets(figures: dict[str, Any]) -> list[Target]:
    serial = figures["jobs_1_over_sum"]
    return [
        at_most(
            f"stack-build --jobs {JOBS} / critical path",
            figures["jobs_4_over_critical_path"],
            OVER_CRITICAL_PATH_BOUND,
        ),
        Target(
            "stack-build --jobs 1 / sum of builds",
            f"{serial:.2f}",
            f"≈ 1 (±{SERIAL_TOLERANCE:g})",
            abs(serial - 1) <= SERIAL_TOLERANCE,
        ),
        at_most(
            "stack-build with nothing changed (slowest round)",
            figures["nothing_changed_max_seconds"],
            NOTHING_CHANGED_BOUND_SECONDS,
            " s",
        ),
        Target(
            "stack-build with nothing changed: image ids",
            "unchanged" if figures["nothing_changed_kept_image_ids"] else "CHANGED",
            "unchanged",
            figures["nothing_changed_kept_image_ids"],
        ),
    ]
