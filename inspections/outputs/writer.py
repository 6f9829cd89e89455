"""Writing an output folder all or nothing, with the run record as the commit point.

A run stages every new file (and two versions of the record) in a hidden folder first, so a
full disk or an interruption there leaves the output folder as it was. The commit that
follows only renames and removes: it first withdraws the entries this run decides from the
record, then removes their old files and any file the record does not back, moves the new
files into place and finally puts the new record in place. At every moment each `passed`
entry of the record on disk describes complete, current files (see `record`). The folder's
own files (the stack diagram of all its entries) are written anew by every run, and go when
the record loses an entry.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from inspections.errors import StackInspectionError
from inspections.files import OUTPUT_FILE_MODE, folder_lock, fsync_folder
from inspections.formats.run_folder import MANAGED_FOLDERS, RECORD_FILE
from inspections.outputs.record import read_record, record_document, sha256_of
from inspections.outputs.record_entry import RecordEntry

STAGING_PREFIX = ".staging-"
# A record this version cannot read is never replaced: its entries' files would go with it.
UNREADABLE_RECORD_FIX = f"move {RECORD_FILE} out of the folder, or pass another folder"
_WITHDRAWN = "withdrawn.json"
_FINAL = "final.json"


class WriteInterrupted(StackInspectionError):
    """A signal arrived while the new files were staged: the folder was left as it was."""


@contextmanager
def held_signals() -> Iterator[Callable[[], bool]]:
    """Hold SIGINT and SIGTERM until the block ends; yields whether one arrived meanwhile.

    Only the main thread can catch signals; elsewhere nothing is held. A signal the process
    ignores (SIGINT in a background job) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    received: list[int] = []

    def hold(number: int, _frame: object) -> None:
        received.append(number)

    previous = {
        number: signal.signal(number, hold)
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        yield lambda: bool(received)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _managed_files(folder: Path) -> list[str]:
    """Relative paths of the files (and links) in the folders the record accounts for."""
    found = []
    for managed in MANAGED_FOLDERS:
        directory = folder / managed
        if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
            raise StackInspectionError(
                f"{directory} is not a plain folder: remove it so outputs can be written there"
            )
        if directory.is_dir():
            with os.scandir(directory) as entries:
                found += [f"{managed}/{entry.name}" for entry in entries if not entry.is_dir()]
    return sorted(found)


def _backed(folder: Path, files: Mapping[str, str]) -> bool:
    """Whether each of `files` (path -> sha256) is on disk, a plain file, with its checksum."""
    for relative, digest in files.items():
        path = folder / relative
        if path.is_symlink() or not path.is_file():
            return False
        if sha256_of(path.read_bytes()) != digest:
            return False
    return True


def _current_entries(
    folder: Path, decided: Collection[tuple[str, str]] = ()
) -> tuple[list[RecordEntry], Mapping[str, str], bool]:
    """The entries of the folder's record whose files are intact, the folder's own files when
    nothing was dropped (they describe every entry), and whether anything was dropped.

    Entries of the (image, variant) pairs in `decided` are left out: they are replaced. A
    record that cannot be read raises RecordError: nothing may be decided from it.
    """
    path = folder / RECORD_FILE
    if not (path.exists() or path.is_symlink()):
        return [], {}, False
    record = read_record(folder, UNREADABLE_RECORD_FIX)
    entries = [entry for entry in record.images if entry.key not in decided]
    intact = [entry for entry in entries if _backed(folder, entry.files)]
    dropped = len(intact) != len(entries) or not _backed(folder, record.files)
    return intact, {} if dropped else record.files, dropped


def _remove_unbacked(
    folder: Path, entries: Sequence[RecordEntry], own_files: Collection[str] = ()
) -> list[str]:
    backed = {relative for entry in entries for relative in entry.files}
    removed = []
    for relative in _managed_files(folder):
        if relative not in backed and relative not in own_files:
            (folder / relative).unlink()
            removed.append(relative)
    return removed


def _remove_staging(folder: Path) -> list[str]:
    """Remove the staging folders of writes that were killed; their names, as `name/`."""
    removed = []
    for leftover in sorted(folder.glob(f"{STAGING_PREFIX}*")):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(f"{leftover.name}/")
    return removed


def clean_output_folder(folder: Path) -> list[str]:
    """Remove what an interrupted run left: staging, unbacked files, entries without files.

    Returns what was removed, relative to `folder` (a staging folder as `name/`). A record
    that cannot be read raises RecordError before anything is removed.
    """
    with folder_lock(folder):
        entries, own_files, dropped = _current_entries(folder)
        removed = _remove_staging(folder)
        if dropped:
            _put_record(folder, entries)
        removed += _remove_unbacked(folder, entries, own_files)
        for managed in MANAGED_FOLDERS:
            if (folder / managed).is_dir():
                fsync_folder(folder / managed)
    return removed


def _put_record(folder: Path, entries: Sequence[RecordEntry]) -> None:
    staged = folder / f"{STAGING_PREFIX}record"
    staged.mkdir(exist_ok=True)
    _stage(staged / _FINAL, record_document(entries).encode())
    os.replace(staged / _FINAL, folder / RECORD_FILE)
    fsync_folder(folder)
    shutil.rmtree(staged, ignore_errors=True)


def _stage(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, OUTPUT_FILE_MODE)


def _stop_if(interrupted: Callable[[], bool], folder: Path) -> None:
    """Raise WriteInterrupted when a signal arrived while `folder`'s files were staged."""
    if interrupted():
        raise WriteInterrupted(f"interrupted while writing {folder}: left as it was")


def commit_run(
    folder: Path,
    decided: set[tuple[str, str]],
    entries: Sequence[RecordEntry],
    files: dict[str, bytes],
    interrupted: Callable[[], bool],
    folder_files: Callable[[list[RecordEntry]], dict[str, bytes]] | None = None,
) -> None:
    """Replace the entries of the (image, variant) pairs in `decided` with `entries`.

    `files` are the new files (relative path -> bytes) the new entries list; `folder_files`,
    given every entry the new record holds, returns the folder's own files (the stack
    diagram), which replace the earlier ones. Raises OSError (e.g. a full disk) or
    WriteInterrupted while staging, leaving the folder as it was.
    """
    with folder_lock(folder):
        _managed_files(folder)  # refuses links in place of the output folders
        kept, _, _ = _current_entries(folder, decided)
        final = sorted([*kept, *entries], key=lambda entry: (*entry.key, entry.platform))
        own = folder_files(final) if folder_files else {}
        new = {**files, **own}
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
        try:
            for relative, data in new.items():
                _stop_if(interrupted, folder)
                _stage(staging / relative, data)
            _stage(staging / _WITHDRAWN, record_document(kept).encode())
            own_sums = {relative: sha256_of(data) for relative, data in own.items()}
            _stage(staging / _FINAL, record_document(final, own_sums).encode())
            for relative in new:
                (folder / relative).parent.mkdir(exist_ok=True)
            _stop_if(interrupted, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # From here on only renames and removals, which need no free space.
        os.replace(staging / _WITHDRAWN, folder / RECORD_FILE)
        fsync_folder(folder)
        _remove_unbacked(folder, kept)
        for relative in new:
            os.replace(staging / relative, folder / relative)
        for managed in {Path(relative).parts[0] for relative in new}:
            fsync_folder(folder / managed)
        os.replace(staging / _FINAL, folder / RECORD_FILE)
        fsync_folder(folder)
        shutil.rmtree(staging, ignore_errors=True)
