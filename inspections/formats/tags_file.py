"""The tags file: every tag of one image build as a fully qualified reference, one a line.

As the Jupyter Docker Stacks' tools write it: `<registry>/<owner>/<image>:<prefix>-latest`
first, then one reference per tagger, joined by newlines with none after the last. The prefix
is the platform (`x86_64`) or, for a variant other than the default, the platform and the
variant (`x86_64-cuda12`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.formats.inspected_image import InspectedImage
from inspections.text import lines_of
from inspections.values import TAG_PATTERN

# A registry host (with an optional port), then lowercase path components.
_COMPONENT = r"[a-z0-9]+(?:[._-]+[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*")

REFERENCE_FORMAT = "repository:tag, e.g. quay.io/jupyter/base-notebook:latest"


@dataclass(frozen=True)
class Reference:
    """One tagged reference: `repository:tag`."""

    repository: str
    tag: str

    def __str__(self) -> str:
        return f"{self.repository}:{self.tag}"

    @property
    def image(self) -> str:
        """The last path component of the repository: the image name."""
        return self.repository.rsplit("/", 1)[-1]

    def with_tag(self, tag: str) -> Reference:
        return Reference(self.repository, tag)

    def pinned(self, digest: str) -> str:
        """`repository@digest`: the reference of exactly one manifest, as signing needs it."""
        return f"{self.repository}@{digest}"


class TagsFileError(ValueError):
    """A line of a tags file is not a reference: `number` counts its non-blank lines."""

    def __init__(self, number: int, problem: str) -> None:
        super().__init__(f"line {number}: the reference {problem}")
        self.number = number
        self.problem = problem


def reference_problem(text: str) -> str | None:
    """What is wrong with `text` as a reference, in words that do not repeat it; None if valid."""
    repository, colon, tag = text.rpartition(":")
    if not colon or "/" in tag:
        return f"has no tag: write {REFERENCE_FORMAT}"
    if not _REPOSITORY.fullmatch(repository):
        return (
            "has an invalid repository: use registry/owner/image with lowercase letters, "
            "digits and '.', '_' or '-' between them"
        )
    if not TAG_PATTERN.fullmatch(tag):
        return "has an invalid tag: use at most 128 letters, digits, '_', '.' and '-' (not first)"
    return None


def split_reference(text: str) -> Reference:
    """A reference `reference_problem` found valid, split into repository and tag."""
    repository, _, tag = text.rpartition(":")
    return Reference(repository, tag)


def tag_lines(image: InspectedImage) -> list[str]:
    """The tags file's lines: one fully qualified reference per tag, `-latest` first."""
    return [f"{image.repository_image}:{tag}" for tag in image.all_tags()]


def tags_file(image: InspectedImage) -> str:
    """The tags file: its lines joined, without a final newline."""
    return "\n".join(tag_lines(image))


def read_tags_file(text: str) -> tuple[Reference, ...]:
    """The references a tags file lists, in order; blank lines and surrounding spaces are
    ignored. TagsFileError names the first line that is not a reference by its number."""
    lines = [line.strip() for line in lines_of(text) if line.strip()]
    references = []
    for number, line in enumerate(lines, start=1):
        problem = reference_problem(line)
        if problem is not None:
            raise TagsFileError(number, problem)
        references.append(split_reference(line))
    return tuple(references)
