"""The build history wiki, updated from run folders written by the plugin's own renderer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.publishing.cli import update_wiki_main
from inspections.publishing.history import read_run_history
from inspections.publishing.wiki import WikiUpdate, update_wiki
from inspections.publishing.wiki_pages import MONTH_HEADER, page_rows
from inspections.record import RECORD_FILE
from tests.publishing.runs import Build, edit_record, rewrite_backed, write_run
from tests.publishing.scripts import run_with_closed_stdout

C1, C2, C3 = ("1" * 40, "2" * 40, "3" * 40)
BASE, MINIMAL = Build("base-notebook"), Build("minimal-notebook")
BASE_ARM = Build("base-notebook", "aarch64")
PYTORCH_CUDA = Build("pytorch-notebook", variant="cuda12")

# name -> (timestamp, commit, builds); the January rebuild of C2 reuses a manifest name.
RUNS = {
    "2025-12": (datetime(2025, 12, 30, 8, 0, 0, tzinfo=UTC), C1, [BASE, MINIMAL]),
    "2026-01-x86": (datetime(2026, 1, 2, 9, 0, 0, tzinfo=UTC), C2, [BASE]),
    "2026-01-arm": (datetime(2026, 1, 2, 9, 30, 0, tzinfo=UTC), C2, [BASE_ARM]),
    "2026-01-rebuild": (datetime(2026, 1, 15, 10, 0, 0, tzinfo=UTC), C2, [BASE]),
    "2026-02": (datetime(2026, 2, 1, 0, 0, 5, tzinfo=UTC), C3, [BASE, PYTORCH_CUDA]),
}

EXPECTED_HOME = """\
# Build history

One page per month lists every image built that month. Builds: image builds; Images: \
distinct images; Commits: distinct git commits.

## 2026

| Month                |   Builds |   Images |   Commits |
|----------------------|----------|----------|-----------|
| [2026-02](./2026-02) |        2 |        2 |         1 |
| [2026-01](./2026-01) |        3 |        1 |         1 |

## 2025

| Month                |   Builds |   Images |   Commits |
|----------------------|----------|----------|-----------|
| [2025-12](./2025-12) |        2 |        2 |         1 |
"""


@pytest.fixture
def runs(tmp_path: Path) -> dict[str, Path]:
    """Every run of RUNS written below tmp_path/runs, by name."""
    return {
        name: write_run(tmp_path / "runs" / name, when, commit, builds)
        for name, (when, commit, builds) in RUNS.items()
    }


def _update(wiki: Path, folders: list[Path], max_manifests: int = 100) -> WikiUpdate:
    return update_wiki(wiki, read_run_history(folders), max_manifests)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder`: content and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def _stem(build: Build, commit: str) -> str:
    return f"{build.platform}-{build.variant}-{build.image}-{commit[:12]}"


def test_layout_home_and_monthly_pages(tmp_path: Path, runs: dict[str, Path]) -> None:
    wiki = tmp_path / "wiki"
    update = _update(wiki, list(runs.values()))
    assert update.rows_added == 7
    assert _files(wiki) == {
        "Home.md",
        "monthly-files/2025-12.md",
        "monthly-files/2026-01.md",
        "monthly-files/2026-02.md",
        f"manifests/2025/2025-12/{_stem(BASE, C1)}.md",
        f"manifests/2025/2025-12/{_stem(MINIMAL, C1)}.md",
        f"manifests/2026/2026-01/{_stem(BASE, C2)}.md",
        f"manifests/2026/2026-01/{_stem(BASE_ARM, C2)}.md",
        f"manifests/2026/2026-02/{_stem(BASE, C3)}.md",
        f"manifests/2026/2026-02/{_stem(PYTORCH_CUDA, C3)}.md",
    }
    assert (wiki / "Home.md").read_text() == EXPECTED_HOME
    january = (wiki / "monthly-files" / "2026-01.md").read_text()
    assert january.count(MONTH_HEADER[0]) == 1
    assert [(row.timestamp, row.image) for row in page_rows(january)] == [
        ("2026-01-15 10:00:00", "base-notebook"),
        ("2026-01-02 09:30:00", "base-notebook"),
        ("2026-01-02 09:00:00", "base-notebook"),
    ]
    history_line = (runs["2026-01-arm"] / "hist_lines" / f"{_stem(BASE_ARM, C2)}.txt").read_text()
    row = "| 2026-01-02 09:30:00 (UTC) | base-notebook | " + history_line.split(" | ", 1)[1]
    assert row in january.splitlines(keepends=True)
    assert f"[Build manifest](./{_stem(BASE_ARM, C2)})" in row


def test_a_rebuild_of_a_commit_files_the_newest_manifest(
    tmp_path: Path, runs: dict[str, Path]
) -> None:
    wiki = tmp_path / "wiki"
    manifest = wiki / "manifests" / "2026" / "2026-01" / f"{_stem(BASE, C2)}.md"
    _update(wiki, [runs["2026-01-rebuild"]])
    _update(wiki, [runs["2026-01-x86"]])
    assert "- Build timestamp: 2026-01-15T10:00:00Z" in manifest.read_text()
    assert len(page_rows((wiki / "monthly-files" / "2026-01.md").read_text())) == 2


def test_updating_twice_changes_nothing(tmp_path: Path, runs: dict[str, Path]) -> None:
    wiki = tmp_path / "wiki"
    _update(wiki, list(runs.values()))
    before = _snapshot(wiki)
    again = _update(wiki, list(runs.values()))
    assert (again.rows_added, again.written, again.removed) == (0, [], [])
    assert _snapshot(wiki) == before


def test_run_by_run_equals_all_at_once(tmp_path: Path, runs: dict[str, Path]) -> None:
    at_once, one_by_one = tmp_path / "at-once", tmp_path / "one-by-one"
    _update(at_once, list(runs.values()))
    for folder in reversed(list(runs.values())):
        _update(one_by_one, [folder])
    assert {name: content for name, (content, _) in _snapshot(one_by_one).items()} == {
        name: content for name, (content, _) in _snapshot(at_once).items()
    }


def test_a_run_given_twice_adds_its_rows_once(tmp_path: Path, runs: dict[str, Path]) -> None:
    wiki = tmp_path / "wiki"
    update = _update(wiki, [runs["2026-02"], runs["2026-02"]])
    assert update.rows_added == 2
    assert len(page_rows((wiki / "monthly-files" / "2026-02.md").read_text())) == 2


def test_the_cap_drops_the_oldest_manifests_and_keeps_every_row(
    tmp_path: Path, runs: dict[str, Path]
) -> None:
    wiki = tmp_path / "wiki"
    _update(wiki, list(runs.values()))
    update = _update(wiki, [], max_manifests=3)
    assert {str(path) for path in update.removed} == {
        f"manifests/2025/2025-12/{_stem(BASE, C1)}.md",
        f"manifests/2025/2025-12/{_stem(MINIMAL, C1)}.md",
        f"manifests/2026/2026-01/{_stem(BASE_ARM, C2)}.md",
    }
    assert sorted(path for path in _files(wiki) if path.startswith("manifests/")) == [
        f"manifests/2026/2026-01/{_stem(BASE, C2)}.md",
        f"manifests/2026/2026-02/{_stem(PYTORCH_CUDA, C3)}.md",
        f"manifests/2026/2026-02/{_stem(BASE, C3)}.md",
    ]
    assert not (wiki / "manifests" / "2025").exists()
    assert (wiki / "Home.md").read_text() == EXPECTED_HOME
    before = _snapshot(wiki)
    _update(wiki, list(runs.values()), max_manifests=3)
    assert _snapshot(wiki) == before


def test_command_line(
    tmp_path: Path, runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wiki = tmp_path / "wiki"
    arguments = ["--wiki", str(wiki), "--max-manifests", "4", *map(str, runs.values())]
    assert update_wiki_main(arguments) == 0
    assert capsys.readouterr().out.endswith(
        f"wiki {wiki}: 7 builds added, 8 files written, 0 old manifests removed\n"
    )
    assert len([path for path in _files(wiki) if path.startswith("manifests/")]) == 4
    assert update_wiki_main(arguments) == 0
    assert capsys.readouterr().out == (
        f"wiki {wiki}: 0 builds added, 0 files written, 0 old manifests removed\n"
    )


SECRET = "root:$y$j9T$SECRETSECRET:19000:0:99999:7:::"


def _history_file(run: Path) -> str:
    return str(sorted((run / "hist_lines").glob("*.txt"))[0].relative_to(run))


def _manifest_file(run: Path) -> str:
    return f"manifests/{Path(_history_file(run)).stem}.md"


def _change_a_history_line(run: Path) -> None:
    with (run / _history_file(run)).open("a", encoding="utf-8") as stream:
        stream.write("| 2026-02-02 00:00:00 (UTC) | `x86_64-latest` | [Build manifest](./x) |\n")


def _drop_a_manifest(run: Path) -> None:
    (run / _manifest_file(run)).unlink()


def _drop_the_record(run: Path) -> None:
    (run / RECORD_FILE).unlink()


def _link_a_history_line_to_a_secret(run: Path) -> None:
    secret = run.parent / "shadow"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    relative = _history_file(run)
    rewrite_backed(run, relative, f"{SECRET}\n")  # even a record that vouches for it
    (run / relative).unlink()
    (run / relative).symlink_to(secret)


def _unlist_a_manifest(run: Path) -> None:
    manifest = _manifest_file(run)
    edit_record(run, lambda entry: entry["files"].pop(manifest, None))


def _back_a_broken_history_line(run: Path) -> None:
    rewrite_backed(run, _history_file(run), "| yesterday | tags | links |\n")


def _back_a_history_line_linking_another_manifest(run: Path) -> None:
    relative = _history_file(run)
    line = (run / relative).read_text(encoding="utf-8")
    rewrite_backed(run, relative, line.replace(f"(./{Path(relative).stem})", "(./renamed)"))


def _back_an_untitled_manifest(run: Path) -> None:
    relative = _manifest_file(run)
    rewrite_backed(run, relative, (run / relative).read_text().split("\n", 1)[1])


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_change_a_history_line, "does not match the checksum in inspections.json"),
        (_drop_a_manifest, "cannot be read (No such file or directory)"),
        (_drop_the_record, "inspections.json not found: the folder holds no complete run"),
        (_link_a_history_line_to_a_secret, "is a symbolic link"),
        (_unlist_a_manifest, "lists no manifests/"),
        (_back_a_broken_history_line, "is not one build history row"),
        (_back_a_history_line_linking_another_manifest, "does not link its manifest"),
        (_back_an_untitled_manifest, "does not start with '# Build manifest for image: "),
    ],
)
def test_bad_runs_change_nothing(
    tmp_path: Path,
    runs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[Path], None],
    problem: str,
) -> None:
    wiki = tmp_path / "wiki"
    _update(wiki, [runs["2025-12"]])
    before = _snapshot(wiki)
    damage(runs["2026-02"])
    arguments = ["--wiki", str(wiki), str(runs["2026-01-x86"]), str(runs["2026-02"])]
    assert update_wiki_main(arguments) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("stack-update-wiki: error: ")
    assert problem in captured.err
    assert captured.err.count("\n") == 1
    assert "SECRET" not in captured.out + captured.err
    assert _snapshot(wiki) == before


def test_a_failed_image_is_skipped_even_with_its_old_files_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    write_run(run, RUNS["2026-02"][0], C3, [BASE, MINIMAL])
    old = {path: path.read_bytes() for path in run.glob("*/*minimal-notebook*")}
    failed = Build(MINIMAL.image, outcome="failed")
    write_run(run, datetime(2026, 2, 3, 0, 0, 0, tzinfo=UTC), C3, [failed])
    assert not list(run.glob("*/*minimal-notebook*"))  # the plugin removed them
    for path, content in old.items():  # restored by hand, or by a CI cache
        path.write_bytes(content)
    wiki = tmp_path / "wiki"
    assert update_wiki_main(["--wiki", str(wiki), str(run)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"skipped minimal-notebook (x86_64, default) in {run}: inspections.json says its "
        "outcome is failed; only passed images are published\n"
    )
    rows = page_rows((wiki / "monthly-files" / "2026-02.md").read_text())
    assert [row.image for row in rows] == ["base-notebook"]
    assert not [path for path in _files(wiki) if "minimal-notebook" in path]


def test_a_closed_stdout_stops_the_printing_not_the_update(
    tmp_path: Path, runs: dict[str, Path]
) -> None:
    wiki, expected = tmp_path / "wiki", tmp_path / "expected"
    folders = [str(folder) for folder in runs.values()]
    completed = run_with_closed_stdout("update_wiki_main", ["--wiki", str(wiki), *folders])
    assert (completed.returncode, completed.stderr) == (0, "")
    _update(expected, list(runs.values()))
    assert {name: content for name, (content, _) in _snapshot(wiki).items()} == {
        name: content for name, (content, _) in _snapshot(expected).items()
    }


def test_bad_options_exit_with_2(
    tmp_path: Path, runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    run = str(runs["2026-02"])
    assert update_wiki_main(["--wiki", str(tmp_path / "file"), run]) == 2
    assert "is a file: pass the wiki's folder" in capsys.readouterr().err
    assert update_wiki_main(["--wiki", str(tmp_path / "wiki"), "--max-manifests", "0", run]) == 2
    assert "cannot keep 0 manifests: keep at least 1" in capsys.readouterr().err
    assert not (tmp_path / "wiki").exists()
    with pytest.raises(SystemExit) as exited:
        update_wiki_main([run])
    assert exited.value.code == 2
    assert "the following arguments are required: --wiki" in capsys.readouterr().err
