"""New contents staged inside a folder, then moved into place by renames only.

A change of many files that must never be seen half done writes every new content into a
hidden staging folder inside the folder first, each file synced to disk. A full disk or an
interruption while staging leaves the folder as it was: the staging folder goes, and nothing
else was touched. What follows needs no free space: renames within one file system, each
made durable, and removals. The order of those renames is the caller's commit protocol (a
journal that can be undone for the wiki, the run record as the commit point for an output
folder). Everything goes through a `SafeFolder`: no link is ever followed.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath

from inspections.files import OUTPUT_FILE_MODE
from inspections.safe_folder import Relative, SafeFolder, checked_relative, parent_of

_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class Staging:
    """The staging folder `name` inside `folder`: paths below it are relative to it."""

    def __init__(self, folder: SafeFolder, name: Relative) -> None:
        self.folder = folder
        self.name = checked_relative(name)

    def path(self, relative: Relative) -> PurePosixPath:
        """`relative` below the staging folder, relative to the folder."""
        return self.name / checked_relative(relative)

    def create(self) -> Staging:
        """Make the staging folder (kept if it exists); itself."""
        self.folder.make_folders(self.name)
        return self

    def write(self, relative: Relative, data: bytes) -> None:
        """Stage `data` as the new file `relative` (its folders created), synced to disk and
        readable by everyone (later CI steps may run as another user)."""
        path = self.path(relative)
        with self.folder.folder(parent_of(path), create=True) as parent:
            assert parent is not None
            fd = os.open(path.name, _NEW_FILE_FLAGS, OUTPUT_FILE_MODE, dir_fd=parent)
            with os.fdopen(fd, "wb") as stream:
                os.fchmod(fd, OUTPUT_FILE_MODE)
                stream.write(data)
                stream.flush()
                os.fsync(fd)

    def move_in(self, relative: Relative, target: Relative) -> None:
        """Move the staged `relative` to `target` in the folder, replacing what is there."""
        self.folder.rename(self.path(relative), target)

    def move_out(self, target: Relative, relative: Relative) -> None:
        """Move `target` of the folder into the staging folder as `relative`."""
        self.folder.rename(target, self.path(relative))

    def remove(self) -> None:
        """Remove the staging folder and everything in it."""
        self.folder.remove_tree(self.name)
