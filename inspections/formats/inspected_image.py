"""One passing image as the writers of its tags file, manifest and history line take it."""

from __future__ import annotations

from dataclasses import dataclass

from inspections.build_info import TIMESTAMP_FORMAT, BuildInfo
from inspections.formats.run_folder import SHA_LENGTH, manifest_stem
from inspections.stack import DEFAULT_VARIANT, build_stem, tag_prefix
from inspections.values import check_tag


@dataclass(frozen=True)
class InspectedImage:
    """Everything known about one passing image, ready to be written out."""

    name: str
    platform: str
    variant: str
    registry: str
    owner: str
    repository: str
    dockerfile: str  # path of the image's Dockerfile inside the repository
    size_bytes: int
    tags: tuple[str, ...]  # as the taggers returned them, without prefix
    pieces: tuple[tuple[str, str], ...]  # (title, Markdown) per manifest inspection
    build: BuildInfo

    @property
    def sha12(self) -> str:
        return self.build.commit_sha()[:SHA_LENGTH]

    @property
    def prefix(self) -> str:
        return tag_prefix(self.platform, self.variant)

    @property
    def file_stem(self) -> str:
        """`<platform>-<variant>-<image>`, the start of every output file name."""
        return build_stem(self.platform, self.variant, self.name)

    @property
    def manifest_stem(self) -> str:
        """`<platform>-<variant>-<image>-<sha12>`."""
        return manifest_stem(self.platform, self.variant, self.name, self.build.commit_sha())

    @property
    def timestamp(self) -> str:
        """The build timestamp, e.g. `2024-01-02T03:04:05Z`."""
        return self.build.timestamp.strftime(TIMESTAMP_FORMAT)

    @property
    def repository_image(self) -> str:
        """`<registry>/<owner>/<image>`, the reference without a tag."""
        return f"{self.registry}/{self.owner}/{self.name}"

    @property
    def commit_url(self) -> str:
        """The commit's page in the repository."""
        return f"{self.repository}/commit/{self.build.commit_sha()}"

    def prefixed(self, tag: str) -> str:
        """`tag` with this image's platform/variant prefix, checked against Docker's grammar."""
        return check_tag(f"{self.prefix}-{tag}")

    def reference(self, tag: str) -> str:
        """The fully qualified reference for `tag` with this image's prefix."""
        return f"{self.repository_image}:{self.prefixed(tag)}"

    def all_tags(self) -> list[str]:
        """Every prefixed tag: `-latest` first, then one per tagger, in plan order."""
        return [self.prefixed(tag) for tag in ("latest", *self.tags)]

    def merged_sha_reference(self) -> str:
        """The multi-platform reference of this build: `<image>:<sha12>`, variant first if any."""
        tag = self.sha12 if self.variant == DEFAULT_VARIANT else f"{self.variant}-{self.sha12}"
        return f"{self.repository_image}:{check_tag(tag)}"
