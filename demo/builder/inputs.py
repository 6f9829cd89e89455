"""The hash of an image's build inputs, kept in a label to tell whether it is up to date."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterator
from pathlib import Path

INPUTS_LABEL = "org.stack-inspections.demo.inputs"
# Bump to force every image's input hash to change (e.g. when the build command changes).
RECIPE_VERSION = "1"
# Files in an image folder that are not build inputs (they belong to the pytest plugin).
NOT_INPUTS = ("inspect_*.py", "test_*.py", "conftest.py", "*.pyc", "__pycache__", "image.toml")
# Files at least this large are hashed by name, size and mtime instead of content.
BIG_FILE = 8 * 1024 * 1024


def input_hash(folder: Path, parent_id: str, build_args: dict[str, str]) -> str:
    """A hash of everything that goes into an image's build."""
    digest = hashlib.sha256(f"recipe {RECIPE_VERSION}\nparent {parent_id}\n".encode())
    for key, value in sorted(build_args.items()):
        digest.update(f"arg {key}={value}\n".encode())
    for path in input_files(folder):
        stat = path.stat()
        digest.update(f"file {path.relative_to(folder).as_posix()} {stat.st_size}\n".encode())
        if stat.st_size >= BIG_FILE:
            digest.update(f"mtime {stat.st_mtime_ns}\n".encode())
        else:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def input_files(folder: Path) -> Iterator[Path]:
    """The build inputs of an image folder, sorted (plugin files excluded)."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in NOT_INPUTS):
            continue
        if path.is_file():
            yield path
