"""Reading the build history of runs: each `hist_lines/<stem>.txt` and `manifests/<stem>.md`.

Only the files the run record lists for a passed image are read, each verified against the
record (see `run_folders`); images of any other outcome are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from inspections.publishing.errors import PublishUsageError
from inspections.publishing.run_folders import (
    RERUN,
    Notify,
    passed_images,
    read_run,
    verified_text,
)
from inspections.record import RECORD_FILE, RecordedImage, RunRecord

HISTORY_FOLDER = "hist_lines"
MANIFESTS_FOLDER = "manifests"

_HISTORY_LINE = re.compile(r"\| (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \(UTC\) \| (.+ \|)")
_MANIFEST_TITLE = re.compile(r"# Build manifest for image: (\S+)")


@dataclass(frozen=True)
class BuildRecord:
    """One image build: its history line, split into facts, and its build manifest."""

    timestamp: str  # 2026-11-27 11:38:14, UTC
    image: str
    cells: str  # the history line after its date: `tags | links |`
    manifest_name: str  # <platform>-<variant>-<image>-<sha12>.md
    manifest: str

    @property
    def month(self) -> str:
        return self.timestamp[:7]


def _history_file(record: RunRecord, image: RecordedImage) -> str:
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


def _build(record: RunRecord, image: RecordedImage, history_file: str) -> BuildRecord:
    history, manifest = record.folder / history_file, record.folder / _manifest_file(history_file)
    lines = [
        line for line in verified_text(record, image, history_file).splitlines() if line.strip()
    ]
    matched = _HISTORY_LINE.fullmatch(lines[0].strip()) if len(lines) == 1 else None
    if matched is None:
        raise PublishUsageError(
            f"{history} is not one build history row '| <date> (UTC) | <tags> | <links> |': {RERUN}"
        )
    if f"[Build manifest](./{history.stem})" not in matched.group(2):
        raise PublishUsageError(
            f"{history} does not link its manifest ./{history.stem}: keep the name pytest gave it"
        )
    text = verified_text(record, image, _manifest_file(history_file))
    title = _MANIFEST_TITLE.fullmatch(text.split("\n", 1)[0].strip())
    if title is None or title.group(1) != image.image:
        raise PublishUsageError(
            f"{manifest} does not start with '# Build manifest for image: {image.image}': {RERUN}"
        )
    return BuildRecord(matched.group(1), image.image, matched.group(2), manifest.name, text)


def _ignore(_note: str) -> None:
    """Hear of a skipped image and do nothing."""


def read_run_history(run_folders: list[Path], on_skip: Notify = _ignore) -> list[BuildRecord]:
    """Every passed build of the runs (folders given to --emit-manifests), with its manifest.

    `on_skip` hears of every image the record says did not pass, which is left out.
    """
    builds = []
    for folder in run_folders:
        record = read_run(folder)
        files = [(image, _history_file(record, image)) for image in passed_images(record, on_skip)]
        builds += [_build(record, image, name) for image, name in sorted(files, key=_by_file)]
    return builds


def _by_file(found: tuple[RecordedImage, str]) -> str:
    return found[1]
