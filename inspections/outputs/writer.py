"""Writing an output folder all or nothing, with the run record as the commit point.

A run stages every new file (and two versions of the record) in a hidden folder first (see
`inspections.staging`), so a full disk or an interruption there leaves the output folder as
it was. The commit that follows only renames and removes: it first withdraws the entries this
run decides from the record, then removes their old files and any file the record does not
back, moves the new files into place and finally puts the new record in place. At every
moment each `passed` entry of the record on disk describes complete, current files (see
`record`). The folder is reached only through its own subfolders, never through a link. The folder's
own files (the stack diagram of all its entries) are written anew by every run, and go when
the record loses an entry.
"""

from __future__ import annotations

import secrets
import signal
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from inspections.errors import StackInspectionError
from inspections.files import UnsafePathError
from inspections.formats.run_folder import MANAGED_FOLDERS, RECORD_FILE
from inspections.outputs.record import read_record, record_document, sha256_of
from inspections.outputs.record_entry import RecordEntry
from inspections.safe_folder import FOLDER, SafeFolder
from inspections.staging import Staging

STAGING_PREFIX = ".staging-"
LOCK_WAIT_SECONDS = 120.0
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


@contextmanager
def locked_folder(folder: Path, timeout: float = LOCK_WAIT_SECONDS) -> Iterator[SafeFolder]:
    """The output folder, held for this writer: one at a time, released even if the process
    dies; a one-line error when another session holds it for over `timeout` seconds."""
    with SafeFolder(folder) as safe:
        if not safe.lock(timeout):
            raise StackInspectionError(
                f"{folder} is being written by another session for over {timeout:g} s: "
                "wait for it to finish, or pass another folder"
            )
        yield safe


def _managed_files(folder: SafeFolder) -> list[str]:
    """Relative paths of the files (and links) in the folders the record accounts for, and of
    the subfolders in them as `<folder>/<name>/` (the plugin writes none: none is backed)."""
    found = []
    for managed in MANAGED_FOLDERS:
        kind = folder.kind(managed)
        if kind not in (None, FOLDER):
            raise StackInspectionError(
                f"{folder.shown(managed)} is not a plain folder: remove it so outputs can be "
                "written there"
            )
        found += [
            f"{managed}/{name}/" if kind == FOLDER else f"{managed}/{name}"
            for name, kind in folder.listing(managed)
        ]
    return sorted(found)


def _backed(folder: SafeFolder, files: Mapping[str, str]) -> bool:
    """Whether each of `files` (path -> sha256) is on disk, a plain file, with its checksum."""
    for relative, digest in files.items():
        try:
            data = folder.read_bytes(relative)
        except UnsafePathError:  # a link, or a folder: not the file the record lists
            return False
        if data is None or sha256_of(data) != digest:
            return False
    return True


def _current_entries(
    folder: SafeFolder, decided: Collection[tuple[str, str]] = ()
) -> tuple[list[RecordEntry], Mapping[str, str], bool]:
    """The entries of the folder's record whose files are intact, the folder's own files when
    nothing was dropped (they describe every entry), and whether anything was dropped.

    Entries of the (image, variant) pairs in `decided` are left out: they are replaced. A
    record that cannot be read raises RecordError: nothing may be decided from it.
    """
    if not folder.exists(RECORD_FILE):
        return [], {}, False
    record = read_record(folder.root, UNREADABLE_RECORD_FIX)
    entries = [entry for entry in record.images if entry.key not in decided]
    intact = [entry for entry in entries if _backed(folder, entry.files)]
    dropped = len(intact) != len(entries) or not _backed(folder, record.files)
    return intact, {} if dropped else record.files, dropped


def _remove_unbacked(
    folder: SafeFolder, entries: Sequence[RecordEntry], own_files: Collection[str] = ()
) -> list[str]:
    backed = {relative for entry in entries for relative in entry.files}
    removed = []
    for relative in _managed_files(folder):
        if relative.endswith("/"):
            folder.remove_tree(relative.removesuffix("/"))
            removed.append(relative)
        elif relative not in backed and relative not in own_files:
            folder.unlink(relative)
            removed.append(relative)
    return removed


def _remove_staging(folder: SafeFolder) -> list[str]:
    """Remove the staging folders of writes that were killed; their names, as `name/`."""
    removed = []
    for name, kind in folder.listing(None):
        if name.startswith(STAGING_PREFIX) and kind == FOLDER:
            folder.remove_tree(name)
            removed.append(f"{name}/")
    return removed


def clean_output_folder(folder: Path) -> list[str]:
    """Remove what an interrupted run left: staging, unbacked files, entries without files.

    Returns what was removed, relative to `folder` (a staging folder as `name/`). A record
    that cannot be read raises RecordError before anything is removed.
    """
    with locked_folder(folder) as safe:
        _managed_files(safe)  # refuses links in place of the output folders
        entries, own_files, dropped = _current_entries(safe)
        removed = _remove_staging(safe)
        if dropped:
            _put_record(safe, entries)
        removed += _remove_unbacked(safe, entries, own_files)
    return removed


def _new_staging(folder: SafeFolder) -> Staging:
    """A staging folder of its own for one write."""
    return Staging(folder, STAGING_PREFIX + secrets.token_hex(4)).create()


def _put_record(folder: SafeFolder, entries: Sequence[RecordEntry]) -> None:
    staging = _new_staging(folder)
    staging.write(_FINAL, record_document(entries).encode())
    staging.move_in(_FINAL, RECORD_FILE)
    staging.remove()


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
    with locked_folder(folder) as safe:
        _managed_files(safe)  # refuses links in place of the output folders
        kept, _, _ = _current_entries(safe, decided)
        final = sorted([*kept, *entries], key=lambda entry: (*entry.key, entry.platform))
        own = folder_files(final) if folder_files else {}
        new = {**files, **own}
        staging = _new_staging(safe)
        try:
            for relative, data in new.items():
                _stop_if(interrupted, folder)
                staging.write(relative, data)
            staging.write(_WITHDRAWN, record_document(kept).encode())
            own_sums = {relative: sha256_of(data) for relative, data in own.items()}
            staging.write(_FINAL, record_document(final, own_sums).encode())
            for relative in new:
                safe.make_folders(PurePosixPath(relative).parent)
            _stop_if(interrupted, folder)
        except BaseException:
            staging.remove()
            raise
        # From here on only renames and removals, which need no free space.
        staging.move_in(_WITHDRAWN, RECORD_FILE)
        _remove_unbacked(safe, kept)
        for relative in new:
            staging.move_in(relative, relative)
        staging.move_in(_FINAL, RECORD_FILE)
        staging.remove()
