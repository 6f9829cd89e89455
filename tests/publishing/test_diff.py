"""stack-diff on damaged or mismatched inputs: one line each, exit 2, what can be compared is.

A usage error or refused input exits 2 with stack-diff's own words; an image whose earlier
build cannot be compared is named on stderr, and the others are still compared.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inspections.outputs.record import RECORD_FILE
from inspections.publishing.diff_command import diff_main
from inspections.publishing.update_wiki_command import update_wiki_main
from tests.publishing.runs import COMMIT, WHEN, Build, edit_record, write_run

LATER = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)
BASE, MINIMAL = Build("base-notebook"), Build("minimal-notebook")
PREFIX = "stack-diff: error: "


def _runs(tmp_path: Path, old: list[Build] | None = None) -> tuple[Path, Path]:
    """An earlier run of `old` (both images by default) and a later one of both images."""
    earlier = write_run(tmp_path / "old", WHEN, COMMIT, old or [BASE, MINIMAL])
    return earlier, write_run(tmp_path / "new", LATER, COMMIT, [BASE, MINIMAL])


def _wiki_runs(tmp_path: Path, checkout: Path) -> tuple[Path, Path]:
    """A wiki holding an earlier run of both images, and a later run of both."""
    builds = [Build(image, pieces=()) for image in ("base-notebook", "minimal-notebook")]
    earlier = write_run(tmp_path / "old", WHEN, COMMIT, builds)
    wiki = tmp_path / "wiki"
    assert update_wiki_main(["--wiki", str(wiki), "--checkout", str(checkout), str(earlier)]) == 0
    return wiki, write_run(tmp_path / "new", LATER, COMMIT, builds)


def _diff(capsys: pytest.CaptureFixture[str], *arguments: object) -> tuple[int, str, str]:
    status = diff_main([str(argument) for argument in arguments])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def test_two_runs_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _runs(tmp_path)
    status, out, err = _diff(capsys, old, new, "--summary")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "base-notebook (x86_64, default): +0 \N{MINUS SIGN}0 ↑0 ↓0",
        "minimal-notebook (x86_64, default): +0 \N{MINUS SIGN}0 ↑0 ↓0",
    ]


def test_an_old_folder_that_is_no_source_is_refused_in_its_own_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = _runs(tmp_path)
    status, _, err = _diff(capsys, tmp_path, new)
    assert status == 2
    assert err == (
        f"{PREFIX}OLD {tmp_path} is neither a run folder (no inspections.json) nor a build "
        "history wiki (no monthly-files/): pass the folder of an earlier pytest "
        "--emit-manifests, or the wiki's checkout\n"
    )


def _nested(folder: Path) -> None:
    (folder / RECORD_FILE).write_text("[" * 100_000)


def _folder(folder: Path) -> None:
    (folder / RECORD_FILE).unlink()
    (folder / RECORD_FILE).mkdir()


def _truncated(folder: Path) -> None:
    path = folder / RECORD_FILE
    path.write_bytes(path.read_bytes()[:300])


def _base_notebook_twice(folder: Path) -> None:
    path = folder / RECORD_FILE
    text = path.read_text()
    first = text.index('{"image": "base-notebook"')
    entry = text[first : text.index("\n", first)]
    path.write_text(text.replace(entry, f"{entry.rstrip(',')},\n{entry}", 1))


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "nested 100 000 deep": (_nested, "arrays and objects nest deeper than 64 levels"),
    "an image twice": (
        _base_notebook_twice,
        "entry 2 (base-notebook): repeats the image and variant of entry 1",
    ),
    "a folder": (_folder, "inspections.json is not a file"),
    "truncated": (_truncated, "inspections.json is not a valid run record (Unterminated"),
}


@pytest.mark.parametrize("side", ["OLD", "NEW"])
@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_record_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], side: str, damage: str
) -> None:
    old, new = _runs(tmp_path)
    damaging, says = DAMAGES[damage]
    damaging(old if side == "OLD" else new)
    status, out, err = _diff(capsys, old, new)
    assert (status, out) == (2, "")
    assert err.startswith(PREFIX) and err.count("\n") == 1
    assert says in err
    assert "--compare-to" not in err and "Errno" not in err


def test_an_unknown_image_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _runs(tmp_path)
    status, _, err = _diff(capsys, old, new, "--image", "nosuch")
    assert status == 2
    assert err == (
        f"{PREFIX}unknown image 'nosuch' for --image: {new} records base-notebook, "
        "minimal-notebook\n"
    )


def _garbage_timestamp(entry: dict[str, Any]) -> None:
    if entry["image"] == "base-notebook":
        entry["build"]["timestamp"] = "garbage"


def _not_an_object(entry: dict[str, Any]) -> None:
    if entry["image"] == "base-notebook":
        entry["build"] = "x"


def _negative_size(entry: dict[str, Any]) -> None:
    if entry["image"] == "base-notebook":
        entry["size_bytes"] = -5


def _base_notebook(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """`edit` applied to the entry of base-notebook only."""

    def edited(entry: dict[str, Any]) -> None:
        if entry["image"] == "base-notebook":
            edit(entry)

    return edited


def _timestamp(value: str) -> Callable[[dict[str, Any]], None]:
    return _base_notebook(lambda entry: entry["build"].update(timestamp=value))


BAD_PREVIOUS = {
    "timestamp garbage": (_garbage_timestamp, "field build.timestamp is 'garbage', not a time"),
    "build not an object": (_not_an_object, "field build is str, not an object"),
    "negative size": (_negative_size, "field size_bytes is -5, not a whole number of 0 or more"),
    "size of 400 digits": (
        _base_notebook(lambda entry: entry.update(size_bytes=10**400)),
        "field size_bytes is 10000000000",
    ),
    "wall time of 400 digits": (
        _base_notebook(lambda entry: entry["timing"].update(wall_seconds=10**400)),
        "field timing.wall_seconds is 10000000000",
    ),
    "timestamp past 9999 in UTC": (
        _timestamp("9999-12-31T23:59:59-23:59"),
        "field build.timestamp is '9999-12-31T23:59:59-23:59', outside the years 1970 to 9999",
    ),
    "timestamp in year 1": (
        _timestamp("0001-01-01T00:00:00+00:00"),
        "field build.timestamp is '0001-01-01T00:00:00+00:00', outside the years 1970 to 9999",
    ),
}


@pytest.mark.parametrize("bad", BAD_PREVIOUS)
def test_a_bad_earlier_build_is_named_and_the_others_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    old, new = _runs(tmp_path)
    edit, says = BAD_PREVIOUS[bad]
    edit_record(old, edit)
    status, out, err = _diff(capsys, old, new, "--summary")
    assert status == 0
    assert out == "minimal-notebook (x86_64, default): +0 \N{MINUS SIGN}0 ↑0 ↓0\n"
    (line,) = err.splitlines()
    assert line.startswith(
        f"base-notebook (x86_64, default) not compared: {old / RECORD_FILE}, entry 1 "
        "(base-notebook): "
    )
    assert says in line and "%" not in line


def test_nothing_to_compare_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _runs(tmp_path)
    edit_record(old, _negative_size)
    status, _, err = _diff(capsys, old, new, "--image", "base-notebook")
    assert status == 2
    assert err.splitlines()[-1].startswith(f"{PREFIX}no image of {new} was compared")


def test_an_earlier_build_of_another_owner_is_not_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _runs(tmp_path, [Build("base-notebook", owner="someone-else"), MINIMAL])
    status, out, err = _diff(capsys, old, new, "--summary")
    assert status == 0
    assert out == "minimal-notebook (x86_64, default): +0 \N{MINUS SIGN}0 ↑0 ↓0\n"
    assert err == (
        f"base-notebook (x86_64, default) not compared: the build in {old} is of "
        "localhost/someone-else/base-notebook, this one of localhost/demo/base-notebook: the "
        "registry or owner differs, so they are not compared; compare with a build of the same "
        "--registry and --owner\n"
    )


def test_a_binary_manifest_in_the_wiki_is_named(
    tmp_path: Path, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki, new = _wiki_runs(tmp_path, checkout)
    (page,) = wiki.glob("manifests/*/*/*-base-notebook-*.md")
    page.write_bytes(b"# Build manifest for image: base-notebook:\xff\xfe\x00binary\n")
    capsys.readouterr()
    status, out, err = _diff(capsys, wiki, new, "--summary")
    assert status == 0, err
    assert out == "minimal-notebook (x86_64, default): packages not compared\n"
    assert err == (
        f"base-notebook (x86_64, default) not compared: {page} is not UTF-8 text (byte 42): the "
        "page is damaged; restore it from the wiki's history, or compare with a run folder\n"
    )


def test_a_wiki_manifest_of_an_impossible_size_is_named(
    tmp_path: Path, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki, new = _wiki_runs(tmp_path, checkout)
    (page,) = wiki.glob("manifests/*/*/*-base-notebook-*.md")
    text = page.read_text()
    size_line = next(line for line in text.splitlines() if line.startswith("- Docker image size:"))
    page.write_text(text.replace(size_line, f"- Docker image size: {'9' * 400}MB"))
    capsys.readouterr()
    status, out, err = _diff(capsys, wiki, new, "--summary")
    assert status == 0, err
    assert out == "minimal-notebook (x86_64, default): packages not compared\n"
    (line,) = err.splitlines()
    assert line.startswith(
        f"base-notebook (x86_64, default) not compared: {page}: image size '99999"
    )
    assert line.endswith("… is more than an image can hold (9223372036854775807 bytes)")


def test_a_new_run_with_a_wall_time_of_400_digits_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _runs(tmp_path)
    edit_record(new, _base_notebook(lambda entry: entry["timing"].update(wall_seconds=10**400)))
    status, out, err = _diff(capsys, old, new)
    assert (status, out) == (2, "")
    assert err.startswith(f"{PREFIX}{new / RECORD_FILE}, entry 1 (base-notebook): field ")
    assert "timing.wall_seconds is 1000000" in err and err.count("\n") == 1
