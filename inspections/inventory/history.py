"""Reading the build history: its table rows, and a previous build from a wiki or run folder.

A row, in the Jupyter Docker Stacks' format (one line):
``| `2026-11-27T14:50:46Z` | `quay.io/jupyter/base-notebook:x86_64-python-3.12`<br />… |
[Git diff](…/commit/<sha>)<br />[Dockerfile](…)<br />[Build manifest](./<file>) |``
where <file> is `<platform>-<variant>-<image>-<sha12>`.
The wiki keeps rows in `monthly-files/` and manifests in `manifests/`; a run folder keeps them
in `hist_lines/` and `manifests/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inspections.formats.manifest_reader import read_build_manifest
from inspections.inventory.builds import BuildFacts
from inspections.inventory.distro import distro_from_tags
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.sizes import parse_human_size
from inspections.references import split_tag
from inspections.text import lines_of

_ROW = re.compile(r"^\| (?P<date>[^|]+) \| (?P<images>[^|]+) \| (?P<links>.+) \|$")
_ISO = re.compile(r"`?(?P<value>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)`?")
_SPACED = re.compile(r"(?P<value>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \(UTC\)")
_REFERENCE = re.compile(r"^`(?P<reference>[^`\s]+)`$")
_COMMIT_LINK = re.compile(r"\[Git diff\]\([^)\s]*/commit/(?P<sha>[0-9a-f]{7,64})\)")
_MANIFEST_LINK = re.compile(r"\[Build manifest\]\(\./(?P<file>[A-Za-z0-9._-]+)\)")
_SHA12 = re.compile(r"[0-9a-f]{12}")
_LINE_BREAK = "<br />"


@dataclass(frozen=True)
class HistoryRow:
    """One image's row in the build history table."""

    timestamp: str
    tags: tuple[str, ...]
    references: tuple[str, ...]
    commit: str
    manifest_file: str  # <platform>-<variant>-<image>-<sha12>, without .md

    def is_build_of(self, image: str, platform: str, variant: str) -> bool:
        """True when the row's manifest is named for this image, platform and variant."""
        prefix = f"{platform}-{variant}-{image}-"
        rest = self.manifest_file.removeprefix(prefix)
        return rest != self.manifest_file and bool(_SHA12.fullmatch(rest))


def _timestamp(cell: str) -> str:
    iso = _ISO.fullmatch(cell.strip())
    if iso:
        return iso["value"]
    spaced = _SPACED.fullmatch(cell.strip())
    if spaced:
        moment = datetime.strptime(spaced["value"], "%Y-%m-%d %H:%M:%S")
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    raise InventoryError(
        f"build history row has date {shown(cell)}; expected `2026-11-27T14:50:46Z`"
    )


def parse_history_row(row: str) -> HistoryRow:
    """The facts of one build history row; a row that is not one raises a one-line error."""
    match = _ROW.match(row.strip())
    if match is None:
        raise InventoryError(f"build history row {shown(row)} is not '| date | images | links |'")
    timestamp = _timestamp(match["date"])
    references = []
    for item in match["images"].strip().split(_LINE_BREAK):
        reference = _REFERENCE.match(item.strip())
        if reference is None or not split_tag(reference["reference"])[1]:
            raise InventoryError(
                f"build history row lists {shown(item)}; expected `registry/owner/image:tag`"
            )
        references.append(reference["reference"])
    commit, manifest = _COMMIT_LINK.search(match["links"]), _MANIFEST_LINK.search(match["links"])
    if commit is None or manifest is None:
        raise InventoryError(
            f"build history row has links {shown(match['links'])}; expected "
            "[Git diff](…/commit/<sha>) and [Build manifest](./<file>)"
        )
    return HistoryRow(
        timestamp=timestamp,
        tags=tuple(split_tag(reference)[1] for reference in references),
        references=tuple(references),
        commit=commit["sha"],
        manifest_file=manifest["file"],
    )


def _page(path: Path) -> str:
    """The text of a page of the wiki (or run folder); InventoryError naming it if damaged."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 text (byte {error.start})"
    except OSError as error:
        problem = f"cannot be read ({error.strerror})"
    raise InventoryError(
        f"{path} {problem}: the page is damaged; restore it from the wiki's history, or compare "
        "with a run folder"
    )


def _rows_for(folder: Path, file_prefix: str) -> list[HistoryRow]:
    """Every history row of `folder` (wiki or run folder) whose manifest starts with the prefix."""
    needle = f"[Build manifest](./{file_prefix}"
    files = sorted(folder.glob("monthly-files/**/*.md")) + sorted(folder.glob("hist_lines/*.txt"))
    rows = []
    for path in files:
        for line in lines_of(_page(path)):
            if needle in line:
                try:
                    rows.append(parse_history_row(line))
                except InventoryError as error:
                    raise InventoryError(f"{path}: {error}") from None
    return rows


def previous_build(
    folder: Path, image: str, platform: str, variant: str, before: str | None = None
) -> BuildFacts | None:
    """The newest build of the image in a wiki checkout or run folder (older than `before`).

    None when the folder has no row for the image; an error when the row's manifest is gone
    (the wiki keeps a limited number) or cannot be read.
    """
    prefix = f"{platform}-{variant}-{image}-"
    rows = [
        row
        for row in _rows_for(folder, prefix)
        if row.is_build_of(image, platform, variant) and (before is None or row.timestamp < before)
    ]
    if not rows:
        return None
    row = max(rows, key=lambda found: found.timestamp)
    paths = sorted(folder.glob(f"manifests/**/{row.manifest_file}.md"))
    if not paths:
        raise InventoryError(
            f"{folder}: no manifests/…/{row.manifest_file}.md for the build of {row.timestamp}; "
            "the wiki keeps only the newest manifests: compare with a newer build or a run folder"
        )
    text = _page(paths[0])
    try:
        manifest = read_build_manifest(text)
        repository = manifest.reference.rsplit(":", 1)[0] if ":" in manifest.reference else ""
        return BuildFacts(
            image=image,
            platform=platform,
            variant=variant,
            commit=row.commit,
            timestamp=row.timestamp,
            tags=row.tags,
            size=parse_human_size(manifest.size),
            inventory=manifest.inventory(distro_from_tags(row.tags)),
            reference=repository,
        )
    except InventoryError as error:
        raise InventoryError(f"{paths[0]}: {error}") from None
