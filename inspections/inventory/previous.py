"""The build facts of an image: of this session's build, or of its previous build.

The previous build comes from a run folder (its run record holds the exact facts) or from a
build history wiki (the facts are read back from its history rows and manifests). Either
source may be damaged: every problem with it is one InventoryError, which makes a note on
the image rather than a failed session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from inspections.inventory.builds import BuildFacts
from inspections.inventory.errors import InventoryError
from inspections.inventory.history import previous_build as previous_build_in_wiki
from inspections.inventory.sizes import ImageSize
from inspections.outputs.record import RECORD_FILE, RecordError, check_record_document, entry_of
from inspections.outputs.record_entry import RecordEntry

WIKI_PAGES = "monthly-files"
_COMPARED_FIX = "pass a run folder or wiki whose record is intact"


def zulu(timestamp: str) -> str:
    """An ISO timestamp as UTC with a `Z`, whole seconds: `2026-11-27T14:50:46Z`."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


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
    if (source / WIKI_PAGES).is_dir():
        return
    raise InventoryError(
        f"{argument} {source} is neither a run folder (no {RECORD_FILE}) nor a build history "
        f"wiki (no {WIKI_PAGES}/): pass the folder of an earlier pytest --emit-manifests, or "
        "the wiki's checkout"
    )
