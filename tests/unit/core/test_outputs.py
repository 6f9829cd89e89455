"""Writing an output folder all or nothing: the run record as the commit point."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inspections.errors import StackInspectionError
from inspections.outputs.record import RecordError, read_record, sha256_of, verified_file
from inspections.outputs.record_entry import RecordEntry
from inspections.outputs.writer import (
    WriteInterrupted,
    clean_output_folder,
    commit_run,
    held_signals,
    locked_folder,
)
from inspections.staging import Staging
from tests.record_entries import sample_entry


def entry(
    image: str,
    outcome: str = "passed",
    variant: str = "default",
    files: dict[str, bytes] | None = None,
) -> RecordEntry:
    """A record entry listing `files` (name -> content) as written for `image`."""
    listed = {name: sha256_of(content) for name, content in (files or {}).items()}
    return sample_entry(image, outcome, listed, variant=variant)


def run_files(image: str, version: str) -> dict[str, bytes]:
    return {
        f"tags/x86_64-default-{image}.txt": f"quay.io/jupyter/{image}:x86_64-{version}".encode(),
        f"manifests/x86_64-default-{image}-abc.md": f"# {image} {version}\n".encode(),
    }


def commit(folder: Path, *images: tuple[str, str, dict[str, bytes]], **options: Any) -> None:
    """Commit a run deciding `images`: (name, outcome, files) each."""
    entries = [entry(name, outcome, files=files) for name, outcome, files in images]
    contents = {path: data for _, _, files in images for path, data in files.items()}
    commit_run(
        folder,
        {(name, "default") for name, _, _ in images},
        entries,
        contents,
        interrupted=options.get("interrupted", lambda: False),
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` and its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def recorded(folder: Path) -> dict[str, str]:
    return {image.image: image.outcome for image in read_record(folder).images}


def test_a_run_writes_its_files_and_a_record_that_backs_them(tmp_path: Path) -> None:
    files = run_files("base", "python-3.11")

    commit(tmp_path, ("base", "passed", files))

    record = read_record(tmp_path)
    (image,) = record.images
    assert image.files == {name: sha256_of(data) for name, data in files.items()}
    for name, data in files.items():
        assert verified_file(record, image, name) == data
    assert sorted(snapshot(tmp_path)) == sorted([*files, "inspections.json"])


def test_images_a_run_did_not_select_keep_their_files_and_entries(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    base_files = {k: v for k, v in snapshot(tmp_path).items() if "base" in k}

    commit(tmp_path, ("scipy", "passed", run_files("scipy", "two")))

    assert recorded(tmp_path) == {"base": "passed", "scipy": "passed"}
    assert {k: v for k, v in snapshot(tmp_path).items() if "base" in k} == base_files


def test_an_image_that_fails_loses_the_files_an_earlier_run_wrote(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "python-3.11.2")))

    commit(tmp_path, ("base", "failed", {}))

    assert recorded(tmp_path) == {"base": "failed"}
    assert sorted(snapshot(tmp_path)) == ["inspections.json"]


def test_a_new_build_replaces_the_old_files(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "old")))
    new = run_files("base", "new")

    commit(tmp_path, ("base", "passed", new))

    assert {k: v for k, v in snapshot(tmp_path).items() if k != "inspections.json"} == new


def test_another_variant_of_the_same_image_is_kept(tmp_path: Path) -> None:
    cuda = {"tags/x86_64-cuda12-base.txt": b"quay.io/jupyter/base:x86_64-cuda12-latest"}
    commit_run(
        tmp_path,
        {("base", "cuda12")},
        [entry("base", variant="cuda12", files=cuda)],
        cuda,
        lambda: False,
    )

    commit(tmp_path, ("base", "failed", {}))

    assert snapshot(tmp_path)["tags/x86_64-cuda12-base.txt"] == cuda["tags/x86_64-cuda12-base.txt"]
    assert sorted((i.variant, i.outcome) for i in read_record(tmp_path).images) == [
        ("cuda12", "passed"),
        ("default", "failed"),
    ]


def test_files_the_record_does_not_back_are_removed(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    (tmp_path / "tags" / "x86_64-default-stale.txt").write_text("quay.io/jupyter/stale:x")
    (tmp_path / "manifests" / ".x.md.1234.tmp").write_text("half")
    (tmp_path / "notes.txt").write_text("the user's own file, outside the output folders")

    removed = clean_output_folder(tmp_path)

    assert removed == ["manifests/.x.md.1234.tmp", "tags/x86_64-default-stale.txt"]
    assert "notes.txt" in snapshot(tmp_path)
    assert recorded(tmp_path) == {"base": "passed"}


def test_a_subfolder_in_an_output_folder_is_removed_and_named_its_links_never_followed(
    tmp_path: Path,
) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("outside the output folders")
    deeper = tmp_path / "sbom" / "deeper"
    deeper.mkdir(parents=True)
    (deeper / "v").symlink_to(victim)
    (deeper / "stale.json").write_text("{}")

    removed = clean_output_folder(tmp_path)

    assert removed == ["sbom/deeper/"]
    assert not deeper.exists()
    assert (victim / "keep.txt").read_text() == "outside the output folders"
    assert recorded(tmp_path) == {"base": "passed"}


def test_an_entry_whose_file_changed_is_dropped_with_its_files(tmp_path: Path) -> None:
    commit(
        tmp_path,
        ("base", "passed", run_files("base", "one")),
        ("scipy", "passed", run_files("scipy", "one")),
    )
    (tmp_path / "tags" / "x86_64-default-base.txt").write_text("quay.io/jupyter/base:x86_64-forged")

    clean_output_folder(tmp_path)

    assert recorded(tmp_path) == {"scipy": "passed"}
    assert not any("base" in name for name in snapshot(tmp_path))


def test_staging_left_by_a_killed_run_is_removed_and_named(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    staging = tmp_path / ".staging-killed"
    (staging / "tags").mkdir(parents=True)
    (staging / "tags" / "x.txt").write_text("partial")

    removed = clean_output_folder(tmp_path)

    assert removed == [".staging-killed/"]
    assert not staging.exists()
    assert recorded(tmp_path) == {"base": "passed"}


@pytest.mark.parametrize("failing_write", [1, 2, 3, 4])
def test_a_full_disk_while_staging_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_write: int
) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    before = snapshot(tmp_path)
    real_write = Staging.write
    writes: list[str] = []

    def write(staging: Staging, relative: str, data: bytes) -> None:
        writes.append(relative)
        if len(writes) == failing_write:
            raise OSError(28, "No space left on device")
        real_write(staging, relative, data)

    monkeypatch.setattr(Staging, "write", write)
    with pytest.raises(OSError, match="No space left"):
        commit(tmp_path, ("base", "passed", run_files("base", "two")))

    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".staging-*"))


def test_an_interruption_while_staging_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    before = snapshot(tmp_path)
    asked: list[bool] = []

    def interrupted() -> bool:
        asked.append(True)
        return len(asked) > 1  # Ctrl-C after the first file was staged

    with pytest.raises(WriteInterrupted):
        commit(tmp_path, ("base", "passed", run_files("base", "two")), interrupted=interrupted)

    assert snapshot(tmp_path) == before


class Killed(BaseException):
    """The process dying at a rename."""


class KillingRename:
    """`os.rename` that counts its calls and dies (raises Killed) at call `dies_at`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls, self.dies_at = 0, 0  # 0: never dies
        real_rename = os.rename

        def rename(source: Any, destination: Any, **descriptors: Any) -> None:
            self.calls += 1
            if self.calls == self.dies_at:
                raise Killed
            real_rename(source, destination, **descriptors)

        monkeypatch.setattr(os, "rename", rename)

    def dies_at_rename(self, number: int) -> None:
        self.calls, self.dies_at = 0, number


def test_a_killed_commit_never_leaves_a_passed_entry_with_wrong_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever rename the process dies at, every passed entry on disk verifies."""
    commit(
        tmp_path,
        ("base", "passed", run_files("base", "one")),
        ("scipy", "passed", run_files("scipy", "one")),
    )
    killing = KillingRename(monkeypatch)
    commit(tmp_path, ("base", "passed", run_files("base", "counted")))  # counts the renames
    assert killing.calls == 4  # the withdrawn record, two files, the final record
    for dies_at in range(1, 5):
        killing.dies_at_rename(dies_at)
        with pytest.raises(Killed):
            commit(tmp_path, ("base", "passed", run_files("base", f"died-at-{dies_at}")))
        record = read_record(tmp_path)
        for image in record.images:
            for name in image.files:
                verified_file(record, image, name)
        assert "scipy" in recorded(tmp_path)


def test_a_link_in_place_of_an_output_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "tags")

    with pytest.raises(StackInspectionError, match="is not a plain folder"):
        commit(out, ("base", "passed", run_files("base", "one")))
    with pytest.raises(StackInspectionError, match="is not a plain folder"):
        clean_output_folder(out)

    assert (elsewhere / "precious.txt").read_text() == "keep me"


def test_a_folder_swapped_for_a_link_is_refused_before_the_record_is_touched(
    tmp_path: Path,
) -> None:
    """Nothing is decided from files read through a link: the record stays as it was."""
    out = tmp_path / "out"
    out.mkdir()
    commit(out, ("base", "passed", run_files("base", "one")))
    elsewhere = tmp_path / "elsewhere"
    (out / "tags").rename(elsewhere)
    (elsewhere / "x86_64-default-base.txt").write_text("quay.io/jupyter/base:x86_64-forged")
    os.symlink(elsewhere, out / "tags")
    record = (out / "inspections.json").read_bytes()

    with pytest.raises(StackInspectionError, match="is not a plain folder"):
        clean_output_folder(out)

    assert (out / "inspections.json").read_bytes() == record
    assert recorded(out) == {"base": "passed"}


@pytest.mark.parametrize(
    "damaged",
    [
        b"{not json",
        b"[" * 100_000,
        b'{"format": "stack-inspections run record", "version": 1, "images": [{"image": "base"}]}',
    ],
    ids=["truncated", "deep", "bad entry"],
)
def test_an_unreadable_record_stops_the_clean_and_nothing_is_removed(
    tmp_path: Path, damaged: bytes
) -> None:
    """Its entries' files would all look unbacked: removing them would erase the folder."""
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    (tmp_path / "inspections.json").write_bytes(damaged)
    (tmp_path / ".staging-killed").mkdir()
    before = snapshot(tmp_path)

    with pytest.raises(RecordError) as raised:
        clean_output_folder(tmp_path)

    assert str(raised.value).startswith(f"{tmp_path / 'inspections.json'}")
    assert str(raised.value).endswith(
        ": move inspections.json out of the folder, or pass another folder"
    )
    assert snapshot(tmp_path) == before
    assert (tmp_path / ".staging-killed").is_dir()


def test_a_record_replaced_by_a_link_stops_the_clean(tmp_path: Path) -> None:
    commit(tmp_path, ("base", "passed", run_files("base", "one")))
    (tmp_path / "inspections.json").rename(tmp_path / "elsewhere.json")
    (tmp_path / "inspections.json").symlink_to(tmp_path / "elsewhere.json")
    before = snapshot(tmp_path)

    with pytest.raises(RecordError, match="is a symbolic link"):
        clean_output_folder(tmp_path)

    assert snapshot(tmp_path) == before


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    order: list[str] = []

    def second_writer() -> None:
        with locked_folder(tmp_path):
            order.append("second")

    with locked_folder(tmp_path):
        other = threading.Thread(target=second_writer)
        other.start()
        time.sleep(0.3)
        order.append("first done")
    other.join(10)

    assert order == ["first done", "second"]


def test_a_writer_kept_waiting_gives_up_with_one_line(tmp_path: Path) -> None:
    failures: list[str] = []

    def impatient_writer() -> None:
        try:
            with locked_folder(tmp_path, timeout=0.2):
                pass
        except StackInspectionError as error:
            failures.append(str(error))

    with locked_folder(tmp_path):
        other = threading.Thread(target=impatient_writer)
        other.start()
        other.join(10)

    assert failures == [
        f"{tmp_path} is being written by another session for over 0.2 s: wait for it to "
        "finish, or pass another folder"
    ]


@pytest.fixture
def restored_signals() -> Iterator[None]:
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)


@pytest.mark.usefixtures("restored_signals")
def test_held_signals_are_delivered_as_arrived_and_handlers_restored() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with held_signals() as arrived:
        assert not arrived()
        os.kill(os.getpid(), signal.SIGTERM)  # held: the process does not end
        assert arrived()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.usefixtures("restored_signals")
def test_an_ignored_signal_stays_ignored_while_writing() -> None:
    """A session started in the background ignores Ctrl-C; writing does not change that."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with held_signals() as arrived:
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)
        assert not arrived()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def drawn_from(entries: list[RecordEntry]) -> dict[str, bytes]:
    """The folder's own file: here, the images and outcomes of every entry, in a line each."""
    lines = [f"{entry.image} {entry.outcome}" for entry in entries]
    return {"diagrams/stack.md": "\n".join(lines).encode()}


def commit_drawn(folder: Path, name: str, outcome: str, files: dict[str, bytes]) -> None:
    commit_run(
        folder,
        {(name, "default")},
        [entry(name, outcome, files=files)],
        files,
        lambda: False,
        folder_files=drawn_from,
    )


def test_the_folders_own_file_is_drawn_from_every_entry_and_listed_with_its_checksum(
    tmp_path: Path,
) -> None:
    commit_drawn(tmp_path, "base", "passed", run_files("base", "one"))
    commit_drawn(tmp_path, "scipy", "failed", {})

    drawn = (tmp_path / "diagrams/stack.md").read_bytes()
    assert drawn == b"base passed\nscipy failed"
    record = read_record(tmp_path)
    assert record.files == {"diagrams/stack.md": sha256_of(drawn)}
    assert all("diagrams/stack.md" not in image.files for image in record.images)
    assert json.loads((tmp_path / "inspections.json").read_text())["files"] == record.files


def test_a_run_without_the_folders_own_files_removes_the_old_ones(tmp_path: Path) -> None:
    commit_drawn(tmp_path, "base", "passed", run_files("base", "one"))

    commit(tmp_path, ("scipy", "passed", run_files("scipy", "one")))

    assert not (tmp_path / "diagrams/stack.md").exists()
    assert read_record(tmp_path).files == {}


def test_cleaning_keeps_the_folders_own_file_while_every_entry_is_intact(tmp_path: Path) -> None:
    commit_drawn(tmp_path, "base", "passed", run_files("base", "one"))
    before = snapshot(tmp_path)

    assert clean_output_folder(tmp_path) == []

    assert snapshot(tmp_path) == before


def test_the_folders_own_file_goes_with_a_dropped_entry(tmp_path: Path) -> None:
    """The diagram describes every entry: once one is dropped, it describes another folder."""
    commit_drawn(tmp_path, "base", "passed", run_files("base", "one"))
    commit_drawn(tmp_path, "scipy", "passed", run_files("scipy", "one"))
    (tmp_path / "tags/x86_64-default-base.txt").write_text("quay.io/jupyter/base:x86_64-forged")

    removed = clean_output_folder(tmp_path)

    assert "diagrams/stack.md" in removed
    assert read_record(tmp_path).files == {}
    assert recorded(tmp_path) == {"scipy": "passed"}


def test_a_changed_folders_own_file_is_removed(tmp_path: Path) -> None:
    commit_drawn(tmp_path, "base", "passed", run_files("base", "one"))
    (tmp_path / "diagrams/stack.md").write_text("edited")

    assert clean_output_folder(tmp_path) == ["diagrams/stack.md"]
    assert recorded(tmp_path) == {"base": "passed"}


def test_a_killed_commit_never_leaves_a_folders_own_file_the_record_does_not_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_drawn(tmp_path, "base", "passed", run_files("base", "one"))
    killing = KillingRename(monkeypatch)
    for dies_at in range(1, 6):  # the withdrawn record, two files, the diagram, the record
        killing.dies_at_rename(dies_at)
        with pytest.raises(Killed):
            commit_drawn(tmp_path, "base", "passed", run_files("base", f"died-at-{dies_at}"))
        record = read_record(tmp_path)
        for relative, digest in record.files.items():
            assert sha256_of((tmp_path / relative).read_bytes()) == digest
