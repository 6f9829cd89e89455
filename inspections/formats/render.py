"""Rendering an inspected image into its tags file, build manifest and build history line.

The formats are those of the Jupyter Docker Stacks' own tools, byte for byte, so that a stack
moving to this plugin keeps its build history; the README lists the few deliberate deviations.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspections.build_info import BuildInfo
from inspections.markdown import fenced, inline_code
from inspections.stack import DEFAULT_VARIANT, tag_prefix
from inspections.text import one_line
from inspections.values import check_tag

SHA_LENGTH = 12
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LINE_BREAK = "<br />"
CHANGES_PAGE_SUFFIX = "-changes"  # a change report's wiki page: `<manifest stem>-changes`
# Docker's own size units (go-units), as `docker images` prints them.
_DECIMAL_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


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

    @property
    def timestamp(self) -> str:
        """The build timestamp, e.g. `2024-01-02T03:04:05Z`."""
        return self.build.timestamp.strftime(TIMESTAMP_FORMAT)

    @property
    def repository_image(self) -> str:
        """`<registry>/<owner>/<image>`, the reference without a tag."""
        return f"{self.registry}/{self.owner}/{self.name}"

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


def tag_lines(image: InspectedImage) -> list[str]:
    """The tags file's lines: one fully qualified reference per tag, `-latest` first."""
    return [f"{image.repository_image}:{tag}" for tag in image.all_tags()]


def tags_file(image: InspectedImage) -> str:
    """The tags file: its lines joined, without a final newline."""
    return "\n".join(tag_lines(image))


def human_size(size_bytes: int) -> str:
    """A size as `docker images` prints it: decimal units, three significant digits, `646MB`."""
    size = float(size_bytes)
    unit = 0
    while size >= 1000 and unit < len(_DECIMAL_UNITS) - 1:
        size /= 1000
        unit += 1
    return f"{size:.3g}{_DECIMAL_UNITS[unit]}"


def _commit_url(image: InspectedImage) -> str:
    return f"{image.repository}/commit/{image.build.commit_sha()}"


def modified_tree_warning(image: InspectedImage) -> str | None:
    """The manifest's warning for a build from uncommitted changes, or None for a clean build."""
    changes = image.build.git_changes
    if not changes:
        return None
    files = "file" if len(changes) == 1 else "files"
    shown = [inline_code(one_line(change)) for change in changes[:5]]
    if len(changes) > 5:
        shown.append("…")
    return (
        f"> **Warning: not a build of commit {image.sha12}.** The working tree had uncommitted "
        f"changes to {len(changes)} {files} ({', '.join(shown)}) when this image was inspected."
    )


def _build_info(image: InspectedImage) -> str:
    sha = image.build.commit_sha()
    modified = " (modified: uncommitted changes)" if image.build.git_modified else ""
    return "\n".join(
        [
            "## Build Info",
            "",
            f"- Build timestamp: {image.timestamp}",
            f"- Docker image: {inline_code(image.merged_sha_reference())}",
            f"- Docker image size: {human_size(image.size_bytes)}",
            f"- Git commit SHA: [{sha}]({_commit_url(image)}){modified}",
            "- Git commit message:",
            "",
            fenced(image.build.git_message),
        ]
    )


def manifest_markdown(image: InspectedImage) -> str:
    """The build manifest: title, build-info piece, then one H2 piece per manifest inspection."""
    pieces = [f"## {title}\n\n{markdown.strip()}" for title, markdown in image.pieces]
    title = f"# Build manifest for image: {image.name}:{image.sha12}"
    warning = modified_tree_warning(image)
    head = [title] if warning is None else [title, warning]
    return "\n\n".join([*head, _build_info(image), *pieces]) + "\n"


def history_line(image: InspectedImage, with_changes: bool = False) -> str:
    """One row of the stack's build history table, without a final newline.

    Its cells: the build timestamp, every tag but `-latest` as a full reference, and links to
    the commit, the Dockerfile and the manifest; `with_changes`, also to the change report
    (`<manifest stem>-changes`, the page `stack-update-wiki` files it as).
    """
    sha = image.build.commit_sha()
    references = LINE_BREAK.join(inline_code(image.reference(tag)) for tag in image.tags)
    links = [
        f"[Git diff]({_commit_url(image)})",
        f"[Dockerfile]({image.repository}/blob/{sha}/{image.dockerfile})",
        f"[Build manifest](./{image.manifest_stem})",
    ]
    if with_changes:
        links.append(f"[Changes](./{image.manifest_stem}{CHANGES_PAGE_SUFFIX})")
    return f"| {inline_code(image.timestamp)} | {references} | {LINE_BREAK.join(links)} |"
