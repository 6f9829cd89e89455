"""Reading a run record and trusting a file only through it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspections.outputs.record import (
    RecordError,
    check_record_document,
    entry_of,
    read_record,
    record_document,
    sha256_of,
    verified_file,
)
from tests.record_entries import image_id_of, sample_entry

TAGS = "tags/x86_64-default-base.txt"
CONTENT = b"quay.io/jupyter/base:x86_64-latest"


def write_record(folder: Path, outcome: str = "passed") -> None:
    """A folder with one image's tags file and a record listing it (if it passed)."""
    (folder / "tags").mkdir(parents=True, exist_ok=True)
    (folder / TAGS).write_bytes(CONTENT)
    files = {TAGS: sha256_of(CONTENT)} if outcome == "passed" else {}
    (folder / "inspections.json").write_text(
        record_document([sample_entry("base", outcome, files)])
    )


def write_entry(folder: Path, fields: dict[str, Any]) -> None:
    """A record of one entry whose JSON fields are replaced by `fields` (`build.timestamp`
    replaces a nested one)."""
    entry = sample_entry("base").to_json()
    for name, value in fields.items():
        *outer, key = name.split(".")
        target = entry
        for part in outer:
            target = target[part]
        target[key] = value
    document = {"format": "stack-inspections run record", "version": 1, "images": [entry]}
    (folder / "inspections.json").write_text(json.dumps(document))


def test_a_file_listed_for_a_passed_image_verifies(tmp_path: Path) -> None:
    write_record(tmp_path)
    record = read_record(tmp_path)

    (image,) = record.images
    assert record.owner_of(TAGS) is image
    assert image.image_id == image_id_of("base")
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

    with pytest.raises(RecordError, match=r"is not listed in inspections\.json"):
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
        ("[" * 100_000, "nest deeper than 64 levels"),
        (b"\xff\xfe{}", "is not a valid run record ('utf-8' codec can't decode"),
        (
            json.dumps(
                {
                    "format": "stack-inspections run record",
                    "version": 1,
                    "files": {"../stack.md": "0" * 64},
                    "images": [],
                }
            ),
            "is no file directly in one of the output folders",
        ),
        (
            json.dumps({"format": "stack-inspections run record", "version": True, "images": []}),
            "a run record of version True",
        ),
        (
            '{"format": "stack-inspections run record", "version": 1, "images": [], "images": []}',
            "is not a valid run record (an object has the key 'images' twice)",
        ),
        (
            record_document([sample_entry("base")]).replace('"parent": ""', '"size_bytes": 1'),
            "is not a valid run record (an object has the key 'size_bytes' twice)",
        ),
    ],
    ids=[
        "json",
        "format",
        "version",
        "deep",
        "not utf-8",
        "folder's own file",
        "version true",
        "a key twice",
        "an entry's key twice",
    ],
)
def test_an_invalid_record_is_one_line_naming_it(
    tmp_path: Path, text: str | bytes, says: str
) -> None:
    path = tmp_path / "inspections.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())

    with pytest.raises(RecordError) as raised:
        read_record(tmp_path)

    message = str(raised.value)
    assert "\n" not in message and says in message
    assert message.startswith(str(tmp_path / "inspections.json"))
    assert message.endswith(": run pytest --emit-manifests into it again")


SIX = {"ecosystem": "pypi", "name": "six", "version": "1.17.0"}
BAD_FIELDS = [
    (
        {"files": {"../../etc/passwd": "0" * 64}},
        "field files['../../etc/passwd'] is no file directly in one of the output folders",
    ),
    ({"files": {TAGS: "not a digest"}}, f"field files['{TAGS}'] is 'not a digest', not a sha256"),
    ({"image": 3}, "field image is int, not text"),
    ({"image": "Base"}, "field image is 'Base', not a lowercase name"),
    ({"build": "x"}, "field build is str, not an object"),
    ({"build.timestamp": "garbage"}, "field build.timestamp is 'garbage', not a time"),
    ({"build.timestamp": "2026-11-27"}, "field build.timestamp is '2026-11-27', not a time"),
    ({"size_bytes": -5}, "field size_bytes is -5, not a whole number of 0 or more"),
    ({"size_bytes": True}, "field size_bytes is True, not a whole number"),
    ({"image_id": "sha256:0a1b"}, "field image_id is 'sha256:0a1b', not an image id"),
    ({"outcome": "won"}, "field outcome is 'won', not one of passed, failed, incomplete"),
    ({"reasons": ["no"]}, "field outcome is passed, but the entry lists reasons"),
    ({"tags": ["x86_64 latest"]}, "field tags lists 'x86_64 latest', not a Docker tag"),
    ({"timing.wall_seconds": float("nan")}, "field timing.wall_seconds is nan, not a number"),
    ({"timing.wall_seconds": 10**400}, "field timing.wall_seconds is 1000000"),
    ({"timing.limit_seconds": 1e300}, "field timing.limit_seconds is 1e+300, not a number of"),
    ({"size_bytes": 10**400}, "field size_bytes is 1000000"),
    ({"tests.passed": 2**63}, "field tests.passed is 9223372036854775808, more than"),
    ({"build.timestamp": "9999-12-31T23:59:59-23:59"}, "outside the years 1970 to 9999 in UTC"),
    ({"build.timestamp": "0001-01-01T00:00:00+01:00"}, "is '0001-01-01T00:00:00+01:00', outside"),
    ({"build.timestamp": "1970-01-01T00:30:00+01:00"}, "is '1970-01-01T00:30:00+01:00', outside"),
    ({"timing.commands": [{"command": "ls"}]}, "field timing.commands[0].seconds is missing"),
    ({"inventory": {"packages": [{"name": "x"}]}}, "field inventory is invalid: inventory pack"),
    ({"changes": {"image": "base"}}, "field changes is invalid: a change report without"),
    (
        {"inventory": {"packages": [{**SIX, "purl": "pkg:pypi/numpy@1.17.0"}]}},
        "field inventory is invalid: inventory package 0: invalid package 'six': purl "
        "'pkg:pypi/numpy@1.17.0' is of 'numpy' version '1.17.0', not 'six' version '1.17.0'",
    ),
    ({"surprise": 1}, "field surprise is unknown to this version"),
    ({"tests.flaky": 2}, "field tests.flaky is unknown to this version"),
]


@pytest.mark.parametrize(("fields", "says"), BAD_FIELDS, ids=[says for _, says in BAD_FIELDS])
def test_an_invalid_entry_is_one_line_naming_the_file_the_entry_and_the_field(
    tmp_path: Path, fields: dict[str, Any], says: str
) -> None:
    write_entry(tmp_path, fields)

    with pytest.raises(RecordError) as raised:
        read_record(tmp_path)

    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'inspections.json'}, entry 1")
    assert says in message, message


def test_a_record_of_an_earlier_version_still_reads(tmp_path: Path) -> None:
    """Before inventories, change reports and piece titles, entries kept each piece's text."""
    old = sample_entry("base").to_json()
    del old["inventory"], old["changes"]
    old["manifest_pieces"] = [{"title": "Apt Packages", "markdown": "`apt list`:\n..."}]
    document = {"format": "stack-inspections run record", "version": 1, "images": [old]}
    (tmp_path / "inspections.json").write_text(json.dumps(document))

    (image,) = read_record(tmp_path).images

    assert image.manifest_pieces == ("Apt Packages",)
    assert image.inventory is None and image.changes is None


def test_an_entry_of_an_image_never_found_reads(tmp_path: Path) -> None:
    """An image missing from the engine has no platform, id, reference or size."""
    never_found = sample_entry(
        "base", "incomplete", platform="", image_id="", reference="", size_bytes=None
    )
    (tmp_path / "inspections.json").write_text(record_document([never_found]))

    assert read_record(tmp_path).images == (never_found,)


def test_an_entry_reads_back_to_the_same_bytes(tmp_path: Path) -> None:
    write_record(tmp_path)
    text = (tmp_path / "inspections.json").read_text()

    assert record_document(read_record(tmp_path).images) == text


def test_a_record_larger_than_100_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with (tmp_path / "inspections.json").open("wb") as stream:
        stream.truncate(100_000_001)  # sparse: no disk space, no memory

    with pytest.raises(RecordError, match="holds more than 100 MB"):
        read_record(tmp_path)


def test_a_folder_in_place_of_the_record_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "inspections.json").mkdir()

    with pytest.raises(RecordError) as raised:
        read_record(tmp_path)

    assert str(raised.value) == (
        f"{tmp_path / 'inspections.json'} is not a file: run pytest --emit-manifests into it again"
    )


def test_a_folder_without_a_record_holds_no_complete_run(tmp_path: Path) -> None:
    (tmp_path / "tags").mkdir()
    (tmp_path / TAGS).write_bytes(CONTENT)

    with pytest.raises(RecordError, match="holds no complete run"):
        read_record(tmp_path)


@pytest.mark.parametrize(
    "read",
    [
        read_record,
        check_record_document,
        lambda folder: entry_of(folder, ("base", "x86_64", "default")),
    ],
    ids=["read_record", "check_record_document", "entry_of"],
)
def test_an_image_recorded_twice_is_refused_by_every_reader(
    tmp_path: Path, read: Callable[[Path], object]
) -> None:
    entries = [sample_entry("base"), sample_entry("other"), sample_entry("base", "failed")]
    (tmp_path / "inspections.json").write_text(record_document(entries))

    with pytest.raises(RecordError) as raised:
        read(tmp_path)

    assert str(raised.value) == (
        f"{tmp_path / 'inspections.json'}, entry 3 (base): repeats the image and variant of "
        "entry 1: run pytest --emit-manifests into it again"
    )


def test_the_same_image_in_two_variants_is_two_entries(tmp_path: Path) -> None:
    entries = [sample_entry("base"), sample_entry("base", variant="cuda12")]
    (tmp_path / "inspections.json").write_text(record_document(entries))

    assert read_record(tmp_path).images == tuple(entries)


@pytest.mark.parametrize(
    "relative",
    ["tags/", "tags", "sbom/.", "manifests/..", "tags//x.txt", "tags/./x.txt", "tags/sub/x.txt"],
)
def test_a_file_not_directly_in_an_output_folder_is_refused(tmp_path: Path, relative: str) -> None:
    """The plugin writes `<folder>/<name>`: a record naming a folder, or a path spelt another
    way, is no record of it (the session would later find a folder where a file should be)."""
    document = json.dumps(
        {
            "format": "stack-inspections run record",
            "version": 1,
            "files": {relative: "0" * 64},
            "images": [],
        }
    )
    (tmp_path / "inspections.json").write_text(document)
    with pytest.raises(RecordError, match="is no file directly in one of the output folders"):
        read_record(tmp_path)
