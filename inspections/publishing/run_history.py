"""Reading the build history of runs: each `hist_lines/<stem>.txt` and `manifests/<stem>.md`.

Only the files the run record lists for a passed image are read, each verified against the
record (see `run_folders`); images of any other outcome are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspections.formats.history_line import (
    HistoryLine,
    HistoryLineError,
    is_written_form,
    read_history_line,
)
from inspections.formats.manifest import TITLE
from inspections.formats.run_folder import (
    HISTORY_FOLDER,
    RECORD_FILE,
    change_report_file,
    history_file,
    in_folder,
    manifest_file,
    stem_of,
)
from inspections.formats.stack_diagram import DiagramBuild
from inspections.formats.wiki_pages import WikiFormatError, manifest_timestamp
from inspections.outputs.record import RunRecord
from inspections.outputs.record_entry import RecordEntry
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.run_folders import (
    RERUN,
    Notify,
    passed_images,
    read_run,
    verified_text,
)
from inspections.stack import REPOSITORY_URL


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
    listed = [name for name in image.files if in_folder(name, HISTORY_FOLDER)]
    if len(listed) != 1 or listed[0] != history_file(stem_of(listed[0])):
        raise PublishUsageError(
            f"{record.folder / RECORD_FILE} lists no single {HISTORY_FOLDER}/*.txt for "
            f"{image.label}: {RERUN}"
        )
    manifest = manifest_file(stem_of(listed[0]))
    if manifest not in image.files:
        raise PublishUsageError(
            f"{record.folder / RECORD_FILE} lists no {manifest} for {image.label}: {RERUN}"
        )
    return listed[0]


def _written_line(path: Path, line: str) -> HistoryLine:
    """The history line `path` holds, as pytest wrote it; PublishUsageError for any other
    text (an older form too), or a line that links another manifest than its own."""
    try:
        read: HistoryLine | None = read_history_line(line)
    except HistoryLineError:
        read = None
    if (
        read is None
        or not is_written_form(read, line)
        or not REPOSITORY_URL.fullmatch(read.repository)
    ):
        raise PublishUsageError(
            f"{path} is not one build history row '| `<timestamp>` | <tags> | <links> |': {RERUN}"
        )
    if read.manifest_stem != path.stem:
        raise PublishUsageError(
            f"{path} does not link its manifest ./{path.stem}: keep the name pytest gave it"
        )
    return read


def _build(record: RunRecord, image: RecordEntry, history_name: str) -> BuildRecord:
    stem = stem_of(history_name)
    history, manifest = record.folder / history_name, record.folder / manifest_file(stem)
    line = verified_text(record, image, history_name).removesuffix("\n")
    written = _written_line(history, line)
    text = verified_text(record, image, manifest_file(stem))
    if not text.startswith(f"{TITLE}{image.image}:"):
        raise PublishUsageError(f"{manifest} does not start with '{TITLE}{image.image}:': {RERUN}")
    try:
        built = manifest_timestamp(text)
    except WikiFormatError as error:
        raise PublishUsageError(f"{manifest} {error}: {RERUN}") from error
    if built != written.timestamp:
        raise PublishUsageError(
            f"{manifest} was built at {built}, its history line at {written.timestamp}: {RERUN}"
        )
    changes = None
    if written.changes:
        report = change_report_file(stem)
        if report not in image.files:
            raise PublishUsageError(
                f"{history} links a change report that {record.folder / RECORD_FILE} does not "
                f"list ({report}): {RERUN}"
            )
        changes = verified_text(record, image, report)
    return BuildRecord(
        written.timestamp, line, history.name, manifest.name, text, written.repository, changes
    )


def _ignore(_note: str) -> None:
    """Hear of a skipped image and do nothing."""


@dataclass(frozen=True)
class RunHistory:
    """What runs add to the build history: their passed builds, and every image build they
    record (failed ones too), for the picture of the stack."""

    builds: list[BuildRecord]
    images: list[DiagramBuild]


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
        history.images.extend(image.diagram_build() for image in record.images)
    return history


def _by_file(found: tuple[RecordEntry, str]) -> str:
    return found[1]
