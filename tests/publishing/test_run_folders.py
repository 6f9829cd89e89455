"""Every publishing command trusts a run folder only through its complete, verified record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.outputs.record import RECORD_FILE, sha256_of
from inspections.publishing.apply_tags_command import apply_tags_main
from inspections.publishing.merge_tags_command import merge_tags_main
from inspections.publishing.push_tags_command import push_tags_main
from inspections.publishing.update_wiki_command import update_wiki_main
from tests.publishing.runs import (
    COMMIT,
    WHEN,
    Build,
    edit_record,
    fail_and_restore,
    tags_file,
    write_run,
)

LATER = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)
BUILD = Build("base-notebook")
SECRET = "root:$y$j9T$SECRETSECRET:19000:0:99999:7:::"

Main = Callable[[list[str]], int]
# Each command and its arguments for the run folder `run` holding BUILD.
COMMANDS: dict[str, tuple[Main, Callable[[Path], list[str]]]] = {
    "stack-apply-tags": (apply_tags_main, lambda run: [str(tags_file(run, BUILD))]),
    "stack-push-tags": (push_tags_main, lambda run: [str(tags_file(run, BUILD))]),
    "stack-merge-tags": (merge_tags_main, lambda run: [str(run)]),
    "stack-update-wiki": (update_wiki_main, lambda run: ["--wiki", f"{run}.wiki", str(run)]),
}


def _run_command(name: str, run: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit status and stderr of command `name` on `run`; stdout must stay empty."""
    main, arguments = COMMANDS[name]
    status = main(arguments(run))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert not Path(f"{run}.wiki").exists()
    return status, captured.err


def _one_error(name: str, error: str) -> None:
    assert error.startswith(f"{name}: error: ")
    assert error.count("\n") == 1


def _drop(run: Path) -> None:
    (run / RECORD_FILE).unlink()


def _garble(run: Path) -> None:
    (run / RECORD_FILE).write_text("{not json")


def _link(run: Path) -> None:
    (run / RECORD_FILE).rename(run.parent / "elsewhere.json")
    (run / RECORD_FILE).symlink_to(run.parent / "elsewhere.json")


def _nest(run: Path) -> None:
    (run / RECORD_FILE).write_text("[" * 100_000)


def _inflate(run: Path) -> None:
    with (run / RECORD_FILE).open("r+b") as stream:
        stream.truncate(100_000_001)  # sparse: it takes no space


def _make_folder(run: Path) -> None:
    (run / RECORD_FILE).unlink()
    (run / RECORD_FILE).mkdir()


def _garbage_timestamp(run: Path) -> None:
    edit_record(run, lambda entry: entry["build"].update(timestamp="garbage"))


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_drop, "inspections.json not found: the folder holds no complete run; run pytest"),
        (_garble, "inspections.json is not a valid run record"),
        (_link, "inspections.json is a symbolic link"),
        (_nest, "inspections.json is not a valid run record (its arrays and objects nest deeper"),
        (_inflate, "inspections.json holds more than 100 MB"),
        (_make_folder, "inspections.json is not a file: run pytest --emit-manifests"),
        (_garbage_timestamp, "entry 1 (base-notebook): field build.timestamp is 'garbage'"),
    ],
    ids=["missing", "garbled", "link", "nested", "100 MB", "folder", "bad field"],
)
def test_a_folder_without_a_valid_record_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    damage: Callable[[Path], None],
    problem: str,
) -> None:
    run = write_run(tmp_path / "run", WHEN, COMMIT, [BUILD])
    damage(run)
    status, error = _run_command(name, run, capsys)
    assert status == 2
    _one_error(name, error)
    assert problem in error


def _changed_file(name: str, run: Path) -> Path:
    """The file of the run that command `name` reads first."""
    if name == "stack-update-wiki":
        return next((run / "hist_lines").glob("*.txt"))
    return tags_file(run, BUILD)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_file_changed_after_the_run_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    run = write_run(tmp_path / "run", WHEN, COMMIT, [BUILD])
    changed = _changed_file(name, run)
    changed.write_text(changed.read_text().replace("python-3.11.2", "python-3.12.0"))
    status, error = _run_command(name, run, capsys)
    assert status == 2
    _one_error(name, error)
    assert f"{changed} does not match the checksum in inspections.json" in error


@pytest.mark.parametrize("name", COMMANDS)
def test_a_link_to_a_secret_file_is_refused_without_showing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    run = write_run(tmp_path / "run", WHEN, COMMIT, [BUILD])
    secret = tmp_path / "shadow"
    secret.write_text(f"{SECRET}\n")
    linked = _changed_file(name, run)
    relative = str(linked.relative_to(run))
    # Even a record that lists the link with the secret's checksum does not make it readable.
    edit_record(
        run, lambda entry: entry["files"].update({relative: sha256_of(secret.read_bytes())})
    )
    linked.unlink()
    linked.symlink_to(secret)
    status, error = _run_command(name, run, capsys)
    assert status == 2
    _one_error(name, error)
    assert f"{linked} is a symbolic link: links are not followed here" in error
    assert "SECRET" not in error


def _stale_run(folder: Path) -> Path:
    """A run whose image passed, then failed in the next run, with its old files put back."""
    write_run(folder, WHEN, COMMIT, [BUILD])
    fail_and_restore(folder, LATER, COMMIT, BUILD)
    return folder


@pytest.mark.parametrize("name", ["stack-apply-tags", "stack-push-tags"])
def test_the_tags_file_of_a_failed_image_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    run = _stale_run(tmp_path / "run")
    status, error = _run_command(name, run, capsys)
    assert status == 2
    _one_error(name, error)
    assert (
        f"{tags_file(run, BUILD)}: inspections.json says base-notebook (x86_64, default) failed "
        "in the last run, so it has no tags to publish"
    ) in error


def test_merging_skips_a_failed_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _stale_run(tmp_path / "run")
    status, error = _run_command("stack-merge-tags", run, capsys)
    assert status == 2
    assert error.splitlines() == [
        f"skipped base-notebook (x86_64, default) in {run}: inspections.json says its outcome "
        "is failed; only passed images are published",
        "stack-merge-tags: error: no passed images match --image/--variant in the run folders "
        "(found: none)",
    ]
