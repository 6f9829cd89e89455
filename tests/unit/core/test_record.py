"""Reading a run record and trusting a file only through it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from inspections.record import (
    RecordError,
    read_record,
    record_document,
    sha256_of,
    verified_file,
)

TAGS = "tags/x86_64-default-base.txt"
CONTENT = b"quay.io/jupyter/base:x86_64-latest"


def write_record(folder: Path, outcome: str = "passed", **changes: Any) -> None:
    """A folder with one image's tags file and a record listing it."""
    (folder / "tags").mkdir(parents=True, exist_ok=True)
    (folder / TAGS).write_bytes(CONTENT)
    entry = {
        "image": "base",
        "variant": "default",
        "platform": "x86_64",
        "outcome": outcome,
        "image_id": "sha256:0a1b",
        "reference": "quay.io/jupyter/base:latest",
        "tags": ["x86_64-latest"],
        "references": [CONTENT.decode()],
        "files": {TAGS: sha256_of(CONTENT)},
        **changes,
    }
    (folder / "inspections.json").write_text(record_document([entry]))


def test_a_file_listed_for_a_passed_image_verifies(tmp_path: Path) -> None:
    write_record(tmp_path)
    record = read_record(tmp_path)

    (image,) = record.images
    assert record.owner_of(TAGS) is image
    assert image.image_id == "sha256:0a1b"
    assert verified_file(record, image, TAGS) == CONTENT


def test_a_changed_file_does_not_verify(tmp_path: Path) -> None:
    write_record(tmp_path)
    (tmp_path / TAGS).write_bytes(b"quay.io/jupyter/base:x86_64-python-2.7")
    record = read_record(tmp_path)

    with pytest.raises(RecordError, match="does not match the checksum") as raised:
        verified_file(record, record.images[0], TAGS)

    assert "python-2.7" not in str(raised.value)


def test_a_file_of_an_image_that_did_not_pass_does_not_verify(tmp_path: Path) -> None:
    write_record(tmp_path, outcome="failed")
    record = read_record(tmp_path)

    with pytest.raises(RecordError, match="whose outcome is failed"):
        verified_file(record, record.images[0], TAGS)


def test_a_linked_file_does_not_verify(tmp_path: Path) -> None:
    write_record(tmp_path)
    secret = tmp_path / "secret"
    secret.write_bytes(CONTENT)
    (tmp_path / TAGS).unlink()
    os.symlink(secret, tmp_path / TAGS)
    record = read_record(tmp_path)

    with pytest.raises(RecordError, match="symbolic link"):
        verified_file(record, record.images[0], TAGS)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{broken", "is not a valid run record"),
        ('{"format": "something else"}', "not a run record of stack-inspections"),
        (
            json.dumps({"format": "stack-inspections run record", "version": 99, "images": []}),
            "version 99",
        ),
        (
            record_document([{"image": "x", "files": {"../../etc/passwd": "0" * 64}}]),
            "outside the output folders",
        ),
        (record_document([{"image": "x", "files": {TAGS: "not a digest"}}]), "no sha256"),
        (record_document([{"image": 3}]), "image is not text"),
        (record_document([], {"../stack.md": "0" * 64}), "outside the output folders"),
    ],
    ids=["json", "format", "version", "escaping path", "digest", "types", "folder's own file"],
)
def test_an_invalid_record_is_one_line_naming_it(tmp_path: Path, text: str, says: str) -> None:
    (tmp_path / "inspections.json").write_text(text)

    with pytest.raises(RecordError) as raised:
        read_record(tmp_path)

    message = str(raised.value)
    assert "\n" not in message and says in message
    assert message.startswith(str(tmp_path / "inspections.json"))


def test_a_folder_without_a_record_holds_no_complete_run(tmp_path: Path) -> None:
    (tmp_path / "tags").mkdir()
    (tmp_path / TAGS).write_bytes(CONTENT)

    with pytest.raises(RecordError, match="holds no complete run"):
        read_record(tmp_path)
