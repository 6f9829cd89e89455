"""The tags files of a run, checked against its record (the format: `formats.tags_file`).

A tags file is read only through the record of its run (see `run_folders`), which gives the
image id it belongs to; its lines must be the references the record lists, the
`<prefix>-latest` tag of the image first. Errors name a line by its number, never by its
content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from inspections.formats import run_folder
from inspections.formats.run_folder import RECORD_FILE
from inspections.formats.tags_file import TagsFileError, read_tags_file
from inspections.outputs.record_entry import RecordEntry
from inspections.publishing.errors import PublishUsageError
from inspections.references import (
    Reference,
    short_id,
)
from inspections.stack import tag_prefix

RERUN = "run pytest --emit-manifests into its folder again"


@dataclass(frozen=True)
class TagsFile:
    """The tags of one image, variant and platform, and the image id the run inspected."""

    path: Path
    platform: str
    variant: str
    image_id: str
    references: tuple[Reference, ...]

    @property
    def repository(self) -> str:
        return self.references[0].repository

    @property
    def image(self) -> str:
        return self.references[0].image

    @property
    def prefix(self) -> str:
        return tag_prefix(self.platform, self.variant)

    def unprefixed(self, reference: Reference) -> Reference:
        """`reference` without the platform: `x86_64-cuda12-python-3.11` -> `cuda12-python-3.11`."""
        return reference.with_tag(reference.tag.removeprefix(f"{self.platform}-"))


def recorded_tags_file(recorded: RecordEntry) -> str:
    """Where a recorded image's tags file is: `tags/<platform>-<variant>-<image>.txt`."""
    return run_folder.tags_file_name(recorded.platform, recorded.variant, recorded.image)


def parse_tags_file(path: Path, text: str, recorded: RecordEntry) -> TagsFile:
    """The tags file `path` of the recorded image, from its verified `text`.

    Its lines must be the references the record lists for the image; PublishUsageError names
    the file and the problem.
    """
    try:
        references = read_tags_file(text)
    except TagsFileError as error:
        raise PublishUsageError(f"{path}:{error.number}: the reference {error.problem}") from None
    if not references:
        raise PublishUsageError(f"{path} is empty: {RERUN}")
    tags_file = TagsFile(path, recorded.platform, recorded.variant, recorded.image_id, references)
    _check_consistent(tags_file, recorded.image)
    if [str(reference) for reference in references] != list(recorded.references):
        raise PublishUsageError(
            f"{path} does not hold the references {RECORD_FILE} records for {recorded.label}: "
            f"{RERUN}"
        )
    return tags_file


def _check_consistent(tags_file: TagsFile, image: str) -> None:
    path, prefix = tags_file.path, tags_file.prefix
    first = tags_file.references[0]
    if first.tag != f"{prefix}-latest" or first.image != image:
        raise PublishUsageError(f"{path}:1: should be the {prefix}-latest tag of {image}: {RERUN}")
    seen: dict[Reference, int] = {}
    for number, reference in enumerate(tags_file.references, start=1):
        if reference.repository != first.repository:
            raise PublishUsageError(
                f"{path}:{number}: names another repository than line 1: a tags file holds "
                "the tags of one image"
            )
        if not reference.tag.startswith(f"{prefix}-"):
            raise PublishUsageError(f"{path}:{number}: the tag lacks the prefix {prefix}-")
        if reference in seen:
            raise PublishUsageError(f"{path}:{number}: repeats line {seen[reference]}")
        seen[reference] = number


def check_one_image_per_reference(tags_files: Iterable[TagsFile]) -> None:
    """Refuse tags files that would give one reference to two different images."""
    owners: dict[Reference, TagsFile] = {}
    for tags_file in tags_files:
        for reference in tags_file.references:
            other = owners.setdefault(reference, tags_file)
            if other.image_id != tags_file.image_id:
                raise PublishUsageError(
                    f"{other.path} and {tags_file.path} give {reference} to different images "
                    f"({short_id(other.image_id)}, {short_id(tags_file.image_id)}): pass the "
                    "tags files of one run per platform"
                )
