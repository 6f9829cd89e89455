"""Reading the build history of runs: each `hist_lines/<stem>.txt` and `manifests/<stem>.md`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from inspections.publishing.errors import PublishUsageError
from inspections.publishing.input_files import read_text

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


def _read(path: Path) -> str:
    return read_text(path, "emit it again with pytest --emit-manifests")


def _record(history: Path, manifest: Path) -> BuildRecord:
    lines = [line for line in _read(history).splitlines() if line.strip()]
    matched = _HISTORY_LINE.fullmatch(lines[0].strip()) if len(lines) == 1 else None
    if matched is None:
        raise PublishUsageError(
            f"{history} is not one build history row '| <date> (UTC) | <tags> | <links> |': "
            "emit it again with pytest --emit-manifests"
        )
    if f"[Build manifest](./{history.stem})" not in matched.group(2):
        raise PublishUsageError(
            f"{history} does not link its manifest ./{history.stem}: keep the name pytest gave it"
        )
    text = _read(manifest)
    title = _MANIFEST_TITLE.fullmatch(text.split("\n", 1)[0].strip())
    if title is None:
        raise PublishUsageError(
            f"{manifest} does not start with '# Build manifest for image: <image>': "
            "emit it again with pytest --emit-manifests"
        )
    return BuildRecord(matched.group(1), title.group(1), matched.group(2), manifest.name, text)


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
