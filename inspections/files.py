"""Files that readers never see half-written, in folders that nothing escapes through links."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from inspections.errors import StackInspectionError

OUTPUT_FILE_MODE = 0o644  # readable by later CI steps that run as another user


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write `content` to `path` so readers see the old file or the new one, never a part."""
    with _complete_copy(path, content) as temporary:
        os.replace(temporary, path)


def write_named_output(path: Path, content: str) -> None:
    """Write a file the user named on the command line (`--json FILE`, `--output FILE`).

    A regular file, or a new one, is written whole or not at all, as `write_atomically` does.
    A link, a device or a pipe (`/dev/stdout`, `/dev/null`) is written through, as the shell's
    `>` writes it: never replaced by a regular file.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        with path.open("w", encoding="utf-8") as stream:
            stream.write(content)
        return
    write_atomically(path, content)


def write_new_file(path: Path, content: str | bytes) -> bool:
    """Create `path` holding `content`, whole or not at all; False (and nothing written) when
    `path` exists already, even if it appears meanwhile."""
    with _complete_copy(path, content) as temporary:
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True


@contextmanager
def _complete_copy(path: Path, content: str | bytes) -> Iterator[str]:
    """A synced temporary file beside `path` holding `content`, removed afterwards unless
    renamed."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, OUTPUT_FILE_MODE)
        yield temporary
    finally:
        Path(temporary).unlink(missing_ok=True)


def check_writable_folder(folder: Path, option: str) -> None:
    """Fail with one line, before any container starts, when `folder` cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise StackInspectionError(
            f"{option} {folder} is a file: pass a folder (it is created if missing)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise StackInspectionError(
            f"{option} {folder} is not writable ({error.strerror}): pass a writable folder"
        ) from error


class UnsafePathError(StackInspectionError):
    """A path leaves its folder, passes through a symbolic link, or is neither a file nor a
    folder: it is refused, never followed."""


class UnreadableFileError(StackInspectionError):
    """A file to read is not a regular file, larger than the reader allows, or damaged (not
    UTF-8 text, not what it should hold)."""


def _link_refused(path: Path) -> UnsafePathError:
    """The error for a symbolic link met at `path`."""
    return UnsafePathError(
        f"{path} is a symbolic link: links are not followed here; replace it with a real file "
        "or folder"
    )


def is_safe_relative(relative: str) -> bool:
    """Whether `relative` is a plain relative path that stays inside its folder."""
    path = PurePosixPath(relative)
    return (
        bool(relative)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in relative
    )


def read_contained(root: Path, relative: str, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file `root / relative`, through no link (the last step opened
    without following), and of at most `max_bytes` when given (checked before reading)."""
    path = contained(root, relative)
    try:
        # Non-blocking: opening a FIFO planted there must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _link_refused(path) from error
        raise
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise UnreadableFileError(f"{path} is not a file")
    with os.fdopen(descriptor, "rb") as stream:
        if max_bytes is None:
            return stream.read()
        too_large = UnreadableFileError(
            f"{path} holds more than {max_bytes / 1e6:g} MB, more than this tool writes there"
        )
        if status.st_size > max_bytes:
            raise too_large
        data = stream.read(max_bytes + 1)  # it may have grown since
        if len(data) > max_bytes:
            raise too_large
        return data


def contained(root: Path, relative: str) -> Path:
    """`root / relative`, refused when it leaves `root` or passes through a link."""
    if not is_safe_relative(relative):
        raise UnsafePathError(
            f"{relative!r} is not a plain relative path inside {root}: fix or remove it"
        )
    path = root
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            raise _link_refused(path)
    return path
