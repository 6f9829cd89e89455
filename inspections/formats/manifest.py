"""The build manifest: writing it, and reading back its build info and quoted outputs.

The format is the Jupyter Docker Stacks' one, byte for byte when written: the title
`# Build manifest for image: <image>:<sha12>`, a `## Build Info` list, then one H2 piece per
manifest inspection, joined by blank lines and ending with a newline. A piece is made of
sections; a quoted section is `` `<command>`: ``, a blank line and a fence (three or more
backticks, info string `text`) holding the output. The reader also takes the `` `$ <command>` ``
form (inline code without the colon). A build from a working tree with uncommitted changes
gets a warning under the title and a mark after its commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.build_info import TIMESTAMP
from inspections.formats.inspected_image import InspectedImage
from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.apt import APT_LIST_COMMAND, guess_distro
from inspections.inventory.parsers.registry import inventory_of
from inspections.markdown import fenced, inline_code
from inspections.text import lines_of, one_line

TITLE = "# Build manifest for image: "
MODIFIED_MARK = " (modified: uncommitted changes)"
# Docker's own size units (go-units), as `docker images` prints them.
_DECIMAL_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_WARNING_FILES_SHOWN = 5

_TITLE = re.compile(rf"^{re.escape(TITLE)}(?P<image>[^\s:]+)(?::(?P<tag>\S+))?$")


# --- writing ---------------------------------------------------------------------------------


def docker_size(size_bytes: int) -> str:
    """A size as `docker images` prints it: decimal units, three significant digits, `646MB`."""
    size = float(size_bytes)
    unit = 0
    while size >= 1000 and unit < len(_DECIMAL_UNITS) - 1:
        size /= 1000
        unit += 1
    return f"{size:.3g}{_DECIMAL_UNITS[unit]}"


def modified_tree_warning(image: InspectedImage) -> str | None:
    """The manifest's warning for a build from uncommitted changes, or None for a clean build."""
    changes = image.build.git_changes
    if not changes:
        return None
    files = "file" if len(changes) == 1 else "files"
    shown_changes = [inline_code(one_line(change)) for change in changes[:_WARNING_FILES_SHOWN]]
    if len(changes) > _WARNING_FILES_SHOWN:
        shown_changes.append("…")
    return (
        f"> **Warning: not a build of commit {image.sha12}.** The working tree had uncommitted "
        f"changes to {len(changes)} {files} ({', '.join(shown_changes)}) when this image was "
        "inspected."
    )


def _build_info(image: InspectedImage) -> str:
    sha = image.build.commit_sha()
    modified = MODIFIED_MARK if image.build.git_modified else ""
    return "\n".join(
        [
            "## Build Info",
            "",
            f"- Build timestamp: {image.timestamp}",
            f"- Docker image: {inline_code(image.merged_sha_reference())}",
            f"- Docker image size: {docker_size(image.size_bytes)}",
            f"- Git commit SHA: [{sha}]({image.commit_url}){modified}",
            "- Git commit message:",
            "",
            fenced(image.build.git_message),
        ]
    )


def manifest_markdown(image: InspectedImage) -> str:
    """The build manifest: title, build-info piece, then one H2 piece per manifest inspection."""
    pieces = [f"## {title}\n\n{markdown.strip()}" for title, markdown in image.pieces]
    title = f"{TITLE}{image.name}:{image.sha12}"
    warning = modified_tree_warning(image)
    head = [title] if warning is None else [title, warning]
    return "\n\n".join([*head, _build_info(image), *pieces]) + "\n"


# --- reading ---------------------------------------------------------------------------------

_PIECE = re.compile(r"^## (?P<title>.+)$")
_COMMAND = re.compile(r"^(?P<ticks>`+) ?(?:\$ )?(?P<command>.+?) ?(?P=ticks):?$")
_FENCE_OPEN = re.compile(r"^(?P<ticks>`{3,})[A-Za-z]*$")
_TIMESTAMP_LINE = re.compile(r"^- Build timestamp: (?P<value>[^\n]*)", re.MULTILINE)
_IMAGE = re.compile(r"^- Docker image: `(?P<value>[^`]+)`$")
_SIZE = re.compile(r"^- Docker image size: (?P<value>.+)$")
_COMMIT = re.compile(
    r"^- Git commit SHA: \[(?P<sha>[0-9a-f]{7,64})\]\((?P<url>[^)\s]*)\)"
    rf"(?P<modified>{re.escape(MODIFIED_MARK)})?$"
)
_MAX_CHARS = 100_000_000


@dataclass(frozen=True)
class QuotedOutput:
    """One command of a manifest piece and the output the manifest shows for it."""

    piece: str
    command: str
    output: str


@dataclass(frozen=True)
class BuildManifest:
    """What a build manifest says about its build."""

    image: str
    tag: str
    timestamp: str
    reference: str
    size: str  # as written (`646MB`); "" when the Build Info has no size line
    commit: str
    outputs: tuple[QuotedOutput, ...]
    modified: bool = False  # built from a working tree with uncommitted changes

    def output_of(self, command: str) -> str | None:
        """The output quoted for `command`, or None when no piece quotes it."""
        return next((q.output for q in self.outputs if q.command == command), None)

    def inventory(self, distro: Distro | None = None) -> Inventory | None:
        """The packages of every listing the manifest quotes, read by the same parsers; None
        when it quotes no package listing.

        Without `distro`, deb purls get a namespace guessed from the apt listing.
        """
        if distro is None:
            distro = guess_distro(self.output_of(APT_LIST_COMMAND) or "")
        found = []
        for quoted in self.outputs:
            try:
                inventory = inventory_of(quoted.command, quoted.output, distro)
            except InventoryError as error:
                raise InventoryError(
                    f"build manifest of {self.image}, piece {quoted.piece!r}: {error}"
                ) from None
            if inventory is not None:
                found.append(inventory)
        return Inventory.merged(*found) if found else None


def _fenced_block(lines: list[str], start: int) -> tuple[str, int]:
    """The text of the fence opening at `start` and the index after its closing line."""
    ticks = len(_FENCE_OPEN.match(lines[start])["ticks"])  # type: ignore[index]
    for end in range(start + 1, len(lines)):
        if re.fullmatch(rf"`{{{ticks},}}", lines[end].strip()):
            return "\n".join(lines[start + 1 : end]), end + 1
    raise InventoryError(
        f"build manifest: the fence opened on line {start + 1} is never closed; "
        "expected a closing line of at least as many backticks"
    )


def build_timestamp(text: str) -> str | None:
    """The build timestamp of a manifest: its first line `- Build timestamp: <timestamp>`, the
    timestamp as written (`2026-11-27T14:50:46Z`); None when it has no such line, or that line
    holds anything else."""
    line = _TIMESTAMP_LINE.search(text)
    value = line["value"].removesuffix("\r") if line else ""
    return value if TIMESTAMP.fullmatch(value) else None


def manifest_image(text: str) -> str | None:
    """The image a build manifest's title names, or None when it has no such title."""
    title = _TITLE.match(text.partition("\n")[0])
    return title["image"] if title else None


def read_build_manifest(text: str) -> BuildManifest:
    """The facts and quoted outputs of a build manifest in the Jupyter Docker Stacks' format."""
    if len(text) > _MAX_CHARS or "\x00" in text:
        raise InventoryError("build manifest: not a text file of a sensible size")
    lines = lines_of(text)
    title = _TITLE.match(lines[0]) if lines else None
    if title is None:
        first = lines[0] if lines else ""
        raise InventoryError(
            f"build manifest starts with {shown(first)}; expected '{TITLE}<image>:<sha12>'"
        )
    timestamp = build_timestamp(text)
    info: dict[str, str] = {} if timestamp is None else {"timestamp": timestamp}
    outputs: list[QuotedOutput] = []
    piece = ""
    index = 1
    while index < len(lines):
        line = lines[index]
        if _FENCE_OPEN.match(line):  # a fence without a command: the commit message
            _, index = _fenced_block(lines, index)
            continue
        heading, command = _PIECE.match(line), _COMMAND.match(line)
        if heading:
            piece = heading["title"]
        elif command and index + 2 < len(lines) and not lines[index + 1].strip():
            if _FENCE_OPEN.match(lines[index + 2]):
                output, index = _fenced_block(lines, index + 2)
                outputs.append(QuotedOutput(piece, command["command"], output))
                continue
        else:
            for key, pattern in (("reference", _IMAGE), ("size", _SIZE)):
                match = pattern.match(line)
                if match and key not in info:
                    info[key] = match["value"]
            commit = _COMMIT.match(line)
            if commit and "commit" not in info:
                info["commit"] = commit["sha"]
                info["modified"] = "yes" if commit["modified"] else ""
        index += 1
    missing = [key for key in ("timestamp", "reference", "commit") if key not in info]
    if missing:
        raise InventoryError(
            f"build manifest of {title['image']} has no {', '.join(missing)} in its Build Info; "
            "expected lines like '- Build timestamp: 2026-11-27T14:50:46Z'"
        )
    return BuildManifest(
        image=title["image"],
        tag=title["tag"] or "",
        timestamp=info["timestamp"],
        reference=info["reference"],
        size=info.get("size", ""),
        commit=info["commit"],
        outputs=tuple(outputs),
        modified=bool(info["modified"]),
    )


def quoted_commands(text: str) -> list[str]:
    """The commands a build manifest quotes the output of, in order."""
    return [quoted.command for quoted in read_build_manifest(text).outputs]
