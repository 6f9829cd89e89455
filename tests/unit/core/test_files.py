"""Files readers never see half-written, folder checks and contained paths."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from inspections.errors import StackInspectionError
from inspections.files import (
    check_writable_folder,
    contained,
    write_atomically,
    write_named_output,
)


def files_under(folder: Path) -> set[str]:
    """Every file below `folder` (hidden ones too), relative, as posix strings."""
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


# --- write_atomically ----------------------------------------------------------------------


def test_write_atomically_creates_folders_and_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.txt"

    write_atomically(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    write_atomically(target, "second ünïcode\n")

    assert target.read_text(encoding="utf-8") == "second ünïcode\n"
    assert files_under(tmp_path) == {"a/b/file.txt"}


def test_write_atomically_keeps_the_old_file_when_replacing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "tags.txt"
    target.write_text("old content\n", encoding="utf-8")

    def refuse(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left on device"):
        write_atomically(target, "new content\n")

    assert target.read_text(encoding="utf-8") == "old content\n"
    assert files_under(tmp_path) == {"tags.txt"}


def test_write_atomically_leaves_nothing_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "new.txt", "content\n")

    assert files_under(tmp_path) == set()


def test_write_atomically_gives_the_same_mode_as_a_plain_write(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x\n", encoding="utf-8")

    write_atomically(tmp_path / "atomic.txt", "x\n")

    assert (tmp_path / "atomic.txt").stat().st_mode == plain.stat().st_mode


# --- check_writable_folder -------------------------------------------------------------------


# --- write_named_output --------------------------------------------------------------------


def test_a_named_output_that_is_a_link_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "target.json"
    target.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_named_output(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"


def test_a_named_output_that_is_a_pipe_stays_a_pipe(tmp_path: Path) -> None:
    """As `--json /dev/stdout` into a pipe: the reader gets the text, the pipe is not replaced."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    write_named_output(pipe, "through\n")
    reader.join(timeout=10)
    assert received == ["through\n"]
    assert not pipe.is_file()
    assert pipe.is_fifo()


def test_a_named_output_that_is_a_file_or_new_is_written_whole(tmp_path: Path) -> None:
    existing = tmp_path / "report.json"
    existing.write_text("old\n")
    write_named_output(existing, "new\n")
    write_named_output(tmp_path / "new.json", "fresh\n")
    assert existing.read_text() == "new\n"
    assert (tmp_path / "new.json").read_text() == "fresh\n"
    assert files_under(tmp_path) == {"report.json", "new.json"}


def test_check_writable_folder_creates_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "nested"

    check_writable_folder(folder, "--emit-manifests")

    assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_check_writable_folder_leaves_an_existing_folder_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("kept\n", encoding="utf-8")

    check_writable_folder(tmp_path, "--emit-manifests")

    assert files_under(tmp_path) == {"kept.txt"}


def test_check_writable_folder_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "out"
    a_file.write_text("", encoding="utf-8")

    with pytest.raises(StackInspectionError) as raised:
        check_writable_folder(a_file, "--emit-manifests")

    assert str(raised.value) == (
        f"--emit-manifests {a_file} is a file: pass a folder (it is created if missing)"
    )


def test_check_writable_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    folder = tmp_path / "afile" / "sub"

    with pytest.raises(StackInspectionError) as raised:
        check_writable_folder(folder, "--emit-manifests")

    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"--emit-manifests {folder} is not writable (Not a directory): pass a writable folder"
    )


# --- contained -----------------------------------------------------------------------------


def test_contained_gives_the_path_inside_the_folder(tmp_path: Path) -> None:
    assert contained(tmp_path, "tags/a.txt") == tmp_path / "tags" / "a.txt"


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "tags/../../x", "", "a\\b"])
def test_contained_refuses_paths_that_leave_the_folder(tmp_path: Path, relative: str) -> None:
    with pytest.raises(StackInspectionError, match="not a plain relative path"):
        contained(tmp_path, relative)


def test_contained_refuses_links_on_the_way(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_text("secret\n")
    (tmp_path / "out").mkdir()
    os.symlink(elsewhere, tmp_path / "out" / "tags")

    with pytest.raises(StackInspectionError, match="is a symbolic link") as raised:
        contained(tmp_path / "out", "tags/a.txt")

    assert "secret" not in str(raised.value)
