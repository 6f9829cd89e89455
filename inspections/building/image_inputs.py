"""The hash of an image's build inputs, kept in a label to tell whether the image is up to date.

The inputs are what `docker build` is given: the build context as it is sent (the context
folder less what the ignore file the builder reads leaves out, see `dockerignore`: each file's
path, mode and content, each link's target), the Dockerfile and that ignore file themselves,
the image id of the parent and of every other image the Dockerfile starts FROM, the build
arguments and the platform. A file of `BIG_FILE` bytes or more is hashed by its size and
modification time instead of its content; a named pipe, socket or device by its kind and
mode, never opened (a pipe would wait for a writer).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from inspections.building.dockerignore import IgnoreRules, ignore_file

INPUTS_LABEL = "org.stack-inspections.inputs"
# Changed whenever what goes into the hash changes, so that every image is built again once.
RECIPE_VERSION = "1"
BIG_FILE = 8 * 1024 * 1024


@dataclass(frozen=True)
class BuildInputs:
    """Everything one build depends on, as far as stack-build can see it."""

    context: Path
    dockerfile: Path
    parent_id: str  # "" for a root
    bases: tuple[tuple[str, str], ...]  # other images it starts FROM: (reference, id or "")
    build_args: tuple[tuple[str, str], ...]
    platform: str
    buildkit: bool  # whether the builder is BuildKit, which may read another ignore file

    @property
    def ignore_file(self) -> Path:
        return ignore_file(self.context, self.dockerfile, self.buildkit)


def input_hash(inputs: BuildInputs) -> str:
    """A sha256 of every build input (hex)."""
    hasher = _Hasher()
    hasher.line(f"recipe {RECIPE_VERSION}")
    hasher.line(f"platform {inputs.platform}")
    hasher.line(f"parent {inputs.parent_id}")
    for reference, image_id in inputs.bases:
        hasher.line(f"base {reference} {image_id}")
    for name, value in sorted(inputs.build_args):
        hasher.line(f"arg {name}={value}")
    for kind, path in (("dockerfile", inputs.dockerfile), ("ignore", inputs.ignore_file)):
        hasher.line(f"{kind} {path.name}")
        hasher.data(path.read_bytes() if path.is_file() else b"")
    for relative, path, status in context_entries(inputs.context, inputs.ignore_file):
        hasher.entry(relative, path, status)
    return hasher.digest.hexdigest()


class _Hasher:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def line(self, text: str) -> None:
        self.digest.update(text.encode("utf-8", "surrogateescape") + b"\n")

    def data(self, content: bytes) -> None:
        self.digest.update(content)

    def entry(self, relative: str, path: Path, status: os.stat_result) -> None:
        """A context entry: a link's target, a folder's mode, a file's mode, size and content;
        any other kind (a named pipe, a socket, a device) by its kind and mode, never opened."""
        mode = stat.S_IMODE(status.st_mode)
        if stat.S_ISLNK(status.st_mode):
            self.line(f"link {relative} {os.readlink(path)}")
        elif stat.S_ISDIR(status.st_mode):
            self.line(f"folder {relative} {mode:o}")
        elif stat.S_ISREG(status.st_mode):
            self.line(f"file {relative} {mode:o} {status.st_size}")
            if status.st_size >= BIG_FILE:
                self.line(f"mtime {status.st_mtime_ns}")
            else:
                self.data(path.read_bytes())
        else:
            kind = stat.S_IFMT(status.st_mode)
            self.line(f"special {relative} {kind:o} {mode:o} {status.st_rdev}")


def context_entries(context: Path, ignore: Path) -> list[tuple[str, Path, os.stat_result]]:
    """The files, folders and links `docker build` sends of `context`, less what the ignore
    file `ignore` leaves out, sorted by path."""
    rules = IgnoreRules.of_file(ignore)
    entries: list[tuple[str, Path, os.stat_result]] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(context / folder) as scanned:
            for entry in scanned:
                relative = f"{folder}/{entry.name}" if folder else entry.name
                excluded = rules.excludes(relative)
                if entry.is_dir(follow_symlinks=False) and (not excluded or rules.takes_back):
                    pending.append(relative)
                if not excluded:
                    entries.append((relative, Path(entry.path), entry.stat(follow_symlinks=False)))
    return sorted(entries, key=lambda found: found[0].split("/"))
