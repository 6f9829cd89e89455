"""The run record, `inspections.json`: the commit point of an output folder.

It lists, per image build (image, variant, platform), the inspected image id, the outcome,
the tags and every file written for it with the file's sha256; and the files written for the
folder as a whole (the stack diagram, drawn from all its entries). It is written last and
atomically, and a run first withdraws the entries it is about to replace, so at every moment
each entry with the outcome `passed` describes files that are complete and current. Files
the record does not back are leftovers of an interrupted run: readers ignore them and the
next run removes them.

Readers (the publishing commands, the wiki tool) trust a file only through `verified_file`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspections.errors import StackInspectionError
from inspections.files import UnsafePathError, is_safe_relative, read_contained

RECORD_FILE = "inspections.json"
RECORD_FORMAT = "stack-inspections run record"
RECORD_VERSION = 1
# The folders whose files the record accounts for; nothing else in an output folder is touched.
# `diagrams/` holds the folder's own files (`diagrams/stack.md`), listed outside any entry.
MANAGED_FOLDERS = ("tags", "manifests", "hist_lines", "sbom", "changes", "diagrams")
PASSED = "passed"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_RERUN = "run pytest --emit-manifests into it again"


class RecordError(StackInspectionError):
    """An output folder's record is missing, invalid, or does not back a file."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class RecordedImage:
    """One entry of the record: the build of one image, variant and platform."""

    image: str
    variant: str
    platform: str
    outcome: str
    image_id: str
    reference: str
    tags: tuple[str, ...]
    references: tuple[str, ...]
    files: dict[str, str]  # relative path -> sha256
    entry: dict[str, Any]  # everything the record says about it

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def label(self) -> str:
        return f"{self.image} ({self.platform}, {self.variant})"


@dataclass(frozen=True)
class RunRecord:
    """The record of an output folder."""

    folder: Path
    images: tuple[RecordedImage, ...]
    files: dict[str, str]  # the folder's own files: relative path -> sha256

    def owner_of(self, relative: str) -> RecordedImage | None:
        """The image whose entry lists the file `relative` (a path inside the folder)."""
        return next((image for image in self.images if relative in image.files), None)


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{key} is not text")
    return value


def _texts(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValueError(f"{key} is not a list of text")
    return tuple(values)


def _files(entry: dict[str, Any]) -> dict[str, str]:
    """The files an entry (or the record itself) lists, checked: relative path -> sha256."""
    files = entry.get("files", {})
    if not isinstance(files, dict):
        raise ValueError("files is not an object")
    for relative, digest in files.items():
        managed = relative.split("/", 1)[0] in MANAGED_FOLDERS
        if not (is_safe_relative(relative) and managed and isinstance(digest, str)):
            raise ValueError("a listed file is outside the output folders")
        if not _SHA256.fullmatch(digest):
            raise ValueError("a listed file has no sha256")
    return dict(files)


def recorded_image(entry: Any) -> RecordedImage:
    """One entry, checked; ValueError saying what is wrong."""
    if not isinstance(entry, dict):
        raise ValueError("an entry is not an object")
    return RecordedImage(
        image=_text(entry, "image"),
        variant=_text(entry, "variant"),
        platform=_text(entry, "platform"),
        outcome=_text(entry, "outcome"),
        image_id=_text(entry, "image_id"),
        reference=_text(entry, "reference"),
        tags=_texts(entry, "tags"),
        references=_texts(entry, "references"),
        files=_files(entry),
        entry=entry,
    )


def parse_record(folder: Path, text: str) -> RunRecord:
    """The record in `text`; ValueError saying what is wrong."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("format") != RECORD_FORMAT:
        raise ValueError("not a run record of stack-inspections")
    if document.get("version") != RECORD_VERSION:
        raise ValueError(f"record version {document.get('version')!r}, expected {RECORD_VERSION}")
    entries = document.get("images")
    if not isinstance(entries, list):
        raise ValueError("images is not a list")
    return RunRecord(folder, tuple(recorded_image(entry) for entry in entries), _files(document))


def read_record(folder: Path) -> RunRecord:
    """The record of the output folder `folder`, or RecordError naming what is wrong."""
    path = folder / RECORD_FILE
    if not folder.is_dir():
        raise RecordError(
            f"{folder} is not a folder: pass the folder given to pytest --emit-manifests"
        )
    try:
        text = read_contained(folder, RECORD_FILE).decode("utf-8")
    except FileNotFoundError as error:
        raise RecordError(
            f"{path} not found: the folder holds no complete run; {_RERUN}"
        ) from error
    except UnsafePathError as error:
        raise RecordError(f"{error}: {_RERUN}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path} cannot be read ({error}): {_RERUN}") from error
    try:
        return parse_record(folder, text)
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise RecordError(f"{path} is not a valid run record ({error}): {_RERUN}") from error


def verified_file(record: RunRecord, image: RecordedImage, relative: str) -> bytes:
    """The bytes of `relative` after checking the record backs them; RecordError if not."""
    path = record.folder / relative
    if image.files.get(relative) is None:
        raise RecordError(f"{path} is not listed in {RECORD_FILE}: {_RERUN}")
    if not image.passed:
        raise RecordError(
            f"{path} belongs to {image.label}, whose outcome is {image.outcome}: fix the "
            f"image and {_RERUN}"
        )
    try:
        data = read_contained(record.folder, relative)
    except UnsafePathError as error:
        raise RecordError(str(error)) from error
    except OSError as error:
        raise RecordError(f"{path} cannot be read ({error.strerror}): {_RERUN}") from error
    if sha256_of(data) != image.files[relative]:
        raise RecordError(
            f"{path} does not match the checksum in {RECORD_FILE} (changed after the run, or "
            f"left by an interrupted one): {_RERUN}"
        )
    return data


def record_document(entries: list[dict[str, Any]], files: dict[str, str] | None = None) -> str:
    """The text of a record holding `entries` and the folder's own `files` (path -> sha256):
    JSON with one line per entry.

    One line per entry keeps the record readable with `grep` and quick to write (Python's
    JSON encoder is several times slower when it indents).
    """
    head_fields: dict[str, Any] = {"format": RECORD_FORMAT, "version": RECORD_VERSION}
    if files:
        head_fields["files"] = dict(sorted(files.items()))
    head = json.dumps(head_fields)[:-1]
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries)
    return f'{head}, "images": [\n{lines}\n]}}\n' if entries else f'{head}, "images": []}}\n'
