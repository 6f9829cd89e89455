"""Changing many files of a folder all at once or not at all, even across a crash.

New contents are first written to a staging folder inside the folder (`.stack-update-wiki`).
A journal listing every change is then written, and the changes are made by renames only:
each replaced or deleted file is moved into the staging folder, each new content moved into
place. Removing the journal commits. A failure before that moves everything back; a crash
leaves the journal, and the next run (`recover`) moves everything back then.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from inspections.bounded_json import parse_json
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.safe_folder import SafeFolder, checked_relative

STAGING = PurePosixPath(".stack-update-wiki")
NEW, OLD, JOURNAL = "new", "old", "journal.json"
FILE_MODE = 0o644


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


def _parent(path: PurePosixPath) -> PurePosixPath | None:
    return path.parent if path.parent.parts else None


def _fsync_folder(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.fsync(fd)


def _write_file(folder_fd: int, name: str, content: bytes) -> None:
    fd = os.open(
        name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE, dir_fd=folder_fd
    )
    with os.fdopen(fd, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())


@contextmanager
def _staging(folder: SafeFolder, part: str) -> Iterator[int]:
    with folder.folder(STAGING / part) as fd:
        if fd is None:
            raise FileNotFoundError(errno.ENOENT, "staging folder missing", str(STAGING / part))
        yield fd


def _rename(
    folder: SafeFolder,
    source: tuple[PurePosixPath | None, str],
    target: tuple[PurePosixPath | None, str],
) -> None:
    """Rename `name` in one subfolder to `name` in another, both reached without symlinks."""
    with folder.folder(source[0]) as source_fd, folder.folder(target[0]) as target_fd:
        if source_fd is None or target_fd is None:
            raise FileNotFoundError(errno.ENOENT, "folder missing", str(source[0] or target[0]))
        os.rename(source[1], target[1], src_dir_fd=source_fd, dst_dir_fd=target_fd)
        _fsync_folder(target_fd)


def _exists(folder: SafeFolder, path: PurePosixPath) -> bool:
    with folder.folder(_parent(path)) as fd:
        if fd is None:
            return False
        try:
            os.stat(path.name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        return True


def _empty_folder(fd: int) -> None:
    """Remove everything in a staging folder: files, and folders of files (none deeper)."""
    with os.scandir(fd) as entries:
        found = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_folder in found:
        if is_folder:
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            try:
                for inner_name in os.listdir(inner):
                    os.unlink(inner_name, dir_fd=inner)
            finally:
                os.close(inner)
            os.rmdir(name, dir_fd=fd)
        else:
            os.unlink(name, dir_fd=fd)


def _remove_staging(folder: SafeFolder) -> None:
    """Delete the staging folder and everything in it."""
    with folder.folder(STAGING) as staging_fd:
        if staging_fd is None:
            return
        _empty_folder(staging_fd)
    os.rmdir(str(STAGING), dir_fd=folder.fd)
    _fsync_folder(folder.fd)


def _missing_folders(folder: SafeFolder, paths: list[PurePosixPath]) -> list[PurePosixPath]:
    """The folders to create for `paths`, parents first."""
    missing: list[PurePosixPath] = []
    for path in paths:
        for ancestor in reversed(path.parents[:-1]):
            if ancestor not in missing and not _exists(folder, ancestor):
                missing.append(ancestor)
    return missing


def _stage(folder: SafeFolder, changes: Mapping[PurePosixPath, str | None]) -> Journal:
    """Write the new contents and the journal into a new staging folder."""
    for part in (NEW, OLD):
        with folder.folder(STAGING / part, create=True):
            pass
    writes = [(path, _exists(folder, path)) for path, text in changes.items() if text is not None]
    deletes = [path for path, text in changes.items() if text is None]
    journal = Journal(writes, deletes, _missing_folders(folder, [path for path, _ in writes]))
    with _staging(folder, NEW) as new_fd:
        for index, (path, _) in enumerate(writes):
            _write_file(new_fd, str(index), str(changes[path]).encode("utf-8"))
    with folder.folder(STAGING) as staging_fd:
        assert staging_fd is not None
        _write_file(staging_fd, JOURNAL + ".tmp", journal.to_json().encode("utf-8"))
        os.rename(JOURNAL + ".tmp", JOURNAL, src_dir_fd=staging_fd, dst_dir_fd=staging_fd)
        _fsync_folder(staging_fd)
    return journal


def _commit(folder: SafeFolder, journal: Journal) -> None:
    for created in journal.folders:
        with folder.folder(created, create=True):
            pass
    for index, (path, existed) in enumerate(journal.writes):
        if existed:
            _rename(folder, (_parent(path), path.name), (STAGING / OLD, str(index)))
        _rename(folder, (STAGING / NEW, str(index)), (_parent(path), path.name))
    for index, path in enumerate(journal.deletes):
        _rename(folder, (_parent(path), path.name), (STAGING / OLD, f"d{index}"))


def _roll_back(folder: SafeFolder, journal: Journal) -> None:
    """Undo whatever part of `journal` was done; safe to run again after a crash in it."""
    for index, path in reversed(list(enumerate(journal.deletes))):
        if _exists(folder, STAGING / OLD / f"d{index}"):
            _rename(folder, (STAGING / OLD, f"d{index}"), (_parent(path), path.name))
    for index, (path, existed) in reversed(list(enumerate(journal.writes))):
        if existed and _exists(folder, STAGING / OLD / str(index)):
            _rename(folder, (STAGING / OLD, str(index)), (_parent(path), path.name))
        elif not existed and _exists(folder, path):
            with folder.folder(_parent(path)) as fd:
                assert fd is not None
                os.unlink(path.name, dir_fd=fd)
    for created in reversed(journal.folders):
        with folder.folder(_parent(created)) as fd:
            if fd is not None:
                with contextlib.suppress(FileNotFoundError, OSError):
                    os.rmdir(created.name, dir_fd=fd)


def recover(folder: SafeFolder) -> bool:
    """Undo an update a crash interrupted, and remove its staging folder; whether there was one."""
    if not _exists(folder, STAGING):
        return False
    journal_text = folder.read_text(STAGING / JOURNAL)
    if journal_text is not None:
        try:
            journal = Journal.from_json(journal_text)
        except (ValueError, KeyError, TypeError) as error:
            raise PublishUsageError(
                f"{folder.shown(STAGING / JOURNAL)} is damaged ({error}): check the folder "
                f"(e.g. git status), then remove {folder.shown(STAGING)}"
            ) from error
        _roll_back(folder, journal)
    _remove_staging(folder)
    return True


def apply_changes(folder: SafeFolder, changes: Mapping[PurePosixPath, str | None]) -> None:
    """Write each path's new text (None: delete the file), all of them or, on failure, none.

    The caller holds the folder's lock and has recovered any earlier interrupted update.
    """
    what = f"the update of {folder.root}"
    try:
        journal = _stage(folder, changes)
    except OSError as error:
        with contextlib.suppress(OSError):
            _remove_staging(folder)
        raise PublishError(
            f"cannot stage {what} ({error.strerror}): nothing was changed; fix that, then run again"
        ) from error
    try:
        _commit(folder, journal)
    except BaseException as error:
        try:
            _roll_back(folder, journal)
            _remove_staging(folder)
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
    with folder.folder(STAGING) as staging_fd:
        assert staging_fd is not None
        os.unlink(JOURNAL, dir_fd=staging_fd)
        _fsync_folder(staging_fd)
    with contextlib.suppress(OSError):
        _remove_staging(folder)
