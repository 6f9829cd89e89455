"""A folder whose files are reached without following links: nothing outside it is touched.

Every path is relative to the folder and opened one component at a time with `O_NOFOLLOW`,
so a symlink anywhere below the folder (planted before or during a run) is refused instead
of followed. The folder itself may be a symlink: the caller named it. Its lock lets one
process change it at a time, and goes with the process, however it ends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from inspections.files import UnreadableFileError, UnsafePathError

_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
FOLDER_MODE = 0o755
FILE, FOLDER, LINK, OTHER = "file", "folder", "link", "other"  # what an entry is
_LOCK_POLL_SECONDS = 0.05

Relative = PurePosixPath | str


def checked_relative(relative: Relative) -> PurePosixPath:
    """`relative` as a path below the folder: relative, without `.` or `..` components."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(part in (".", "..") for part in path.parts):
        raise ValueError(f"{str(relative)!r} is not a path below the folder")
    return path


def parent_of(path: PurePosixPath) -> PurePosixPath | None:
    """The folder holding `path`, relative to the folder; None for the folder itself."""
    return path.parent if path.parent.parts else None


def sync(fd: int) -> None:
    """Make the entries of the open folder `fd` (renames, removals) durable, where the file
    system can."""
    with contextlib.suppress(OSError):
        os.fsync(fd)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return LINK
    if stat.S_ISDIR(mode):
        return FOLDER
    return FILE if stat.S_ISREG(mode) else OTHER


def _kinds(fd: int) -> list[tuple[str, str]]:
    """(name, kind) of each entry of the open folder `fd`, by name, not following links."""
    return [
        (name, _kind(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode))
        for name in sorted(os.listdir(fd))
    ]


class SafeFolder:
    """An open folder, read and changed only through its own, real subfolders and files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> SafeFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def shown(self, relative: Relative) -> Path:
        """The path for messages."""
        return self.root / relative

    def lock(self, wait_seconds: float = 0.0) -> bool:
        """Take the folder's lock, waiting up to `wait_seconds` for another holder to let go;
        whether it was taken. It is held until the folder is closed or the process ends, and
        leaves no file behind."""
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() >= deadline:
                return False
            time.sleep(_LOCK_POLL_SECONDS)

    def _refuse(self, parent_fd: int, name: str, relative: PurePosixPath) -> None:
        """Raise UnsafePathError when `name` in `parent_fd` is a symlink or a special file."""
        try:
            found = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        except FileNotFoundError:
            return
        kind = _kind(found.st_mode)
        if kind == LINK:
            target = os.readlink(name, dir_fd=parent_fd)
            raise UnsafePathError(
                f"{self.shown(relative)} is a symlink (to {target}): only the folder's own files "
                "are read and written; replace the link with what it points to, or remove it"
            )
        if kind == OTHER:
            raise UnsafePathError(
                f"{self.shown(relative)} is neither a file nor a folder: remove it"
            )

    def open_child(self, parent_fd: int, name: str, relative: PurePosixPath, flags: int) -> int:
        """Open `name` in `parent_fd` without following a symlink; refuse one with a clear error."""
        try:
            return os.open(name, flags, dir_fd=parent_fd)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENXIO):
                self._refuse(parent_fd, name, relative)
            if error.errno == errno.ENOTDIR:
                raise UnsafePathError(
                    f"{self.shown(relative)} is a file where a folder belongs: move it away"
                ) from error
            raise

    def open_folder(self, relative: Relative | None, create: bool = False) -> int | None:
        """A new descriptor of the subfolder `relative` (None: the folder itself).

        Missing folders are created when `create`, else the result is None. The caller closes it.
        """
        fd = os.dup(self.fd)
        walked = PurePosixPath()
        for part in checked_relative(relative).parts if relative else ():
            walked /= part
            try:
                child = self.open_child(fd, part, walked, _DIRECTORY_FLAGS)
            except FileNotFoundError:
                if not create:
                    os.close(fd)
                    return None
                try:
                    os.mkdir(part, FOLDER_MODE, dir_fd=fd)
                    child = self.open_child(fd, part, walked, _DIRECTORY_FLAGS)
                except BaseException:
                    os.close(fd)
                    raise
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
            fd = child
        return fd

    @contextmanager
    def folder(self, relative: Relative | None, create: bool = False) -> Iterator[int | None]:
        """`open_folder` as a context that closes the descriptor."""
        fd = self.open_folder(relative, create)
        try:
            yield fd
        finally:
            if fd is not None:
                os.close(fd)

    @contextmanager
    def _parent(self, relative: PurePosixPath) -> Iterator[int]:
        """The descriptor of the existing folder holding `relative`; FileNotFoundError if none."""
        with self.folder(parent_of(relative)) as fd:
            if fd is None:
                raise FileNotFoundError(errno.ENOENT, "folder missing", str(self.shown(relative)))
            yield fd

    def kind(self, relative: Relative) -> str | None:
        """What `relative` is (FILE, FOLDER, LINK, OTHER), not following it; None if missing.

        The folders on the way to it must be real folders.
        """
        relative = checked_relative(relative)
        with self.folder(parent_of(relative)) as fd:
            if fd is None:
                return None
            try:
                return _kind(os.stat(relative.name, dir_fd=fd, follow_symlinks=False).st_mode)
            except FileNotFoundError:
                return None

    def exists(self, relative: Relative) -> bool:
        return self.kind(relative) is not None

    def listing(self, relative: Relative | None) -> list[tuple[str, str]]:
        """(name, kind) of each entry of a subfolder, by name, links included; none if missing."""
        with self.folder(relative) as fd:
            return [] if fd is None else _kinds(fd)

    def entries(self, relative: PurePosixPath | None) -> list[tuple[str, bool]]:
        """(name, is a folder) of each entry of a subfolder, by name; none if it is missing.

        A symlink or a special file among them is refused.
        """
        with self.folder(relative) as fd:
            if fd is None:
                return []
            found = []
            for name, kind in _kinds(fd):
                if kind in (LINK, OTHER):
                    self._refuse(fd, name, relative / name if relative else PurePosixPath(name))
                found.append((name, kind == FOLDER))
            return found

    def files_below(self, relative: PurePosixPath) -> list[PurePosixPath]:
        """Every file in a subfolder and its subfolders, as paths relative to the folder."""
        files: list[PurePosixPath] = []
        for name, is_folder in self.entries(relative):
            if is_folder:
                files += self.files_below(relative / name)
            else:
                files.append(relative / name)
        return files

    def make_folders(self, relative: Relative) -> None:
        """Create the subfolder `relative` and its missing parents; a link on the way is refused."""
        with self.folder(relative, create=True):
            pass

    def remove_if_empty(self, relative: Relative) -> bool:
        """Remove the subfolder `relative` if it exists and is empty; whether it was removed."""
        relative = checked_relative(relative)
        with self.folder(parent_of(relative)) as parent:
            if parent is None:
                return False
            try:
                os.rmdir(relative.name, dir_fd=parent)
            except OSError:
                return False
            return True

    def remove_tree(self, relative: Relative) -> None:
        """Remove the subfolder `relative` and everything in it (links in it are removed, never
        followed); nothing when it is missing."""
        relative = checked_relative(relative)
        with self.folder(parent_of(relative)) as parent:
            if parent is None:
                return
            try:
                shutil.rmtree(relative.name, dir_fd=parent)
            except FileNotFoundError:
                return
            sync(parent)

    def unlink(self, relative: Relative) -> None:
        """Remove the file (or link) `relative`; the removal is made durable before this returns."""
        relative = checked_relative(relative)
        with self._parent(relative) as parent:
            os.unlink(relative.name, dir_fd=parent)
            sync(parent)

    def rename(self, source: Relative, target: Relative) -> None:
        """Move `source` to `target` (replacing it), both reached without links; the move is
        made durable before this returns."""
        source, target = checked_relative(source), checked_relative(target)
        with self._parent(source) as source_fd, self._parent(target) as target_fd:
            os.rename(source.name, target.name, src_dir_fd=source_fd, dst_dir_fd=target_fd)
            sync(target_fd)

    def read_bytes(self, relative: Relative) -> bytes | None:
        """The bytes of a file below the folder, or None when it does not exist."""
        relative = checked_relative(relative)
        with self.folder(parent_of(relative)) as parent:
            if parent is None:
                return None
            try:
                fd = self.open_child(parent, relative.name, relative, _FILE_FLAGS)
            except FileNotFoundError:
                return None
        with os.fdopen(fd, "rb") as stream:
            mode = os.fstat(stream.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise UnsafePathError(f"{self.shown(relative)} is a folder where a file belongs")
            if not stat.S_ISREG(mode):
                raise UnsafePathError(f"{self.shown(relative)} is neither a file nor a folder")
            return stream.read()

    def read_text(self, relative: Relative) -> str | None:
        """The UTF-8 text of a file below the folder, or None when it does not exist."""
        data = self.read_bytes(relative)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(
                f"{self.shown(relative)} is not UTF-8 text: fix or remove it"
            ) from error
