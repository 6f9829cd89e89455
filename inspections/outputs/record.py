"""The run record, `inspections.json`: the commit point of an output folder.

It lists, per image build (image, variant, platform), the inspected image id, the outcome,
the tags and every file written for it with the file's sha256; and the files written for the
folder as a whole (the stack diagram, drawn from all its entries). It is written last and
atomically, and a run first withdraws the entries it is about to replace, so at every moment
each entry with the outcome `passed` describes files that are complete and current. Files
the record does not back are leftovers of an interrupted run: readers ignore them and the
next run removes them.

Every reader goes through `read_record` (or `entry_of`, for one image's entry): the record
is read only when it is a plain file of at most MAX_RECORD_BYTES, parsed with its nesting
bounded, and each entry read by `record_entry.RecordEntry.from_json`. Readers (the publishing
commands, the wiki tool) trust a file only through `verified_file`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from inspections.bounded_json import parse_json
from inspections.errors import StackInspectionError
from inspections.files import read_contained
from inspections.formats.run_folder import RECORD_FILE
from inspections.outputs.record_entry import RecordEntry, RecordError, entry_identity, folder_files
from inspections.references import IMAGE_NAME

RECORD_FORMAT = "stack-inspections run record"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 100_000_000  # a whole stack's record with every package is a few MB
RERUN = "run pytest --emit-manifests into it again"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class RunRecord:
    """The record of an output folder."""

    folder: Path
    images: tuple[RecordEntry, ...]
    files: Mapping[str, str]  # the folder's own files: relative path -> sha256

    def owner_of(self, relative: str) -> RecordEntry | None:
        """The image whose entry lists the file `relative` (a path inside the folder)."""
        return next((image for image in self.images if relative in image.files), None)


def _unread_document(folder: Path, fix: str) -> tuple[list[object], dict[str, str]]:
    """The entries of the folder's record, not read yet, and the folder's own files, checked;
    RecordError when there is no record, or it is not one: a link, not a file, over
    MAX_RECORD_BYTES, not JSON, nested too deep."""
    path = folder / RECORD_FILE
    if not folder.is_dir():
        raise RecordError(
            f"{folder} is not a folder", "pass the folder given to pytest --emit-manifests"
        )
    try:
        data = read_contained(folder, RECORD_FILE, max_bytes=MAX_RECORD_BYTES)
    except FileNotFoundError as error:
        raise RecordError(
            f"{path} not found", f"the folder holds no complete run; {fix}"
        ) from error
    except StackInspectionError as error:
        raise RecordError(str(error), fix) from error
    except OSError as error:
        raise RecordError(f"{path} cannot be read ({error.strerror})", fix) from error
    try:
        document = parse_json(data)
    except ValueError as error:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise RecordError(f"{path} is not a valid run record ({error})", fix) from error
    if not isinstance(document, dict) or document.get("format") != RECORD_FORMAT:
        raise RecordError(f"{path} is not a run record of stack-inspections", fix)
    version = document.get("version")
    if isinstance(version, bool) or version != RECORD_VERSION:  # True == 1 in Python
        raise RecordError(
            f"{path} is a run record of version {version!r}, this version of "
            f"stack-inspections reads version {RECORD_VERSION}",
            fix,
        )
    entries = document.get("images")
    if not isinstance(entries, list):
        raise RecordError(f"{path} is not a valid run record (images is not a list)", fix)
    _check_each_once(folder, entries, fix)
    return entries, folder_files(document.get("files", {}), str(path), fix)


def _check_each_once(folder: Path, entries: list[object], fix: str) -> None:
    """RecordError when two entries are of the same image and variant.

    A session replaces an image's entry (`RecordEntry.key`), so the record it writes has one
    per image and variant; with two, readers looking for one image would each pick one.
    """
    first: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            continue  # refused when the entry is read
        image, variant = entry.get("image"), entry.get("variant")
        if not (isinstance(image, str) and isinstance(variant, str)):
            continue
        key = (image, variant)
        if key in first:
            raise RecordError(
                f"{_where(folder, number, entry)}: repeats the image and variant of entry "
                f"{first[key]}",
                fix,
            )
        first[key] = number


def _where(folder: Path, number: int, entry: object) -> str:
    """`<record>, entry <number> (<image>)`, for errors about one entry."""
    image = entry.get("image") if isinstance(entry, Mapping) else None
    named = f" ({image})" if isinstance(image, str) and IMAGE_NAME.fullmatch(image) else ""
    return f"{folder / RECORD_FILE}, entry {number}{named}"


def check_record_document(folder: Path, fix: str = RERUN) -> None:
    """RecordError unless the folder holds a run record (its entries are not read)."""
    _unread_document(folder, fix)


def read_record(folder: Path, fix: str = RERUN) -> RunRecord:
    """The record of the output folder `folder`, every entry checked, or a one-line
    RecordError naming what is wrong, followed by `fix`."""
    entries, files = _unread_document(folder, fix)
    return RunRecord(
        folder,
        tuple(
            RecordEntry.from_json(entry, _where(folder, number, entry), fix)
            for number, entry in enumerate(entries, start=1)
        ),
        files,
    )


def entry_of(folder: Path, identity: tuple[str, str, str], fix: str = RERUN) -> RecordEntry | None:
    """The first entry of the folder's record for `identity` (image, platform, variant), or
    None; only that entry is read, so a damaged entry of another image does not matter."""
    for number, entry in enumerate(_unread_document(folder, fix)[0], start=1):
        if entry_identity(entry) == identity:
            return RecordEntry.from_json(entry, _where(folder, number, entry), fix)
    return None


def verified_file(record: RunRecord, image: RecordEntry, relative: str) -> bytes:
    """The bytes of `relative` after checking the record backs them; RecordError if not."""
    path = record.folder / relative
    if image.files.get(relative) is None:
        raise RecordError(f"{path} is not listed in {RECORD_FILE}", RERUN)
    if not image.passed:
        raise RecordError(
            f"{path} belongs to {image.label}, whose outcome is {image.outcome}",
            f"fix the image and {RERUN}",
        )
    try:
        data = read_contained(record.folder, relative)
    except StackInspectionError as error:
        raise RecordError(str(error)) from error
    except OSError as error:
        raise RecordError(f"{path} cannot be read ({error.strerror})", RERUN) from error
    if sha256_of(data) != image.files[relative]:
        raise RecordError(
            f"{path} does not match the checksum in {RECORD_FILE} (changed after the run, or "
            "left by an interrupted one)",
            RERUN,
        )
    return data


def record_document(entries: Sequence[RecordEntry], files: Mapping[str, str] | None = None) -> str:
    """The text of a record holding `entries` and the folder's own `files` (path -> sha256):
    JSON with one line per entry.

    One line per entry keeps the record readable with `grep` and quick to write (Python's
    JSON encoder is several times slower when it indents).
    """
    head_fields: dict[str, object] = {"format": RECORD_FORMAT, "version": RECORD_VERSION}
    if files:
        head_fields["files"] = dict(sorted(files.items()))
    head = json.dumps(head_fields)[:-1]
    lines = ",\n".join(json.dumps(entry.to_json(), ensure_ascii=False) for entry in entries)
    return f'{head}, "images": [\n{lines}\n]}}\n' if entries else f'{head}, "images": []}}\n'
