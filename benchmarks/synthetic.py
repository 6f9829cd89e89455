"""A stack whose inspections wait rather than compute: how scheduling scales with workers.

Eight images, a root and seven children, each a tag of the Debian base image. The root
declares the one slow inspection, a tagger whose command sleeps 2 s; every image inherits
it and runs it once in its own container. Each child adds a tagger whose command returns at
once. So every image's limit is one container start + 2 s, and, as in a real stack, the
items of the root's inspection file belong to all eight images: grouping work by file would
not group it by image.

The model for k workers: the start-up of k xdist workers measured alone (a one-test module,
whole process) plus ceil(8 / k) x an image's limit, the container start being the median
of the serial sessions' starts.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

from benchmarks.rounds import Series, alternate
from benchmarks.sessions import Configuration, Session
from benchmarks.stacks import tagged_images, write_benchmark_stack
from benchmarks.tables import table
from benchmarks.targets import Target, at_most
from benchmarks.workspace import PartResult, Workspace
from throwaway_stacks import StackImage

WAIT_SECONDS = 2.0
ROOT = "root"
CHILDREN = [f"child-{number}" for number in range(1, 8)]
WORKERS = (1, 2, 4, 8)
MOST_WORKERS = WORKERS[-1]
# Speed targets: measured over serial, and measured over the model, per worker count.
OVER_SERIAL_BOUNDS = {4: 0.45, 8: 0.4}
OVER_MODEL_BOUND = 1.25

ROOT_INSPECTIONS = f'''
    """The slow command every image of the stack inherits."""

    from inspections import output_of, tagger


    @tagger
    def waited_tag(host) -> str:
        return output_of(host, "sleep {WAIT_SECONDS:g}; echo waited")
'''
CHILD_INSPECTIONS = '''
    """A quick tagger of this image's own."""

    from inspections import output_of, tagger


    @tagger
    def own_tag(host) -> str:
        return output_of(host, "echo {name}")
'''
TRIVIAL_MODULE = "def test_trivial() -> None:\n    pass\n"


def _label(workers: int) -> str:
    return "serial" if workers == 1 else f"-n {workers}"


def _options(workers: int) -> tuple[str, ...]:
    return () if workers == 1 else ("-n", str(workers))


def _waiting_stack(workspace: Workspace) -> tuple[Path, list[str]]:
    """The stack's repository, and its image names."""
    images = {ROOT: StackImage(files={"inspect_root.py": ROOT_INSPECTIONS})}
    for child in CHILDREN:
        module = f"inspect_{child.replace('-', '_')}.py"
        images[child] = StackImage(
            parent=ROOT, files={module: CHILD_INSPECTIONS.format(name=child)}
        )
    return write_benchmark_stack(workspace.scratch / "waiting", workspace.owner, images), list(
        images
    )


def _trivial_module(workspace: Workspace) -> Path:
    """A folder holding one test module with one test that does nothing."""
    folder = workspace.scratch / "trivial"
    folder.mkdir()
    (folder / "test_trivial.py").write_text(TRIVIAL_MODULE)
    return folder


def measure(workspace: Workspace) -> PartResult:
    """Worker start-ups alone and the waiting stack, alternating, for 1, 2, 4 and 8 workers.

    Eight workers' start-up is also measured with the plugin not loaded at all, which shows
    what loading it adds to every worker.
    """
    stack, names = _waiting_stack(workspace)
    trivial = _trivial_module(workspace)
    startups = {
        k: Configuration(f"xdist start-up alone, {_label(k)}", trivial, _options(k))
        for k in WORKERS
    }
    plugin_off = Configuration(
        f"xdist start-up alone, {_label(MOST_WORKERS)}, -p no:stack_inspections",
        trivial,
        ("-p", "no:stack_inspections", *_options(MOST_WORKERS)),
    )
    waiting = {
        k: Configuration(
            f"waiting stack, {_label(k)}",
            stack,
            ("--inspections-only", *_options(k)),
            emit_under=stack / "out",
        )
        for k in WORKERS
    }
    with tagged_images(workspace.client, workspace.owner, names) as tagged:

        def run(configuration: Configuration) -> Session:
            tagged.ensure()
            return workspace.runner.run(configuration)

        configurations = [*startups.values(), plugin_off, *waiting.values()]
        series = alternate("synthetic", configurations, workspace.rounds, run)
    figures = _figures(
        {k: series[c.name] for k, c in startups.items()},
        {k: series[c.name] for k, c in waiting.items()},
        len(names),
    )
    figures["plugin_share_of_most_workers_startup_seconds"] = (
        figures["workers"][_label(MOST_WORKERS)]["workers_startup_seconds"]
        - series[plugin_off.name].median
    )
    return PartResult(
        name="synthetic",
        series=series,
        figures=figures,
        tables=[_table(figures)],
        targets=_targets(figures),
    )


def _figures(
    startups: dict[int, Series], waiting: dict[int, Series], images: int
) -> dict[str, Any]:
    """Measured, model, and their ratios for each worker count."""
    container_start = statistics.median(
        timing.container_start_seconds
        for session in waiting[1].sessions
        for timing in session.images
        if timing.container_start_seconds is not None
    )
    image_limit = container_start + WAIT_SECONDS
    serial = waiting[1].median
    per_workers = {}
    for k in WORKERS:
        model = startups[k].median + math.ceil(images / k) * image_limit
        per_workers[_label(k)] = {
            "measured_seconds": waiting[k].median,
            "workers_startup_seconds": startups[k].median,
            "model_seconds": model,
            "over_model": waiting[k].median / model,
            "over_serial": waiting[k].median / serial,
            "container_starts": [session.total_starts for session in waiting[k].sessions],
            "one_container_per_image": all(
                session.one_container_per_image for session in waiting[k].sessions
            ),
        }
    return {
        "images": images,
        "container_start_seconds": container_start,
        "image_limit_seconds": image_limit,
        "workers": per_workers,
    }


def _table(figures: dict[str, Any]) -> str:
    rows = [
        [
            label,
            f"{of_k['measured_seconds']:.2f}",
            f"{of_k['workers_startup_seconds']:.2f}",
            f"{of_k['model_seconds']:.2f}",
            f"{of_k['over_model']:.2f}",
            f"{of_k['over_serial']:.2f}",
            "/".join(str(n) for n in of_k["container_starts"]),
        ]
        for label, of_k in figures["workers"].items()
    ]
    headers = [
        "waiting stack",
        "measured s",
        "workers' start-up s",
        "model s",
        "/ model",
        "/ serial",
        "containers per run",
    ]
    note = (
        f"model = workers' start-up + ceil({figures['images']} / k) x "
        f"{figures['image_limit_seconds']:.2f} s "
        f"(container start {figures['container_start_seconds']:.2f} s + {WAIT_SECONDS:g} s)\n"
        f"loading the plugin adds "
        f"{figures['plugin_share_of_most_workers_startup_seconds']:+.2f} s "
        f"to {MOST_WORKERS} workers' start-up (against -p no:stack_inspections)"
    )
    return table(rows, headers) + "\n" + note


def _targets(figures: dict[str, Any]) -> list[Target]:
    targets = []
    for k, bound in OVER_SERIAL_BOUNDS.items():
        of_k = figures["workers"][_label(k)]
        targets.append(at_most(f"waiting stack: -n {k} / serial", of_k["over_serial"], bound))
        targets.append(
            at_most(f"waiting stack: -n {k} / its model", of_k["over_model"], OVER_MODEL_BOUND)
        )
    starts = [max(of_k["container_starts"]) for of_k in figures["workers"].values()]
    targets.append(
        Target(
            "waiting stack: containers started (serial, -n 2, -n 4, -n 8)",
            ", ".join(str(n) for n in starts),
            f"{figures['images']} each: one per image",
            all(of_k["one_container_per_image"] for of_k in figures["workers"].values()),
        )
    )
    return targets
