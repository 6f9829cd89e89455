"""Reading the build history of runs: each `hist_lines/<stem>.txt` and `manifests/<stem>.md`.

Only the files the run record lists for a passed image are read, each verified against the
record (see `run_folders`); images of any other outcome are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from inspections.formats.stack_diagram import ImageBuild, build_of_entry
from inspections.formats.wiki_pages import WikiFormatError, manifest_timestamp
from inspections.outputs.record import RECORD_FILE, RunRecord
from inspections.outputs.record_entry import RecordEntry
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.run_folders import (
    RERUN,
    Notify,
    passed_images,
    read_run,
    verified_text,
)

HISTORY_FOLDER = "hist_lines"
MANIFESTS_FOLDER = "manifests"
CHANGES_FOLDER = "changes"
MANIFEST_TITLE = "# Build manifest for image: "

_HISTORY_LINE = re.compile(
    r"\| `(?P<timestamp>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)` \| (?:`[^`|]+`(?:<br />`[^`|]+`)*)? "
    r"\| \[Git diff\]\((?P<repository>https?://[^\s()]+)/commit/[0-9a-f]{40}\)"
    r"<br />\[Dockerfile\]\([^\s()]+\)<br />\[Build manifest\]\(\./(?P<stem>[^\s()/]+)\)"
    r"(?P<changes><br />\[Changes\]\(\./(?P=stem)-changes\))? \|"
)


@dataclass(frozen=True)
class BuildRecord:
    """One image build of a run: its history line and its build manifest."""

    timestamp: str  # 2026-11-27T11:38:14Z
    line: str  # the history line, without a newline
    history_name: str  # <stem>.txt: rows are added in the order of these names
    manifest_name: str  # <stem>.md
    manifest: str
    repository: str  # the repository URL the line links to
    changes: str | None = None  # the change report the line links to, if any

    @property
    def month(self) -> str:
        return self.timestamp[:7]


def _history_file(record: RunRecord, image: RecordEntry) -> str:
    """The one history line the record lists for `image`, whose manifest it lists too."""
    listed = [name for name in image.files if name.startswith(f"{HISTORY_FOLDER}/")]
    if len(listed) != 1 or not listed[0].endswith(".txt"):
        raise PublishUsageError(
            f"{record.folder / RECORD_FILE} lists no single {HISTORY_FOLDER}/*.txt for "
            f"{image.label}: {RERUN}"
        )
    manifest = _manifest_file(listed[0])
    if manifest not in image.files:
        raise PublishUsageError(
            f"{record.folder / RECORD_FILE} lists no {manifest} for {image.label}: {RERUN}"
        )
    return listed[0]


def _manifest_file(history: str) -> str:
    return f"{MANIFESTS_FOLDER}/{PurePosixPath(history).stem}.md"


def _changes_file(history: str) -> str:
    return f"{CHANGES_FOLDER}/{PurePosixPath(history).stem}.md"


def _build(record: RunRecord, image: RecordEntry, history_file: str) -> BuildRecord:
    history, manifest = record.folder / history_file, record.folder / _manifest_file(history_file)
    line = verified_text(record, image, history_file).removesuffix("\n")
    matched = _HISTORY_LINE.fullmatch(line)
    if matched is None:
        raise PublishUsageError(
            f"{history} is not one build history row '| `<timestamp>` | <tags> | <links> |': "
            f"{RERUN}"
        )
    if matched["stem"] != history.stem:
        raise PublishUsageError(
            f"{history} does not link its manifest ./{history.stem}: keep the name pytest gave it"
        )
    text = verified_text(record, image, _manifest_file(history_file))
    if not text.startswith(f"{MANIFEST_TITLE}{image.image}:"):
        raise PublishUsageError(
            f"{manifest} does not start with '{MANIFEST_TITLE}{image.image}:': {RERUN}"
        )
    try:
        built = manifest_timestamp(text)
    except WikiFormatError as error:
        raise PublishUsageError(f"{manifest} {error}: {RERUN}") from error
    if built != matched["timestamp"]:
        raise PublishUsageError(
            f"{manifest} was built at {built}, its history line at {matched['timestamp']}: {RERUN}"
        )
    changes = None
    if matched["changes"]:
        if _changes_file(history_file) not in image.files:
            raise PublishUsageError(
                f"{history} links a change report that {record.folder / RECORD_FILE} does not "
                f"list ({_changes_file(history_file)}): {RERUN}"
            )
        changes = verified_text(record, image, _changes_file(history_file))
    return BuildRecord(
        matched["timestamp"],
        line,
        history.name,
        manifest.name,
        text,
        matched["repository"],
        changes,
    )


def _ignore(_note: str) -> None:
    """Hear of a skipped image and do nothing."""


@dataclass(frozen=True)
class RunHistory:
    """What runs add to the build history: their passed builds, and every image build they
    record (failed ones too), for the picture of the stack."""

    builds: list[BuildRecord]
    images: list[ImageBuild]


def read_run_history(run_folders: list[Path], on_skip: Notify = _ignore) -> RunHistory:
    """Every passed build of the runs (folders given to --emit-manifests), with its manifest.

    `on_skip` hears of every image the record says did not pass, which is left out.
    """
    history = RunHistory([], [])
    for folder in run_folders:
        record = read_run(folder)
        files = [(image, _history_file(record, image)) for image in passed_images(record, on_skip)]
        history.builds.extend(
            _build(record, image, name) for image, name in sorted(files, key=_by_file)
        )
        history.images.extend(build_of_entry(image) for image in record.images)
    return history


def _by_file(found: tuple[RecordEntry, str]) -> str:
    return found[1]
