"""Run records and earlier builds anyone may have damaged: one line, and no folder erased.

Real sessions on the demo root image, with an apt inventory so that builds can be compared.
An unreadable record in the output folder stops the session before any container starts and
leaves the folder as it was; a damaged earlier build (`--compare-to`) is a note on its image,
and the session writes its outputs all the same.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from inspections.publishing.update_wiki_command import update_wiki_main
from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import ROOT_IMAGE, Observed, clean_environment, run, write_root_stack

pytestmark = pytest.mark.docker

Record = Callable[[str, object], None]
INVENTORY = """
    from inspections.library import apt, system

    os_tag = system.os_tag
    apt_packages_manifest = apt.apt_packages_manifest
    apt_inventory = apt.apt_inventory
"""
EPOCH = 1764000000  # every session's build timestamp, unless a test says otherwise
NOTE = f"{ROOT_IMAGE}: no change report: "


def session(root: Path, *args: str, epoch: int = EPOCH) -> Observed:
    environment = clean_environment(SOURCE_DATE_EPOCH=str(epoch))
    return run(root, "--stack", "stack", *args, environment=environment)


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """The stack under tmp_path, with the output folder `earlier` of a passed session."""
    write_root_stack(tmp_path, INVENTORY)
    observed = session(tmp_path, "--emit-manifests", "earlier")
    assert observed.returncode == 0, observed.stdout[-3000:]
    return tmp_path / "earlier"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below `folder`: a file's sha256, or `folder`."""
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
        for path in sorted(folder.rglob("*"))
    }


Edit = Callable[[dict[str, Any]], None]


def edit_entry(folder: Path, edit: Edit) -> None:
    path = folder / "inspections.json"
    document = json.loads(path.read_text())
    for entry in document["images"]:
        edit(entry)
    path.write_text(json.dumps(document))


def _truncate(folder: Path) -> None:
    path = folder / "inspections.json"
    path.write_bytes(path.read_bytes()[:500])


def _nest(folder: Path) -> None:
    (folder / "inspections.json").write_text("[" * 100_000)


def _timestamp(value: str) -> Edit:
    """An edit that gives the entry's build the timestamp `value`."""

    def edit(entry: dict[str, Any]) -> None:
        entry["build"]["timestamp"] = value

    return edit


def _garbage_timestamp(folder: Path) -> None:
    edit_entry(folder, _timestamp("x"))


def _endless_wall_time(entry: dict[str, Any]) -> None:
    entry["timing"]["wall_seconds"] = 10**400


def _huge_wall_time(folder: Path) -> None:
    edit_entry(folder, _endless_wall_time)


def _entry_twice(folder: Path) -> None:
    path = folder / "inspections.json"
    document = json.loads(path.read_text())
    document["images"] *= 2
    path.write_text(json.dumps(document))


def _inflate(folder: Path) -> None:
    with (folder / "inspections.json").open("r+b") as stream:
        stream.truncate(300_000_000)  # sparse: neither disk space nor, unread, memory


def _folder(folder: Path) -> None:
    (folder / "inspections.json").unlink()
    (folder / "inspections.json").mkdir()


UNREADABLE = {
    "truncated record": (_truncate, "is not a valid run record (Unterminated string"),
    "record nested 100 000 deep": (_nest, "nest deeper than 64 levels"),
    "record entry with a bad timestamp": (_garbage_timestamp, "field build.timestamp is 'x'"),
    "record entry with a wall time of 400 digits": (
        _huge_wall_time,
        "field timing.wall_seconds is 100000000000",
    ),
    "record of 300 MB": (_inflate, "holds more than 100 MB"),
    "record listing the image twice": (
        _entry_twice,
        f"entry 2 ({ROOT_IMAGE}): repeats the image and variant of entry 1",
    ),
    "record that is a folder": (_folder, "inspections.json is not a file"),
}


@pytest.mark.parametrize("scenario", UNREADABLE)
def test_an_unreadable_record_in_the_output_folder_stops_the_session_and_removes_nothing(
    earlier: Path, record_property: Record, scenario: str
) -> None:
    damage, says = UNREADABLE[scenario]
    damage(earlier)
    (earlier / ".staging-killed").mkdir()
    before = snapshot(earlier)
    observed = session(earlier.parent, "--emit-manifests", "earlier")
    lines = observed.error_lines()
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {lines[:1]}")
    assert observed.returncode == pytest.ExitCode.USAGE_ERROR
    assert len(lines) == 1, observed.stderr
    assert lines[0].startswith(f"ERROR: --emit-manifests {earlier}: {earlier / 'inspections.json'}")
    assert says in lines[0]
    assert lines[0].endswith(
        ": move inspections.json out of the folder, or pass another folder (nothing in it was "
        "changed)"
    )
    assert "collected" not in observed.stdout and "Traceback" not in observed.stderr
    assert snapshot(earlier) == before


def test_a_deeply_nested_record_to_compare_to_is_one_line_before_any_container(
    earlier: Path, record_property: Record
) -> None:
    _nest(earlier)
    observed = session(earlier.parent, "--emit-manifests", "out", "--compare-to", "earlier")
    lines = observed.error_lines()
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {lines[:1]}")
    assert observed.returncode == pytest.ExitCode.USAGE_ERROR
    assert lines == [
        f"ERROR: --compare-to {earlier}: {earlier / 'inspections.json'} is not a valid run "
        "record (its arrays and objects nest deeper than 64 levels): pass an earlier run "
        "folder whose inspections.json is intact, or the wiki's checkout"
    ]
    assert "collected" not in observed.stdout
    assert observed.files == ()


def _not_an_object(entry: dict[str, Any]) -> None:
    entry["build"] = "x"


def _negative_size(entry: dict[str, Any]) -> None:
    entry["size_bytes"] = -5


BAD_EARLIER: dict[str, tuple[Edit, str]] = {
    "earlier build timestamp 'garbage'": (
        _timestamp("garbage"),
        "field build.timestamp is 'garbage', not a time like 2026-11-27T12:00:00+00:00",
    ),
    "earlier build = 'x'": (_not_an_object, "field build is str, not an object"),
    "earlier size_bytes = -5": (_negative_size, "field size_bytes is -5, not a whole number"),
    "earlier wall_seconds of 400 digits": (
        _endless_wall_time,
        "field timing.wall_seconds is 100000000000",
    ),
    "earlier build timestamp past 9999 in UTC": (
        _timestamp("9999-12-31T23:59:59-23:59"),
        "field build.timestamp is '9999-12-31T23:59:59-23:59', outside the years 1970 to 9999",
    ),
}


def assert_outputs_written_and_noted(observed: Observed, note: str) -> None:
    """The session passed, wrote its image's files without a change report, and said why."""
    assert observed.returncode == 0, observed.stdout[-3000:]
    assert "Traceback" not in observed.stdout + observed.stderr
    assert any(name.startswith("tags/") for name in observed.files)
    assert any(name.startswith("sbom/") for name in observed.files)
    assert not any(name.startswith("changes/") for name in observed.files)
    assert note in observed.stdout.splitlines(), observed.stdout[-3000:]
    (row,) = [line for line in observed.stdout.splitlines() if line.startswith(ROOT_IMAGE)][:1]
    assert "not compared" in row


@pytest.mark.parametrize("scenario", BAD_EARLIER)
def test_a_bad_earlier_build_is_a_note_and_the_outputs_are_written(
    earlier: Path, record_property: Record, scenario: str
) -> None:
    edit, says = BAD_EARLIER[scenario]
    edit_entry(earlier, edit)
    observed = session(earlier.parent, "--emit-manifests", "out", "--compare-to", "earlier")
    note = next((line for line in observed.stdout.splitlines() if line.startswith(NOTE)), "")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {note}")
    assert note.startswith(f"{NOTE}{earlier / 'inspections.json'}, entry 1 ({ROOT_IMAGE}): ")
    assert says in note and "%" not in note
    assert_outputs_written_and_noted(observed, note)


def test_a_binary_manifest_in_the_wiki_is_a_note_naming_the_page(
    earlier: Path, record_property: Record
) -> None:
    root = earlier.parent
    wiki = root / "wiki"
    assert update_wiki_main(["--wiki", str(wiki), "--checkout", str(root), str(earlier)]) == 0
    (page,) = wiki.glob(f"manifests/*/*/*{ROOT_IMAGE}*.md")
    page.write_bytes(page.read_bytes()[:100] + b"\xff\xfe\x00\x01" + page.read_bytes()[100:])
    observed = session(
        root, "--emit-manifests", "out", "--compare-to", "wiki", epoch=EPOCH + 86_400
    )
    note = f"{NOTE}{page} is not UTF-8 text (byte 100): the page is damaged; restore it from "
    note += "the wiki's history, or compare with a run folder"
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {note}")
    assert_outputs_written_and_noted(observed, note)


@pytest.fixture
def other_owner() -> Iterator[str]:
    """An owner under which the demo root image is tagged too, for the test's length."""
    owner = f"records-{uuid.uuid4().hex[:8]}"
    reference = f"localhost/{owner}/{ROOT_IMAGE}:latest"
    subprocess.run(["docker", "tag", f"localhost/demo/{ROOT_IMAGE}:latest", reference], check=True)
    yield owner
    subprocess.run(["docker", "rmi", reference], check=True, capture_output=True)


def test_an_earlier_build_of_another_owner_is_a_note_not_a_comparison(
    earlier: Path, other_owner: str, record_property: Record
) -> None:
    observed = session(
        earlier.parent, "--owner", other_owner, "--emit-manifests", "out", "--compare-to", "earlier"
    )
    note = (
        f"{NOTE}the build in {earlier} is of localhost/demo/{ROOT_IMAGE}, this one of "
        f"localhost/{other_owner}/{ROOT_IMAGE}: the registry or owner differs, so they are not "
        "compared; compare with a build of the same --registry and --owner"
    )
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {note}")
    assert_outputs_written_and_noted(observed, note)


def test_a_staging_folder_left_by_a_killed_write_is_named_when_removed(
    earlier: Path, record_property: Record
) -> None:
    (earlier / ".staging-killed/tags").mkdir(parents=True)
    (earlier / ".staging-killed/tags/x.txt").write_text("partial")
    observed = session(earlier.parent, "--emit-manifests", "earlier")
    warning = next((line for line in observed.stdout.splitlines() if "interrupted" in line), "")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {warning.strip()}")
    assert observed.returncode == 0, observed.stdout[-3000:]
    assert warning.strip().endswith(
        f"removed from {earlier} what an interrupted run left, which its run record does not "
        "back: .staging-killed/"
    )
    assert not (earlier / ".staging-killed").exists()
