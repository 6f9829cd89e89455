"""The build history wiki's pictures: the stack on the Home page, a history page per image.

Everything comes from what the wiki holds once the update is made, so a wiki begun by the
Jupyter Docker Stacks' own tool gets them too:

- each build is a manifest (`manifests/…/<platform>-<variant>-<image>-<sha12>.md`, its image
  named by its title): its Build Info gives the size, its quoted listings the packages;
- what a build changed comes from its change report (`changes/…/<stem>-changes.md`) when the
  wiki has one, else from its manifest and the one of the build before it;
- the stack is drawn from the runs of the update, failed images included.

An image's page (`wiki_pages.history_page_path`) shows the last `MAX_BUILDS` builds of each
platform and variant.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from inspections.formats.change_report import package_counts
from inspections.formats.history_charts import BuildPoint, history_page
from inspections.formats.manifest import BuildManifest, read_build_manifest
from inspections.formats.run_folder import series_of_stem
from inspections.formats.stack_diagram import DiagramBuild, images_of_builds, stack_section
from inspections.formats.wiki_pages import (
    changes_path,
    history_page_image,
    history_page_path,
    is_history_page,
)
from inspections.inventory.changes import package_changes
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.registry import LISTING_PARSERS
from inspections.inventory.sizes import parse_human_size
from inspections.references import IMAGE_NAME

MAX_BUILDS = 30
_PAGE_NAME = re.compile(r"[A-Za-z0-9._-]+")  # what a wiki link may name

Reader = Callable[[PurePosixPath], "str | None"]  # a wiki file's text once updated; None: none


@dataclass(frozen=True)
class FiledBuild:
    """A build manifest the wiki holds: where, of which image, built when."""

    path: PurePosixPath
    image: str
    timestamp: str


def _series(build: FiledBuild) -> tuple[str, str] | None:
    """(platform, variant) of a build's manifest; None for a manifest named otherwise, or of an
    image whose name a page or link cannot carry."""
    if not (_PAGE_NAME.fullmatch(build.path.stem) and IMAGE_NAME.fullmatch(build.image)):
        return None
    return series_of_stem(build.path.stem, build.image)


def _inventory(manifest: BuildManifest) -> Inventory | None:
    """The packages the manifest's listings name; None when it quotes none the plugin reads."""
    if not any(quoted.command in LISTING_PARSERS for quoted in manifest.outputs):
        return None
    try:
        return manifest.inventory()
    except InventoryError:
        return None


def _size(manifest: BuildManifest) -> int | None:
    try:
        return parse_human_size(manifest.size).bytes
    except InventoryError:
        return None


def _points(builds: Sequence[FiledBuild], read: Reader) -> list[BuildPoint]:
    """The builds' points, oldest first; the first build only tells the second's changes."""
    points: list[BuildPoint] = []
    previous: Inventory | None = None
    for build in builds:
        try:
            manifest = read_build_manifest(read(build.path) or "")
        except InventoryError:
            previous = None
            continue
        inventory = _inventory(manifest)
        report_path = changes_path(build.path)
        report = read(report_path)
        counts = package_counts(report) if report else None
        if counts is None and inventory is not None and previous is not None:
            found = Counter(change.kind for change in package_changes(previous, inventory))
            counts = {kind: found[kind] for kind in ("added", "removed", "upgraded")}
        points.append(
            BuildPoint(
                timestamp=manifest.timestamp,
                commit=manifest.commit,
                manifest=build.path.stem,
                size_bytes=_size(manifest),
                packages=None if inventory is None else len(inventory.packages),
                changes=counts,
                changes_page=report_path.stem if counts is not None and report else None,
            )
        )
        previous = inventory
    return points[-MAX_BUILDS:]


def history_pages(filed: Iterable[FiledBuild], read: Reader) -> dict[PurePosixPath, str]:
    """The history page of every image with a build in `filed` (`read` gives the manifests
    and change reports)."""
    grouped: dict[str, dict[tuple[str, str], list[FiledBuild]]] = {}
    for build in filed:
        series = _series(build)
        if series is not None:
            grouped.setdefault(build.image, {}).setdefault(series, []).append(build)
    pages = {}
    for image, by_series in sorted(grouped.items()):
        points = {}
        for series, builds in by_series.items():
            newest = sorted(builds, key=lambda found: (found.timestamp, found.path.parts))
            points[series] = _points(newest[-(MAX_BUILDS + 1) :], read)
        kept = {series: found for series, found in points.items() if found}
        if kept:
            pages[history_page_path(image)] = history_page(image, kept)
    return pages


def home_pictures(builds: Sequence[DiagramBuild], pages: Iterable[PurePosixPath]) -> str:
    """What the Home page shows between its intro and its tables: the stack as the update's
    runs built it, and links to the images' history pages."""
    parts = []
    if builds:
        drawn = stack_section(images_of_builds(builds), builds)
        parts.append(f"## The stack\n\nAs last built, in the runs of the latest update. {drawn}")
    links = [f"[{history_page_image(path)}](./{path.stem})" for path in pages]
    if links:
        parts.append("## Build history of each image\n\n" + " · ".join(links))
    return "".join(f"\n\n{part}" for part in parts)


def page_changes(
    pages: Mapping[PurePosixPath, str], existing: Iterable[PurePosixPath], read: Reader
) -> dict[PurePosixPath, str | None]:
    """Each history page's new text where it changed, and None for the pages of images no
    longer in the wiki (`existing`: the history pages there now)."""
    changes: dict[PurePosixPath, str | None] = {
        path: None for path in existing if is_history_page(path) and path not in pages
    }
    changes.update({path: text for path, text in pages.items() if read(path) != text})
    return changes
