"""Fully qualified image references (`registry/owner/image:tag`) as the tags files hold them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.publishing.errors import PublishUsageError
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


def parse_reference(text: str) -> Reference:
    """`text` as a reference with an explicit tag, or PublishUsageError saying what is wrong."""
    problem = reference_problem(text)
    if problem is not None:
        raise PublishUsageError(f"{text!r} {problem}")
    repository, _, tag = text.rpartition(":")
    return Reference(repository, tag)


def short_id(image_id: str) -> str:
    """The 12-digit form of an image id that `docker images` shows."""
    return image_id.removeprefix("sha256:")[:12]
