"""Reading the build history of runs: each `hist_lines/<stem>.txt` and `manifests/<stem>.md`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from inspections.publishing.errors import PublishUsageError
from inspections.publishing.input_files import read_text
from inspections.publishing.wiki_pages import WikiFormatError, manifest_timestamp

HISTORY_FOLDER = "hist_lines"
MANIFESTS_FOLDER = "manifests"
MANIFEST_TITLE = "# Build manifest for image: "

_HISTORY_LINE = re.compile(
    r"\| `(?P<timestamp>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)` \| (?:`[^`|]+`(?:<br />`[^`|]+`)*)? "
    r"\| \[Git diff\]\((?P<repository>https?://[^\s()]+)/commit/[0-9a-f]{40}\)"
    r"<br />\[Dockerfile\]\([^\s()]+\)<br />\[Build manifest\]\(\./(?P<stem>[^\s()/]+)\) \|"
)
_FIX = "emit it again with pytest --emit-manifests"


@dataclass(frozen=True)
class BuildRecord:
    """One image build of a run: its history line and its build manifest."""

    timestamp: str  # 2026-11-27T11:38:14Z
    line: str  # the history line, without a newline
    history_name: str  # <stem>.txt: rows are added in the order of these names
    manifest_name: str  # <stem>.md
    manifest: str
    repository: str  # the repository URL the line links to

    @property
    def month(self) -> str:
        return self.timestamp[:7]


def _record(history: Path, manifest: Path) -> BuildRecord:
    line = read_text(history, _FIX).removesuffix("\n")
    matched = _HISTORY_LINE.fullmatch(line)
    if matched is None:
        raise PublishUsageError(
            f"{history} is not one build history row '| `<timestamp>` | <tags> | <links> |': {_FIX}"
        )
    if matched["stem"] != history.stem:
        raise PublishUsageError(
            f"{history} does not link its manifest ./{history.stem}: keep the name pytest gave it"
        )
    text = read_text(manifest, _FIX)
    if not text.startswith(MANIFEST_TITLE):
        raise PublishUsageError(f"{manifest} does not start with '{MANIFEST_TITLE}<image>': {_FIX}")
    try:
        built = manifest_timestamp(text)
    except WikiFormatError as error:
        raise PublishUsageError(f"{manifest} {error}: {_FIX}") from error
    if built != matched["timestamp"]:
        raise PublishUsageError(
            f"{manifest} was built at {built}, its history line at {matched['timestamp']}: "
            "copy the run folder whole"
        )
    return BuildRecord(
        matched["timestamp"], line, history.name, manifest.name, text, matched["repository"]
    )


def read_run_history(run_folders: list[Path]) -> list[BuildRecord]:
    """Every build of the runs (folders given to --emit-manifests), each with its manifest."""
    records = []
    for run in run_folders:
        histories, manifests = run / HISTORY_FOLDER, run / MANIFESTS_FOLDER
        for folder in (histories, manifests):
            if not folder.is_dir():
                raise PublishUsageError(
                    f"{folder} not found: pass the folder given to pytest --emit-manifests"
                )
        history_stems = {path.stem for path in histories.glob("*.txt")}
        for manifest in sorted(manifests.glob("*.md")):
            if manifest.stem not in history_stems:
                raise PublishUsageError(
                    f"{manifest} has no {HISTORY_FOLDER}/{manifest.stem}.txt: "
                    "copy the run folder whole"
                )
        for history in sorted(histories.glob("*.txt")):
            manifest = manifests / f"{history.stem}.md"
            if not manifest.is_file():
                raise PublishUsageError(
                    f"{history} has no {MANIFESTS_FOLDER}/{manifest.name}: "
                    "copy the run folder whole"
                )
            records.append(_record(history, manifest))
    return records
