"""Docker image references, one grammar: `registry/owner/image:tag`, image ids and digests.

Every part of a reference that the project checks, writes or reads is defined here: the
registry host, the path components of the owner and repository, the stack's image and variant
names, the tag, the platform that prefixes tags, and `sha256:` digests (an image id is the
digest of its config). Docker's own grammar:
https://github.com/distribution/reference/blob/main/reference.go
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.errors import StackInspectionError

# A registry host, optionally with a port: `quay.io`, `localhost`, `127.0.0.1:5000`. Docker
# reads the first part of a reference as a registry only when it holds a `.` or a `:port` or
# is `localhost`; anything else (`myhost/jupyter/x`) would name a Docker Hub namespace.
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
REGISTRY = re.compile(rf"{_HOST}(?:\.{_HOST})+(?::\d+)?|{_HOST}:\d+|localhost")
REGISTRY_FORMAT = "a registry host with a '.' or a ':port', or localhost, such as quay.io"
# One path component: lowercase letters and digits, separated by `.`, `_`, `__` or dashes.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
# The owner: the path components between the registry and the image name (`jupyter`).
OWNER = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
# A repository: an optional registry, then path components (`quay.io/jupyter/base-notebook`).
REPOSITORY = re.compile(rf"(?:(?:{REGISTRY.pattern})/)?{OWNER.pattern}")
# An image or variant name of a stack: a path component with single separators only, since
# names also become file names and tag prefixes (`base-notebook`, `cuda12`).
IMAGE_NAME = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
# A tag: https://docs.docker.com/reference/cli/docker/image/tag/
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
MAX_TAG_LENGTH = 128
# The platform every tag starts with: `x86_64`, `aarch64` (no dash: it ends at the first one).
PLATFORM = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
# A content digest: a manifest's, or an image's id (the digest of its config).
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")

REFERENCE_FORMAT = "repository:tag, e.g. quay.io/jupyter/base-notebook:latest"


class InvalidReference(StackInspectionError):
    """A reference that does not fit the grammar; the message names it and the problem."""


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


def split_tag(text: str) -> tuple[str, str]:
    """(repository, tag) of `text`; the tag is "" when `text` has none (a registry's port is
    not a tag)."""
    repository, colon, tag = text.rpartition(":")
    if not colon or "/" in tag:
        return text, ""
    return repository, tag


def reference_problem(text: str) -> str | None:
    """What is wrong with `text` as a reference, in words that do not repeat it; None if valid."""
    repository, colon, tag = text.rpartition(":")
    if not colon or "/" in tag:
        return f"has no tag: write {REFERENCE_FORMAT}"
    if not REPOSITORY.fullmatch(repository):
        return (
            "has an invalid repository: use registry/owner/image with lowercase letters, "
            "digits and '.', '_' or '-' between them"
        )
    if not TAG.fullmatch(tag):
        return "has an invalid tag: use at most 128 letters, digits, '_', '.' and '-' (not first)"
    return None


def parse_reference(text: str) -> Reference:
    """`text` as a reference with an explicit tag, or InvalidReference saying what is wrong."""
    problem = reference_problem(text)
    if problem is not None:
        raise InvalidReference(f"{text!r} {problem}")
    repository, _, tag = text.rpartition(":")
    return Reference(repository, tag)


def checked_reference_part(option: str, value: str, grammar: re.Pattern[str], example: str) -> str:
    """`value` when it fits `grammar` (a part of image references), else a one-line error."""
    if not grammar.fullmatch(value):
        raise StackInspectionError(
            f"invalid {option} {value!r}: image references need {example} "
            "(set it with the option or in stack.toml)"
        )
    return value


def short_id(image_id: str) -> str:
    """The 12-digit form of an image id that `docker images` shows."""
    return image_id.removeprefix("sha256:")[:12]


@dataclass(frozen=True)
class ImageReference:
    """An image reference split into its parts; Docker Hub's defaults filled in."""

    registry: str
    owner: str
    name: str

    @classmethod
    def parse(cls, text: str) -> ImageReference:
        """`quay.io/jupyter/base-notebook:latest`, `ubuntu:24.04@sha256:…`, `owner/name`."""
        repository = split_tag(text.split("@", 1)[0])[0]
        parts = repository.split("/")
        registry = "docker.io"
        if len(parts) > 1 and (parts[0] == "localhost" or any(c in parts[0] for c in ".:")):
            registry = parts.pop(0)
        owner = "/".join(parts[:-1]) or "library"
        return cls(registry, owner, parts[-1])


def engine_form(reference: str) -> str:
    """A reference as the engine lists it (`docker images`, a `docker save` archive's tags):
    Docker Hub's implicit `docker.io/` and `library/` dropped, `:latest` added."""
    name = reference.removeprefix("docker.io/").removeprefix("library/")
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else f"{name}:latest"
