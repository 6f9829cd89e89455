"""A folder whose files are reached without following symlinks: nothing outside it is touched.

Every path is relative to the folder and opened one component at a time with `O_NOFOLLOW`,
so a symlink anywhere below the folder (planted before or during a run) is refused instead
of followed. The folder itself may be a symlink: the caller named it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from inspections.publishing.errors import PublishError, PublishUsageError

_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
FOLDER_MODE = 0o755


class UnsafePathError(PublishUsageError):
    """A path below the folder is a symlink or a special file: it is refused, not followed."""


def checked_relative(relative: PurePosixPath | str) -> PurePosixPath:
    """`relative` as a path below the folder: relative, without `.` or `..` components."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(part in (".", "..") for part in path.parts):
        raise ValueError(f"{str(relative)!r} is not a path below the folder")
    return path


class SafeFolder:
    """An open folder, read and changed only through its own, real subfolders and files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as error:
            raise PublishError(f"cannot open {root} ({error.strerror})") from error

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> SafeFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def shown(self, relative: PurePosixPath | str) -> Path:
        """The path for messages."""
        return self.root / relative

    def lock(self, what: str) -> None:
        """Hold the folder for this process until it closes; PublishError if another holds it."""
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise PublishError(
                f"{self.root} is being updated by another {what}: wait for it, then run again"
            ) from error

    def _refuse(self, parent_fd: int, name: str, relative: PurePosixPath) -> None:
        """Raise UnsafePathError when `name` in `parent_fd` is a symlink or a special file."""
        try:
            found = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        except FileNotFoundError:
            return
        if stat.S_ISLNK(found.st_mode):
            target = os.readlink(name, dir_fd=parent_fd)
            raise UnsafePathError(
                f"{self.shown(relative)} is a symlink (to {target}): only the folder's own files "
                "are read and written; replace the link with what it points to, or remove it"
            )
        if not (stat.S_ISREG(found.st_mode) or stat.S_ISDIR(found.st_mode)):
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

    def open_folder(self, relative: PurePosixPath | None, create: bool = False) -> int | None:
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
    def folder(self, relative: PurePosixPath | None, create: bool = False) -> Iterator[int | None]:
        """`open_folder` as a context that closes the descriptor."""
        fd = self.open_folder(relative, create)
        try:
            yield fd
        finally:
            if fd is not None:
                os.close(fd)

    def entries(self, relative: PurePosixPath | None) -> list[tuple[str, bool]]:
        """(name, is a folder) of each entry of a subfolder, by name; none if it is missing.

        A symlink or a special file among them is refused.
        """
        with self.folder(relative) as fd:
            if fd is None:
                return []
            found = []
            with os.scandir(fd) as listing:
                for entry in listing:
                    path = relative / entry.name if relative else PurePosixPath(entry.name)
                    if entry.is_symlink() or not (
                        entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)
                    ):
                        self._refuse(fd, entry.name, path)
                    found.append((entry.name, entry.is_dir(follow_symlinks=False)))
        return sorted(found)

    def files_below(self, relative: PurePosixPath) -> list[PurePosixPath]:
        """Every file in a subfolder and its subfolders, as paths relative to the folder."""
        files: list[PurePosixPath] = []
        for name, is_folder in self.entries(relative):
            if is_folder:
                files += self.files_below(relative / name)
            else:
                files.append(relative / name)
        return files

    def remove_if_empty(self, relative: PurePosixPath) -> bool:
        """Remove the subfolder `relative` if it exists and is empty; whether it was removed."""
        relative = checked_relative(relative)
        with self.folder(relative.parent if relative.parent.parts else None) as parent:
            if parent is None:
                return False
            try:
                os.rmdir(relative.name, dir_fd=parent)
            except OSError:
                return False
            return True

    def read_text(self, relative: PurePosixPath) -> str | None:
        """The UTF-8 text of a file below the folder, or None when it does not exist."""
        relative = checked_relative(relative)
        with self.folder(relative.parent if relative.parent.parts else None) as parent:
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
            data = stream.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise PublishUsageError(
                f"{self.shown(relative)} is not UTF-8 text: fix or remove it"
            ) from error
