"""The demo stack, inspections only, run as users run it, from three places:

- the checkout: `--stack demo`, outputs to the checkout's `out/` (its pytest.ini applies);
- the checkout, a committed copy of the stack elsewhere (in a temporary folder) named by
  absolute path, outputs next to the copy: `--stack …/elsewhere/demo --emit-manifests
  …/elsewhere/new-out`;
- inside that copy: `--stack .`, outputs next to it (there is no ini file at all).

Each place serially, with `-n 2` and with `-n 4`. Every session's container starts are
counted: one container per image is the expectation. Each image's wall time is read from
the run record against its limit (container start + slowest command).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.per_image import ImageFigures, per_image
from benchmarks.rounds import Series, alternate
from benchmarks.sessions import Configuration
from benchmarks.stacks import copy_demo
from benchmarks.tables import table
from benchmarks.targets import Target, at_most
from benchmarks.workspace import PartResult, Workspace

WORKERS = {"serial": (), "-n 2": ("-n", "2"), "-n 4": ("-n", "4")}
TWO_WORKERS_BOUND = 0.9  # -n 2 over serial, on 2 cores
NEVER_SLOWER_BOUND = 1.0  # any worker count over serial
WALL_OVER_LIMIT_BOUND = 1.3  # every image, serially and under -n 2
NOTHING_READ = float("nan")  # a figure the run records did not give: meets no target


@dataclass(frozen=True)
class Place:
    """Where a user types the command, how they name the stack and where outputs go."""

    name: str
    cwd: Path
    stack: str
    out: Path

    def configuration(self, workers: str) -> Configuration:
        return Configuration(
            f"{self.name} · {workers}",
            self.cwd,
            ("--stack", self.stack, "--inspections-only", *WORKERS[workers]),
            emit_under=self.out,
        )

    def series(self, all_series: dict[str, Series]) -> dict[str, Series]:
        """This place's series, by worker count."""
        return {workers: all_series[self.configuration(workers).name] for workers in WORKERS}


def measure(workspace: Workspace) -> PartResult:
    """Every place with every worker count, in alternating rounds."""
    elsewhere = workspace.scratch / "elsewhere"
    copy = copy_demo(workspace.repository, elsewhere / "demo")
    places = [
        Place("checkout: --stack demo", workspace.repository, "demo", workspace.checkout_out),
        Place(
            "checkout: --stack …/elsewhere/demo",
            workspace.repository,
            str(copy),
            elsewhere / "new-out",
        ),
        Place("copy: --stack .", copy, ".", elsewhere / "new-out"),
    ]
    configurations = [place.configuration(workers) for place in places for workers in WORKERS]
    series = alternate("demo", configurations, workspace.rounds, workspace.runner.run)
    result = PartResult(name="demo", series=series)
    for place in places:
        figures = _figures(place.series(series), workspace.scratch)
        result.figures[place.name] = figures
        result.targets += _targets(place.name, figures)
    result.tables.append(_places_table(result.figures))
    result.tables.append(_per_image_table(places[0].name, result.figures[places[0].name]))
    return result


def _figures(of_place: dict[str, Series], scratch: Path) -> dict[str, Any]:
    """A place's medians, ratios to serial, container starts, rootdirs and per-image walls.

    Rootdirs in the scratch folder are shown as `…/<path in it>`.
    """
    serial = of_place["serial"].median
    images = {workers: per_image(s) for workers, s in of_place.items()}
    return {
        "seconds": {workers: s.median for workers, s in of_place.items()},
        "over_serial": {workers: s.median / serial for workers, s in of_place.items()},
        "images": max(len(session.images) for s in of_place.values() for session in s.sessions),
        "container_starts": {
            workers: [session.total_starts for session in s.sessions]
            for workers, s in of_place.items()
        },
        "one_container_per_image": all(
            session.one_container_per_image for s in of_place.values() for session in s.sessions
        ),
        "rootdirs": {
            workers: sorted(
                {str(session.rootdir).replace(str(scratch), "…") for session in s.sessions}
            )
            for workers, s in of_place.items()
        },
        "worst_wall_over_limit": {
            workers: max((image.wall_over_limit for image in of_workers), default=NOTHING_READ)
            for workers, of_workers in images.items()
        },
        "per_image": {
            workers: [asdict(image) for image in of_workers]
            for workers, of_workers in images.items()
        },
    }


def _targets(place: str, figures: dict[str, Any]) -> list[Target]:
    over_serial = figures["over_serial"]
    worst = figures["worst_wall_over_limit"]
    most_starts = [max(runs) for runs in figures["container_starts"].values()]
    return [
        at_most(f"demo, {place}: -n 2 / serial", over_serial["-n 2"], TWO_WORKERS_BOUND),
        at_most(f"demo, {place}: -n 4 / serial", over_serial["-n 4"], NEVER_SLOWER_BOUND),
        Target(
            f"demo, {place}: containers started (serial, -n 2, -n 4)",
            ", ".join(map(str, most_starts)),
            f"{figures['images']} each: one per image",
            figures["one_container_per_image"],
        ),
        at_most(
            f"demo, {place}: worst wall / limit, serial", worst["serial"], WALL_OVER_LIMIT_BOUND
        ),
        at_most(f"demo, {place}: worst wall / limit, -n 2", worst["-n 2"], WALL_OVER_LIMIT_BOUND),
    ]


def _places_table(figures_by_place: dict[str, dict[str, Any]]) -> str:
    headers = [
        "demo stack",
        "workers",
        "median s",
        "/ serial",
        "containers per run",
        "images",
        "worst wall/limit",
        "rootdir",
    ]
    rows = [
        [
            place,
            workers,
            f"{seconds:.2f}",
            f"{figures['over_serial'][workers]:.2f}",
            "/".join(map(str, figures["container_starts"][workers])),
            figures["images"],
            f"{figures['worst_wall_over_limit'][workers]:.2f}",
            ", ".join(figures["rootdirs"][workers]),
        ]
        for place, figures in figures_by_place.items()
        for workers, seconds in figures["seconds"].items()
    ]
    return table(rows, headers)


def _per_image_table(place: str, figures: dict[str, Any]) -> str:
    """Each image's median wall, limit and wall / limit, serially and with -n 2."""
    serial = [ImageFigures(**image) for image in figures["per_image"]["serial"]]
    two = {image["image"]: ImageFigures(**image) for image in figures["per_image"]["-n 2"]}
    headers = [
        f"{place}: image",
        "serial wall s",
        "limit s",
        "wall/limit",
        "-n 2 wall s",
        "limit s",
        "wall/limit",
    ]
    rows = [
        [image.image, *_image_cells(image), *_image_cells(two.get(image.image))] for image in serial
    ]
    return table(rows, headers)


def _image_cells(image: ImageFigures | None) -> list[str]:
    if image is None:
        return ["-", "-", "-"]
    return [
        f"{image.wall_seconds:.2f}",
        f"{image.limit_seconds:.2f}",
        f"{image.wall_over_limit:.2f}",
    ]
