"""An image's build history as Mermaid `xychart-beta` charts, and the wiki page that shows them.

For each platform and variant of the image, oldest build first: the image's size, the number
of packages its manifest lists, and the packages each build added, removed and upgraded; then
a table of the same builds, newest first, linking each build's manifest and change report.
The charts set their own line colours: Mermaid's default first colour is faint on white.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from inspections.formats.mermaid import init_directive, mermaid_block, quoted
from inspections.formats.run_folder import SHA_LENGTH
from inspections.inventory.changes import MINUS
from inspections.inventory.sizes import human_size
from inspections.markdown import cell, escaped
from inspections.stack import DEFAULT_VARIANT

CHANGE_KINDS = ("added", "removed", "upgraded")
_COLOURS = {"blue": "#1d4ed8", "red": "#dc2626", "green": "#15803d"}
CHANGES_KEY = ", ".join(
    f"{kind} in {colour}" for kind, colour in zip(CHANGE_KINDS, _COLOURS, strict=True)
)
_CHART = {
    "themeVariables": {
        "xyChart": {
            "plotColorPalette": ", ".join(_COLOURS.values()),
            "backgroundColor": "#ffffff",
        }
    },
    "xyChart": {"width": 860, "height": 320},
}
_KINDS = ", ".join(CHANGE_KINDS)
_MEGABYTE = 10**6
DATED_BUILDS = 12  # up to this many builds, the x-axis shows their days; else their numbers


@dataclass(frozen=True)
class BuildPoint:
    """What the wiki tells of one build of an image on one platform, in one variant."""

    timestamp: str  # 2025-11-24T16:00:00Z
    commit: str
    manifest: str  # the manifest's page name
    size_bytes: int | None = None
    packages: int | None = None  # None: its manifest quotes no listing the plugin reads
    changes: Mapping[str, int] | None = None  # kind -> count; None: not known
    changes_page: str | None = None  # the change report's page name, if the wiki has it


def _labels(points: Sequence[BuildPoint]) -> list[str]:
    """The x-axis label of each build: its day (`11-24`, numbered when a day has several),
    or, when more builds than `DATED_BUILDS` would crowd the axis, its number in the table."""
    if len(points) > DATED_BUILDS:
        return [str(number) for number in range(1, len(points) + 1)]
    seen: Counter[str] = Counter()
    labels = []
    for point in points:
        day = point.timestamp[5:10]
        seen[day] += 1
        labels.append(day if seen[day] == 1 else f"{day} ({seen[day]})")
    return labels


def _axis_range(values: Sequence[float], floor_zero: bool = False) -> tuple[float, float]:
    """A y-axis range with a little room around `values`."""
    low, high = min(values), max(values)
    margin = max((high - low) * 0.1, abs(high) * 0.02, 1)
    bottom = 0 if floor_zero else max(0, low - margin)
    return round(bottom, 1), round(high + margin, 1)


def _number(value: float) -> str:
    """`value` as a plain decimal, `2500000` or `12.5`: Mermaid's xychart reads no exponent."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def line_chart(
    title: str,
    labels: Sequence[str],
    axis: str,
    series: Mapping[str, Sequence[float]],
    floor_zero: bool = False,
) -> str:
    """An `xychart-beta` with one line per series (name -> one value per label)."""
    values = [value for line in series.values() for value in line]
    bottom, top = _axis_range(values, floor_zero)
    lines = [
        init_directive(_CHART),
        "xychart-beta",
        f"  title {quoted(title, limit=120)}",
        f"  x-axis [{', '.join(quoted(label) for label in labels)}]",
        f"  y-axis {quoted(axis)} {_number(bottom)} --> {_number(top)}",
    ]
    for name, line in series.items():
        lines.append(f"  line {quoted(name)} [{', '.join(_number(value) for value in line)}]")
    return "\n".join(lines)


def _chart_of(
    points: Sequence[BuildPoint], labels: Sequence[str], value: Callable[[BuildPoint], float | None]
) -> tuple[list[str], list[float]]:
    """The labels and values of the builds for which `value` is known."""
    known = [(label, value(point)) for label, point in zip(labels, points, strict=True)]
    kept = [(label, found) for label, found in known if found is not None]
    return [label for label, _ in kept], [found for _, found in kept]


def history_charts(name: str, points: Sequence[BuildPoint]) -> list[str]:
    """The charts of one series of builds, oldest first: size, packages, package changes
    (each line in the colour `CHANGES_KEY` names)."""
    labels = _labels(points)
    charts = []
    shown, sizes = _chart_of(
        points, labels, lambda p: None if p.size_bytes is None else p.size_bytes / _MEGABYTE
    )
    if shown:
        charts.append(line_chart(f"{name}: image size (MB)", shown, "MB", {"size": sizes}))
    shown, counts = _chart_of(points, labels, lambda p: p.packages)
    if shown:
        charts.append(line_chart(f"{name}: packages", shown, "packages", {"packages": counts}))
    changed = [(label, p.changes) for label, p in zip(labels, points, strict=True) if p.changes]
    if changed:
        series = {kind: [float(c.get(kind, 0)) for _, c in changed] for kind in CHANGE_KINDS}
        shown = [label for label, _ in changed]
        charts.append(line_chart(f"{name}: packages changed", shown, "packages", series, True))
    return charts


def _changes_cell(point: BuildPoint) -> str:
    if point.changes is None:
        return ""
    shown = " ".join(
        f"{symbol}{point.changes.get(kind, 0)}"
        for symbol, kind in zip(("+", MINUS, "↑"), CHANGE_KINDS, strict=True)
    )
    if not point.changes_page:
        return shown
    return f"[{shown}](./{quote(point.changes_page, safe='')})"


def _table(points: Sequence[BuildPoint]) -> str:
    """The builds, newest first; what the pages they are read from say is shown as text."""
    rows = [
        f"| # | build | commit | size | packages | changes (+ {MINUS} ↑: {_KINDS}) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for number, point in reversed(list(enumerate(points, start=1))):
        size = human_size(point.size_bytes) if point.size_bytes is not None else ""
        packages = "" if point.packages is None else str(point.packages)
        page = quote(point.manifest, safe="")
        build = f"[{escaped(point.timestamp)}](./{page})"
        commit = cell(point.commit[:SHA_LENGTH])
        cells = [str(number), build, commit, size, packages, _changes_cell(point)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def series_name(platform: str, variant: str) -> str:
    """`x86_64`, or `x86_64, cuda12` for a variant."""
    return platform if variant == DEFAULT_VARIANT else f"{platform}, {variant}"


def _default_first(item: tuple[tuple[str, str], object]) -> tuple[str, bool, str]:
    (platform, variant), _ = item
    return platform, variant != DEFAULT_VARIANT, variant


def history_page(image: str, series: Mapping[tuple[str, str], Sequence[BuildPoint]]) -> str:
    """The wiki page of an image's history: per (platform, variant) its charts and builds."""
    count = max((len(points) for points in series.values()), default=0)
    parts = [
        f"# {image}: build history",
        "",
        f"[Home](./Home) · the last {count} builds of each platform and variant this wiki holds "
        "manifests of, oldest first: the image's size, the packages its manifest lists, and the "
        "packages each build added, removed and upgraded (from its change report, or else from "
        f"the manifest of the build before it: {CHANGES_KEY}). The charts number the builds as "
        f"the tables do when there are more than {DATED_BUILDS}.",
    ]
    for (platform, variant), points in sorted(series.items(), key=_default_first):
        name = series_name(platform, variant)
        parts += ["", f"## {name}", ""]
        charts = history_charts(f"{image} ({name})", points)
        parts += [mermaid_block(chart) + "\n" for chart in charts]
        parts.append(_table(points))
    return "\n".join(parts) + "\n"
