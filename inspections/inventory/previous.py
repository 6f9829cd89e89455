"""The build facts of an image: of this session's build, or of its previous build.

The previous build comes from a run folder (its run record holds the exact facts) or from a
build history wiki (the facts are read back from its history rows and manifests).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspections.inventory.builds import BuildFacts
from inspections.inventory.errors import InventoryError
from inspections.inventory.history import previous_build as previous_build_in_wiki
from inspections.inventory.model import Inventory
from inspections.inventory.sizes import ImageSize
from inspections.record import RECORD_FILE, RecordedImage, RecordError, read_record


def zulu(timestamp: str) -> str:
    """An ISO timestamp as UTC with a `Z`, whole seconds: `2026-11-27T14:50:46Z`."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def facts_of_entry(entry: dict[str, Any]) -> BuildFacts:
    """The build facts a run record's entry holds (`finishing.record_entry`)."""
    build = entry.get("build") or {}
    reference = str(entry.get("reference", ""))
    size = entry.get("size_bytes")
    return BuildFacts(
        image=str(entry.get("image", "")),
        platform=str(entry.get("platform", "")),
        variant=str(entry.get("variant", "")),
        commit=str(build.get("git_commit", "")),
        timestamp=zulu(str(build.get("timestamp", ""))),
        tags=tuple(entry.get("tags", [])),
        size=ImageSize(size) if isinstance(size, int) and not isinstance(size, bool) else None,
        inventory=Inventory.from_json(inventory) if (inventory := entry.get("inventory")) else None,
        reference=reference.rsplit(":", 1)[0] if ":" in reference.rsplit("/", 1)[-1] else reference,
        image_id=str(entry.get("image_id", "")),
    )


def _in_record(folder: Path, image: str, platform: str, variant: str) -> BuildFacts | None:
    try:
        record = read_record(folder)
    except RecordError as error:
        raise InventoryError(str(error)) from error

    def matches(found: RecordedImage) -> bool:
        return found.passed and (found.image, found.platform, found.variant) == (
            image,
            platform,
            variant,
        )

    return next((facts_of_entry(found.entry) for found in record.images if matches(found)), None)


def previous_build(
    source: Path, image: str, platform: str, variant: str, current: BuildFacts
) -> BuildFacts | None:
    """The build of the image before `current`: the one a run folder records, or the newest
    earlier one of a build history wiki."""
    if (source / RECORD_FILE).exists():
        return _in_record(source, image, platform, variant)
    return previous_build_in_wiki(source, image, platform, variant, before=current.timestamp)


def check_comparison_source(source: Path) -> None:
    """Fail with one line unless `source` is a run folder or a build history wiki."""
    if (source / RECORD_FILE).is_file() or (source / "monthly-files").is_dir():
        return
    raise InventoryError(
        f"--compare-to {source} is neither a run folder (no {RECORD_FILE}) nor a build history "
        "wiki (no monthly-files/): pass the folder of an earlier pytest --emit-manifests, or "
        "the wiki's checkout"
    )
