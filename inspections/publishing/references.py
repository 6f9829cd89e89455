"""Fully qualified image references (`registry/owner/image:tag`) as the tags files hold them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.publishing.errors import PublishUsageError
from inspections.values import TAG_PATTERN

# A registry host (with an optional port), then lowercase path components.
_COMPONENT = r"[a-z0-9]+(?:[._-]+[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*")


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


def parse_reference(text: str) -> Reference:
    """`text` as a reference with an explicit tag, or PublishUsageError saying what is wrong."""
    repository, colon, tag = text.rpartition(":")
    if not colon or "/" in tag:
        raise PublishUsageError(
            f"{text!r} has no tag: write repository:tag, e.g. quay.io/jupyter/base-notebook:latest"
        )
    if not _REPOSITORY.fullmatch(repository):
        raise PublishUsageError(
            f"{text!r} has an invalid repository {repository!r}: use registry/owner/image "
            "with lowercase letters, digits and '.', '_' or '-' between them"
        )
    if not TAG_PATTERN.fullmatch(tag):
        raise PublishUsageError(
            f"{text!r} has an invalid tag {tag!r}: use at most 128 letters, digits, '_', '.' "
            "and '-' (not first)"
        )
    return Reference(repository, tag)
