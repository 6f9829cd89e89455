"""The build history line: one image build's row in the build history table.

As the Jupyter Docker Stacks' tools write it, on one line without a newline:

``| `2026-11-27T14:50:46Z` | `quay.io/jupyter/base-notebook:x86_64-python-3.12`<br />… |
[Git diff](<repository>/commit/<sha>)<br />[Dockerfile](…)<br />[Build manifest](./<stem>) |``

with every tag but `-latest` as a full reference, and `<stem>` the manifest's
`<platform>-<variant>-<image>-<sha12>`. A build with a change report also links it last,
`[Changes](./<stem>-changes)`, the page `stack-update-wiki` files it as.

The reader also takes the rows of the Jupyter wiki's older pages: a date written
`2026-11-27 14:50:46 (UTC)` or without backticks, no tags, no Dockerfile link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from inspections.build_info import TIMESTAMP, TIMESTAMP_FORMAT
from inspections.formats.inspected_image import InspectedImage
from inspections.formats.run_folder import is_stem_of
from inspections.inventory.errors import shown
from inspections.markdown import inline_code
from inspections.references import split_tag

LINE_BREAK = "<br />"
CHANGES_PAGE_SUFFIX = "-changes"  # a change report's page: `<manifest stem>-changes`
_ROW = re.compile(r"^\| (?P<date>[^|]+) \| (?P<images>[^|]*) \| (?P<links>.+) \|$")
_ISO = re.compile(rf"`?(?P<value>{TIMESTAMP.pattern})`?")
_SPACED = re.compile(r"(?P<value>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \(UTC\)")
_SPACED_FORMAT = "%Y-%m-%d %H:%M:%S"
_REFERENCE = re.compile(r"^`(?P<reference>[^`\s]+)`$")
_COMMIT_LINK = re.compile(r"\[Git diff\]\((?P<repository>[^)\s]*)/commit/(?P<sha>[0-9a-f]{7,64})\)")
_DOCKERFILE_LINK = re.compile(r"\[Dockerfile\]\((?P<target>[^\s()]+)\)")
_MANIFEST_LINK_START = "[Build manifest](./"  # then the manifest's page name and `)`
_MANIFEST_LINK = re.compile(rf"{re.escape(_MANIFEST_LINK_START)}(?P<stem>[^\s()/]+)\)")
_CHANGES_LINK = re.compile(r"\[Changes\]\(\./(?P<page>[^\s()/]+)\)")


class HistoryLineError(ValueError):
    """A line is not a build history row; the message says what is wrong, in one line."""


@dataclass(frozen=True)
class HistoryLine:
    """What one build history row says about its build."""

    timestamp: str  # 2026-11-27T14:50:46Z
    references: tuple[str, ...]  # `registry/owner/image:tag`, one per tag the row lists
    commit: str
    repository: str  # the repository's URL, which the commit link is below
    dockerfile: str  # the Dockerfile link's target ("" when the row has none)
    manifest_stem: str  # <platform>-<variant>-<image>-<sha12>, the manifest's name
    changes: bool = False  # the row links the build's change report, ./<stem>-changes

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags of the references, without repository: `x86_64-python-3.12`."""
        return tuple(split_tag(reference)[1] for reference in self.references)

    @property
    def changes_page(self) -> str:
        """The name of the build's change report page, `<stem>-changes`."""
        return f"{self.manifest_stem}{CHANGES_PAGE_SUFFIX}"

    def is_build_of(self, image: str, platform: str, variant: str) -> bool:
        """Whether the row's manifest is named for this image, platform and variant."""
        return is_stem_of(self.manifest_stem, platform, variant, image)


def line_of(image: InspectedImage, with_changes: bool = False) -> HistoryLine:
    """The history line of a passing image (`with_changes`: it has a change report)."""
    sha = image.build.commit_sha()
    return HistoryLine(
        timestamp=image.timestamp,
        references=tuple(image.reference(tag) for tag in image.tags),
        commit=sha,
        repository=image.repository,
        dockerfile=f"{image.repository}/blob/{sha}/{image.dockerfile}",
        manifest_stem=image.manifest_stem,
        changes=with_changes,
    )


def render_history_line(line: HistoryLine) -> str:
    """The row as this plugin writes it, without a final newline."""
    links = [
        f"[Git diff]({line.repository}/commit/{line.commit})",
        f"[Dockerfile]({line.dockerfile})",
        f"{_MANIFEST_LINK_START}{line.manifest_stem})",
    ]
    if line.changes:
        links.append(f"[Changes](./{line.changes_page})")
    references = LINE_BREAK.join(inline_code(reference) for reference in line.references)
    return f"| {inline_code(line.timestamp)} | {references} | {LINE_BREAK.join(links)} |"


def history_line(image: InspectedImage, with_changes: bool = False) -> str:
    """The row of a passing image in the stack's build history table, without a newline.

    Its cells: the build timestamp, every tag but `-latest` as a full reference, and links to
    the commit, the Dockerfile and the manifest; `with_changes`, also to the change report.
    """
    return render_history_line(line_of(image, with_changes))


def links_manifest(line: str, stem_prefix: str) -> bool:
    """Whether `line` links a manifest whose name starts with `stem_prefix`: a quick look for
    the rows worth reading."""
    return f"{_MANIFEST_LINK_START}{stem_prefix}" in line


def _timestamp(cell: str) -> str:
    iso = _ISO.fullmatch(cell.strip())
    if iso:
        return iso["value"]
    spaced = _SPACED.fullmatch(cell.strip())
    if spaced:
        return datetime.strptime(spaced["value"], _SPACED_FORMAT).strftime(TIMESTAMP_FORMAT)
    raise HistoryLineError(
        f"build history row has date {shown(cell)}; expected `2026-11-27T14:50:46Z`"
    )


def _references(cell: str) -> tuple[str, ...]:
    if not cell.strip():
        return ()
    references = []
    for item in cell.strip().split(LINE_BREAK):
        reference = _REFERENCE.match(item.strip())
        if reference is None or not split_tag(reference["reference"])[1]:
            raise HistoryLineError(
                f"build history row lists {shown(item)}; expected `registry/owner/image:tag`"
            )
        references.append(reference["reference"])
    return tuple(references)


def read_history_line(text: str) -> HistoryLine:
    """What a build history row says, ours or the Jupyter wiki's; HistoryLineError if it is
    not one."""
    match = _ROW.match(text.strip())
    if match is None:
        raise HistoryLineError(
            f"build history row {shown(text)} is not '| date | images | links |'"
        )
    timestamp = _timestamp(match["date"])
    references = _references(match["images"])
    links = match["links"]
    commit, manifest = _COMMIT_LINK.search(links), _MANIFEST_LINK.search(links)
    if commit is None or manifest is None:
        raise HistoryLineError(
            f"build history row has links {shown(links)}; expected "
            "[Git diff](…/commit/<sha>) and [Build manifest](./<file>)"
        )
    dockerfile = _DOCKERFILE_LINK.search(links)
    stem = manifest["stem"]
    pages = {found["page"] for found in _CHANGES_LINK.finditer(links)}
    return HistoryLine(
        timestamp=timestamp,
        references=references,
        commit=commit["sha"],
        repository=commit["repository"],
        dockerfile=dockerfile["target"] if dockerfile else "",
        manifest_stem=stem,
        changes=stem + CHANGES_PAGE_SUFFIX in pages,
    )


def is_written_form(line: HistoryLine, text: str) -> bool:
    """Whether `text`, read as `line`, is exactly the row this plugin writes for it."""
    return render_history_line(line) == text
