"""Changing many files of a folder all at once or not at all, even across a crash.

New contents are first staged (see `inspections.staging`) in a staging folder inside the
folder (`.stack-update-wiki`). A journal listing every change is then written, and the
changes are made by renames only: each replaced or deleted file is moved into the staging
folder, each new content moved into place. Removing the journal commits. A failure before
that moves everything back; a crash leaves the journal, and the next run (`recover`) moves
everything back then.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from inspections.bounded_json import parse_json
from inspections.files import UnreadableFileError
from inspections.publishing.errors import PublishError
from inspections.safe_folder import SafeFolder, checked_relative
from inspections.staging import Staging

STAGING = PurePosixPath(".stack-update-wiki")
NEW, OLD, JOURNAL = PurePosixPath("new"), PurePosixPath("old"), "journal.json"


@dataclass(frozen=True)
class Journal:
    """Every change of one update: what is written, deleted, and which folders are created."""

    writes: list[tuple[PurePosixPath, bool]]  # (path, it existed before); staged as new/<index>
    deletes: list[PurePosixPath]  # each moved to old/d<index>
    folders: list[PurePosixPath]  # created, parents first

    def to_json(self) -> str:
        return json.dumps(
            {
                "writes": [[str(path), existed] for path, existed in self.writes],
                "deletes": [str(path) for path in self.deletes],
                "folders": [str(path) for path in self.folders],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Journal:
        data: dict[str, Any] = parse_json(text.encode("utf-8"))
        return cls(
            writes=[(checked_relative(path), bool(existed)) for path, existed in data["writes"]],
            deletes=[checked_relative(path) for path in data["deletes"]],
            folders=[checked_relative(path) for path in data["folders"]],
        )


def _missing_folders(folder: SafeFolder, paths: list[PurePosixPath]) -> list[PurePosixPath]:
    """The folders to create for `paths`, parents first."""
    missing: list[PurePosixPath] = []
    for path in paths:
        for ancestor in reversed(path.parents[:-1]):
            if ancestor not in missing and not folder.exists(ancestor):
                missing.append(ancestor)
    return missing


def _stage(folder: SafeFolder, changes: Mapping[PurePosixPath, str | None]) -> Journal:
    """Write the new contents and the journal into a new staging folder."""
    staging = Staging(folder, STAGING).create()
    folder.make_folders(staging.path(OLD))
    writes = [(path, folder.exists(path)) for path, text in changes.items() if text is not None]
    deletes = [path for path, text in changes.items() if text is None]
    journal = Journal(writes, deletes, _missing_folders(folder, [path for path, _ in writes]))
    for index, (path, _) in enumerate(writes):
        staging.write(NEW / str(index), str(changes[path]).encode("utf-8"))
    staging.write(f"{JOURNAL}.tmp", journal.to_json().encode("utf-8"))
    folder.rename(staging.path(f"{JOURNAL}.tmp"), staging.path(JOURNAL))
    return journal


def _commit(staging: Staging, journal: Journal) -> None:
    for created in journal.folders:
        staging.folder.make_folders(created)
    for index, (path, existed) in enumerate(journal.writes):
        if existed:
            staging.move_out(path, OLD / str(index))
        staging.move_in(NEW / str(index), path)
    for index, path in enumerate(journal.deletes):
        staging.move_out(path, OLD / f"d{index}")


def _roll_back(staging: Staging, journal: Journal) -> None:
    """Undo whatever part of `journal` was done; safe to run again after a crash in it."""
    folder = staging.folder
    for index, path in reversed(list(enumerate(journal.deletes))):
        if folder.exists(staging.path(OLD / f"d{index}")):
            staging.move_in(OLD / f"d{index}", path)
    for index, (path, existed) in reversed(list(enumerate(journal.writes))):
        if existed and folder.exists(staging.path(OLD / str(index))):
            staging.move_in(OLD / str(index), path)
        elif not existed and folder.exists(path):
            folder.unlink(path)
    for created in reversed(journal.folders):
        folder.remove_if_empty(created)


def recover(folder: SafeFolder) -> bool:
    """Undo an update a crash interrupted, and remove its staging folder; whether there was one."""
    if not folder.exists(STAGING):
        return False
    staging = Staging(folder, STAGING)
    journal_text = folder.read_text(staging.path(JOURNAL))
    if journal_text is not None:
        try:
            journal = Journal.from_json(journal_text)
        except (ValueError, KeyError, TypeError) as error:
            raise UnreadableFileError(
                f"{folder.shown(staging.path(JOURNAL))} is damaged ({error}): check the folder "
                f"(e.g. git status), then remove {folder.shown(STAGING)}"
            ) from error
        _roll_back(staging, journal)
    staging.remove()
    return True


def apply_changes(folder: SafeFolder, changes: Mapping[PurePosixPath, str | None]) -> None:
    """Write each path's new text (None: delete the file), all of them or, on failure, none.

    The caller holds the folder's lock and has recovered any earlier interrupted update.
    """
    what = f"the update of {folder.root}"
    staging = Staging(folder, STAGING)
    try:
        journal = _stage(folder, changes)
    except OSError as error:
        with contextlib.suppress(OSError):
            staging.remove()
        raise PublishError(
            f"cannot stage {what} ({error.strerror}): nothing was changed; fix that, then run again"
        ) from error
    try:
        _commit(staging, journal)
    except BaseException as error:
        try:
            _roll_back(staging, journal)
            staging.remove()
        except OSError as undo_error:
            raise PublishError(
                f"{what} failed ({getattr(error, 'strerror', error)}) and could not be undone "
                f"({undo_error.strerror}): run again to undo it"
            ) from error
        if isinstance(error, OSError):
            raise PublishError(
                f"{what} failed ({error.strerror}): every change was undone; fix that, then "
                "run again"
            ) from error
        raise
    folder.unlink(staging.path(JOURNAL))
    with contextlib.suppress(OSError):
        staging.remove()
