"""Run records anyone may have damaged: one line, and no folder erased.

Real sessions on the demo root image, with an apt inventory. An unreadable record in the
output folder stops the session before any container starts and leaves the folder as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import Observed, clean_environment, run, write_stack

pytestmark = pytest.mark.docker

Record = Callable[[str, object], None]
INVENTORY = """
    from inspections.library import apt, system

    os_tag = system.os_tag
    apt_packages_manifest = apt.apt_packages_manifest
    apt_inventory = apt.apt_inventory
"""
EPOCH = 1764000000  # every session's build timestamp, unless a test says otherwise


def session(root: Path, *args: str, epoch: int = EPOCH) -> Observed:
    environment = clean_environment(SOURCE_DATE_EPOCH=str(epoch))
    return run(root, "--stack", "stack", *args, environment=environment)


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """The stack under tmp_path, with the output folder `earlier` of a passed session."""
    write_stack(tmp_path, INVENTORY)
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
    "record of 300 MB": (_inflate, "holds more than 100 MB"),
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
