"""Reading the plugin's tags files: `tags/<platform>-<variant>-<image>.txt`, one reference a line.

The first line is the `<prefix>-latest` tag, where the prefix is the platform (`x86_64`) or,
for a variant other than the default, the platform and the variant (`x86_64-cuda12`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from inspections.publishing.errors import PublishUsageError
from inspections.publishing.input_files import read_text
from inspections.publishing.references import Reference, parse_reference
from inspections.stack import NAME_PATTERN, inspected_tag, tag_prefix

TAGS_FOLDER = "tags"
_PLATFORM = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class TagsFile:
    """The tags of one image, variant and platform, as the plugin wrote them."""

    path: Path
    platform: str
    variant: str
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

    @property
    def source(self) -> Reference:
        """The local image the plugin inspected: `<repo>:latest` or `<repo>:<variant>-latest`."""
        return Reference(self.repository, inspected_tag(self.variant))

    def unprefixed(self, reference: Reference) -> Reference:
        """`reference` without the platform: `x86_64-cuda12-python-3.11` -> `cuda12-python-3.11`."""
        return reference.with_tag(reference.tag.removeprefix(f"{self.platform}-"))


def _references(path: Path, lines: list[str]) -> tuple[Reference, ...]:
    references = []
    for number, line in enumerate(lines, start=1):
        try:
            references.append(parse_reference(line))
        except PublishUsageError as error:
            raise PublishUsageError(f"{path}:{number}: {error}") from error
    return tuple(references)


def read_tags_file(path: Path) -> TagsFile:
    """Read and check one tags file; PublishUsageError names the file and the problem."""
    text = read_text(path, "pass a tags/*.txt file written by pytest --emit-manifests")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise PublishUsageError(f"tags file {path} is empty: emit it again with pytest")
    references = _references(path, lines)
    image = references[0].image
    keep_name = "keep the name pytest --emit-manifests gave it"
    if not path.stem.endswith(f"-{image}"):
        raise PublishUsageError(
            f"tags file {path}: name is not <platform>-<variant>-{image}.txt: {keep_name}"
        )
    platform, _, variant = path.stem.removesuffix(f"-{image}").partition("-")
    if not _PLATFORM.fullmatch(platform) or not NAME_PATTERN.fullmatch(variant):
        raise PublishUsageError(
            f"tags file {path}: invalid platform {platform!r} or variant {variant!r} in its "
            f"name: {keep_name}"
        )
    tags_file = TagsFile(path, platform, variant, references)
    _check_consistent(tags_file)
    return tags_file


def _check_consistent(tags_file: TagsFile) -> None:
    first = tags_file.references[0]
    if first.tag != f"{tags_file.prefix}-latest":
        raise PublishUsageError(
            f"{tags_file.path}:1: {first} should end with :{tags_file.prefix}-latest "
            "for this file name: keep the file as pytest --emit-manifests wrote it"
        )
    seen: set[Reference] = set()
    for number, reference in enumerate(tags_file.references, start=1):
        if reference.repository != tags_file.repository:
            raise PublishUsageError(
                f"{tags_file.path}:{number}: {reference} is not in {tags_file.repository}: "
                "a tags file holds the tags of one image"
            )
        if not reference.tag.startswith(f"{tags_file.prefix}-"):
            raise PublishUsageError(
                f"{tags_file.path}:{number}: tag {reference.tag!r} lacks the prefix "
                f"{tags_file.prefix}- of this file"
            )
        if reference in seen:
            raise PublishUsageError(f"{tags_file.path}:{number}: {reference} is listed twice")
        seen.add(reference)


def read_run_tags(run_folders: list[Path]) -> list[TagsFile]:
    """Every tags file of the runs (folders given to --emit-manifests), in name order."""
    tags_files = []
    for run in run_folders:
        folder = run / TAGS_FOLDER
        if not folder.is_dir():
            raise PublishUsageError(
                f"{folder} not found: pass the folder given to pytest --emit-manifests"
            )
        tags_files += [read_tags_file(path) for path in sorted(folder.glob("*.txt"))]
    return tags_files
