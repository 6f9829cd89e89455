"""The build facts of an image: of this session's build, or of its previous build.

The previous build comes from a run folder (its run record holds the exact facts) or from a
build history wiki (the facts are read back from its history rows and manifests). Either
source may be damaged: every problem with it is one InventoryError, which makes a note on
the image rather than a failed session.

A wiki keeps its rows in `monthly-files/` and its manifests below `manifests/`; a folder of
history lines and manifests without a record (`hist_lines/`, `manifests/`) is read the same way.
"""

from __future__ import annotations

from pathlib import Path

from inspections.formats.history_line import (
    HistoryLine,
    HistoryLineError,
    links_manifest,
    read_history_line,
)
from inspections.formats.manifest import read_build_manifest
from inspections.formats.run_folder import (
    MANIFESTS_FOLDER,
    RECORD_FILE,
    history_file,
    manifest_name,
)
from inspections.formats.wiki_pages import MONTHLY_FOLDER, PAGE_SUFFIX
from inspections.inventory.builds import BuildFacts
from inspections.inventory.distro import distro_from_tags
from inspections.inventory.errors import InventoryError
from inspections.inventory.sizes import ImageSize, parse_human_size
from inspections.outputs.record import RecordError, check_record_document, entry_of
from inspections.outputs.record_entry import RecordEntry, zulu
from inspections.stack import build_stem
from inspections.text import lines_of

_COMPARED_FIX = "pass a run folder or wiki whose record is intact"


def facts_of_entry(entry: RecordEntry) -> BuildFacts:
    """The build facts a passed run record entry holds."""
    return BuildFacts(
        image=entry.image,
        platform=entry.platform,
        variant=entry.variant,
        commit=entry.build.git_commit,
        timestamp=zulu(entry.build.timestamp),
        tags=entry.tags,
        size=None if entry.size_bytes is None else ImageSize(entry.size_bytes),
        inventory=entry.inventory,
        reference=entry.repository,
        image_id=entry.image_id,
    )


def _in_record(folder: Path, image: str, platform: str, variant: str) -> BuildFacts | None:
    try:
        entry = entry_of(folder, (image, platform, variant), _COMPARED_FIX)
    except RecordError as error:
        raise InventoryError(str(error)) from error
    return facts_of_entry(entry) if entry is not None and entry.passed else None


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


def _rows_for(folder: Path, stem_prefix: str) -> list[HistoryLine]:
    """Every history row of `folder` (wiki or run folder) whose manifest starts with the prefix."""
    files = sorted(folder.glob(f"{MONTHLY_FOLDER}/**/*{PAGE_SUFFIX}"))
    files += sorted(folder.glob(history_file("*")))
    rows = []
    for path in files:
        for line in lines_of(_page(path)):
            if links_manifest(line, stem_prefix):
                try:
                    rows.append(read_history_line(line))
                except HistoryLineError as error:
                    raise InventoryError(f"{path}: {error}") from None
    return rows


def previous_build_in_wiki(
    folder: Path, image: str, platform: str, variant: str, before: str | None = None
) -> BuildFacts | None:
    """The newest build of the image in a wiki checkout or run folder (older than `before`).

    None when the folder has no row for the image; an error when the row's manifest is gone
    (the wiki keeps a limited number) or cannot be read.
    """
    rows = [
        row
        for row in _rows_for(folder, f"{build_stem(platform, variant, image)}-")
        if row.is_build_of(image, platform, variant) and (before is None or row.timestamp < before)
    ]
    if not rows:
        return None
    row = max(rows, key=lambda found: found.timestamp)
    # A run folder's manifests/<stem>.md, a wiki's manifests/<year>/<year>-<month>/<stem>.md
    name = manifest_name(row.manifest_stem)
    paths = sorted(folder.glob(f"{MANIFESTS_FOLDER}/**/{name}"))
    if not paths:
        raise InventoryError(
            f"{folder}: no {MANIFESTS_FOLDER}/…/{name} for the build of "
            f"{row.timestamp}; the wiki keeps only the newest manifests: compare with a newer "
            "build or a run folder"
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
            size=parse_human_size(manifest.size) if manifest.size else None,
            inventory=manifest.inventory(distro_from_tags(row.tags)),
            reference=repository,
        )
    except InventoryError as error:
        raise InventoryError(f"{paths[0]}: {error}") from None


def previous_build(
    source: Path, image: str, platform: str, variant: str, current: BuildFacts
) -> BuildFacts | None:
    """The build of the image before `current`: the one a run folder records, or the newest
    earlier one of a build history wiki; None when there is none. InventoryError when the
    source cannot tell, or its build is of another repository (registry or owner)."""
    if (source / RECORD_FILE).exists() or (source / RECORD_FILE).is_symlink():
        previous = _in_record(source, image, platform, variant)
    else:
        previous = previous_build_in_wiki(
            source, image, platform, variant, before=current.timestamp
        )
    if previous is not None and previous.reference and previous.reference != current.reference:
        raise InventoryError(
            f"the build in {source} is of {previous.reference}, this one of {current.reference}: "
            "the registry or owner differs, so they are not compared; compare with a build of "
            "the same --registry and --owner"
        )
    return previous


def check_comparison_source(source: Path, argument: str) -> None:
    """Fail with one line unless `source` is a build history wiki or a run folder whose
    record is a run record (its entries are read, one image at a time, when compared).

    `argument` names the source as the user gave it (`--compare-to`, `OLD`).
    """
    record = source / RECORD_FILE
    if record.exists() or record.is_symlink():
        fix = f"pass an earlier run folder whose {RECORD_FILE} is intact, or the wiki's checkout"
        try:
            check_record_document(source, fix)
        except RecordError as error:
            raise InventoryError(f"{argument} {source}: {error}") from error
        return
    if (source / MONTHLY_FOLDER).is_dir():
        return
    raise InventoryError(
        f"{argument} {source} is neither a run folder (no {RECORD_FILE}) nor a build history "
        f"wiki (no {MONTHLY_FOLDER}/): pass the folder of an earlier pytest --emit-manifests, or "
        "the wiki's checkout"
    )
