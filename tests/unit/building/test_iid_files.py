"""Image id files: one per build and process; those of processes that are gone are removed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from inspections.building.iid_files import iid_file, remove_leftover_iid_files


def test_each_process_has_a_file_of_its_own(tmp_path: Path) -> None:
    path = iid_file(tmp_path, "x86_64-default-root")
    assert path == tmp_path / f".x86_64-default-root.{os.getpid()}.iid"


def test_only_the_files_of_ended_processes_are_removed(tmp_path: Path) -> None:
    ended = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True, check=True)
    leftover = tmp_path / f".x86_64-default-root.{ended.stdout.strip()}.iid"
    running = iid_file(tmp_path, "x86_64-default-root")
    others = [tmp_path / "x86_64-default-root.log", tmp_path / ".notes.iid"]
    for path in (leftover, running, *others):
        path.write_text("sha256:0\n")

    remove_leftover_iid_files(tmp_path)

    assert sorted(tmp_path.iterdir()) == sorted([running, *others])


def test_no_logs_folder_yet(tmp_path: Path) -> None:
    remove_leftover_iid_files(tmp_path / "build-logs")  # nothing to do, nothing raised
