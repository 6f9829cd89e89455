"""Rendering an inspected image into its tags file, build manifest and build history line."""

from __future__ import annotations

from dataclasses import dataclass

from inspections.build_info import BuildInfo
from inspections.markdown import fenced, inline_code
from inspections.stack import tag_prefix
from inspections.values import check_tag

SHA_LENGTH = 12


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
        return f"{self.platform}-{self.variant}-{self.name}"

    @property
    def manifest_stem(self) -> str:
        return f"{self.file_stem}-{self.sha12}"

    def prefixed(self, tag: str) -> str:
        """`tag` with this image's platform/variant prefix, checked against Docker's grammar."""
        return check_tag(f"{self.prefix}-{tag}")

    def reference(self, tag: str) -> str:
        """The fully qualified reference for `tag` with this image's prefix."""
        return f"{self.registry}/{self.owner}/{self.name}:{self.prefixed(tag)}"

    def all_tags(self) -> list[str]:
        """Every prefixed tag: `-latest` first, then one per tagger, in plan order."""
        return [self.prefixed(tag) for tag in ("latest", *self.tags)]


def tag_lines(image: InspectedImage) -> list[str]:
    """The tags file's lines: one fully qualified reference per tag."""
    return [f"{image.registry}/{image.owner}/{image.name}:{tag}" for tag in image.all_tags()]


def human_size(size_bytes: int) -> str:
    """A size the way Docker prints it: decimal units, four significant digits."""
    size = float(size_bytes)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.4g} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _commit_url(image: InspectedImage) -> str:
    return f"{image.repository}/commit/{image.build.commit_sha()}"


def manifest_markdown(image: InspectedImage) -> str:
    """The build manifest: title, build-info header, then one H2 piece per manifest inspection."""
    timestamp = image.build.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    sha = image.build.commit_sha()
    header = [
        f"# Build manifest for image: {image.name}",
        "",
        "## Build Info",
        "",
        f"- Build timestamp: {timestamp}",
        f"- Docker image: {inline_code(image.reference(image.sha12))}",
        f"- Docker image size: {human_size(image.size_bytes)}",
        f"- Git commit SHA: [{sha}]({_commit_url(image)})",
        "- Git commit message:",
        "",
        fenced(image.build.git_message or "(empty)"),
    ]
    pieces = [f"## {title}\n\n{markdown.strip()}" for title, markdown in image.pieces]
    return "\n\n".join(["\n".join(header), *pieces]) + "\n"


def history_line(image: InspectedImage) -> str:
    """One row of the stack's build history table."""
    timestamp = image.build.timestamp.strftime("%Y-%m-%d %H:%M:%S (UTC)")
    tags = "<br />".join(inline_code(tag) for tag in image.all_tags())
    links = "<br />".join(
        [
            f"[Git diff]({_commit_url(image)})",
            f"[Dockerfile]({image.repository}/blob/{image.build.commit_sha()}/{image.dockerfile})",
            f"[Build manifest](./{image.manifest_stem})",
        ]
    )
    return f"| {timestamp} | {tags} | {links} |\n"
