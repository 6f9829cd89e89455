"""The build history wiki: a wiki in the Jupyter Docker Stacks' format, continued by our runs.

The wiki before (jupyter_wiki.EXISTING) and the expected pages after are written from what
their wiki tool does; the runs are written by the plugin's own renderer.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.formats.wiki_home import DEFAULT_TEMPLATE
from inspections.outputs.record import RECORD_FILE
from inspections.publishing.update_wiki_command import update_wiki_main
from tests.publishing.jupyter_wiki import (
    COMMITS_PER_MONTH,
    DEC_X86,
    EXISTING,
    INTRO,
    NOV_ARM,
    NOV_X86,
    REPOSITORY,
    SHA_DEC,
    SHA_NOV,
    TEMPLATE,
    header,
    row,
    without_pictures,
    write_wiki,
)
from tests.publishing.runs import Build, edit_record, fail_and_restore, rewrite_backed, write_run
from tests.publishing.scripts import run_with_closed_stdout

C_DEC, C_JAN = "c" * 40, "d" * 40
BASE, MINIMAL = Build("base-notebook"), Build("minimal-notebook")
BASE_ARM, BASE_CUDA = Build("base-notebook", "aarch64"), Build("base-notebook", variant="cuda12")
TAGS = ("python-3.11.2", "lab-4.6.6")  # what runs.Build's taggers gave

# name -> (timestamp, commit, builds); the two January runs are the platforms of one build.
RUNS = {
    "dec": (datetime(2025, 12, 30, 8, 0, tzinfo=UTC), C_DEC, [BASE, MINIMAL]),
    "jan-x86": (datetime(2026, 1, 2, 9, 0, tzinfo=UTC), C_JAN, [BASE]),
    "jan-arm": (datetime(2026, 1, 2, 9, 0, tzinfo=UTC), C_JAN, [BASE_ARM]),
    "feb": (datetime(2026, 2, 1, 0, 0, 5, tzinfo=UTC), C_JAN, [BASE_CUDA]),
}


def stem(build: Build, commit: str) -> str:
    return f"{build.platform}-{build.variant}-{build.image}-{commit[:12]}"


def new_row(timestamp: str, build: Build, commit: str) -> str:
    """The row of `build` in a run at `timestamp` of `commit`, as their tools would write it."""
    return row(timestamp, build.platform, build.image, commit, TAGS, build.variant)


def commits(count: int, since: str, until: str) -> str:
    return f"[{count}]({REPOSITORY}/commits/main/?since={since}&until={until})"


# Rows are added in the order of the history files' names, each on top of its page.
EXPECTED_PAGES = {
    "monthly-files/2025/2025-11.md": EXISTING["monthly-files/2025/2025-11.md"],
    "monthly-files/2025/2025-12.md": header("2025-12")
    + new_row("2025-12-30T08:00:00Z", MINIMAL, C_DEC)
    + "\n"
    + new_row("2025-12-30T08:00:00Z", BASE, C_DEC)
    + "\n"
    + DEC_X86
    + "\n",
    "monthly-files/2026/2026-01.md": header("2026-01")
    + new_row("2026-01-02T09:00:00Z", BASE, C_JAN)
    + "\n"
    + new_row("2026-01-02T09:00:00Z", BASE_ARM, C_JAN)
    + "\n",
    "monthly-files/2026/2026-02.md": header("2026-02")
    + new_row("2026-02-01T00:00:05Z", BASE_CUDA, C_JAN)
    + "\n",
}
C = COMMITS_PER_MONTH
M = "| [`{0}`](./{0}) |"
EXPECTED_HOME = f"""\
{INTRO}

## 2026

| Month                  |   Builds |   Images | Commits                                                                                       |
|------------------------|----------|----------|-----------------------------------------------------------------------------------------------|
{M.format("2026-02")}        1 |        1 | {commits(C["2026-02"], "2026-02-01", "2026-02-28")} |
{M.format("2026-01")}        1 |        2 | {commits(C["2026-01"], "2026-01-01", "2026-01-31")} |
| **Total**              |        2 |        3 | {commits(4, "2026-01-01", "2026-12-31")} |

## 2025

| Month                  |   Builds |   Images | Commits                                                                                       |
|------------------------|----------|----------|-----------------------------------------------------------------------------------------------|
{M.format("2025-12")}        2 |        3 | {commits(C["2025-12"], "2025-12-01", "2025-12-31")} |
{M.format("2025-11")}        1 |        2 | {commits(C["2025-11"], "2025-11-01", "2025-11-30")} |
| **Total**              |        3 |        5 | {commits(4, "2025-01-01", "2025-12-31")} |
"""  # noqa: E501 - the tables are as wide as their links


@pytest.fixture
def runs(tmp_path: Path) -> dict[str, Path]:
    """Every run of RUNS written below tmp_path/runs, by name."""
    return {
        name: write_run(tmp_path / "runs" / name, when, commit, builds)
        for name, (when, commit, builds) in RUNS.items()
    }


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    return write_wiki(tmp_path / "wiki")


Update = Callable[..., int]


@pytest.fixture
def update(checkout: Path) -> Update:
    """stack-update-wiki on `wiki` with `runs`, counting commits in `checkout`."""

    def run(wiki: Path, *runs: Path, options: tuple[str, ...] = ()) -> int:
        arguments = ["--wiki", str(wiki), "--checkout", str(checkout), *options]
        return update_wiki_main([*arguments, *map(str, runs)])

    return run


def files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder`: content and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_continues_a_wiki_in_the_jupyter_format(
    wiki: Path, runs: dict[str, Path], update: Update
) -> None:
    assert update(wiki, *runs.values(), options=("--max-manifests", "5")) == 0

    run_manifests = {
        f"manifests/{when:%Y/%Y-%m}/{stem(build, commit)}.md": (
            runs[name] / f"manifests/{stem(build, commit)}.md"
        ).read_text()
        for name, (when, commit, builds) in RUNS.items()
        for build in builds
    }
    # The five newest manifests are kept: the runs'; November's and the first of December go.
    written = files(wiki)
    home = written.pop("Home.md")
    history_pages = {
        path: written.pop(path) for path in list(written) if path.startswith("images/")
    }
    assert written == {**EXPECTED_PAGES, **run_manifests}
    # Home is theirs, with the pictures between the intro and the tables.
    assert without_pictures(home) == EXPECTED_HOME
    assert home.startswith(INTRO + "\n\n## The stack\n\n")
    assert sorted(history_pages) == [
        "images/base-notebook-history.md",
        "images/minimal-notebook-history.md",
    ]
    assert not (wiki / "manifests/2025/2025-11").exists()


def test_a_template_gives_the_intro_with_the_repository(
    wiki: Path, runs: dict[str, Path], update: Update, tmp_path: Path
) -> None:
    template = tmp_path / "Home.template.md"
    template.write_text(TEMPLATE.replace("Test stack", "{{Our}} stack"))
    (wiki / "Home.md").unlink()

    assert update(wiki, runs["dec"], options=("--home-template", str(template))) == 0

    home = (wiki / "Home.md").read_text()
    intro = INTRO.replace("Test stack", "{Our} stack")
    assert without_pictures(home).startswith(intro + "\n\n## 2025\n\n| Month ")
    assert "Text after the marker" not in home


def test_a_new_wiki_gets_the_default_intro(
    tmp_path: Path, runs: dict[str, Path], update: Update
) -> None:
    wiki = tmp_path / "new-wiki"

    assert update(wiki, runs["jan-x86"]) == 0

    default_intro = DEFAULT_TEMPLATE.replace("{REPOSITORY}", "jupyter/docker-stacks").rstrip("\n")
    home = without_pictures((wiki / "Home.md").read_text())
    assert home.startswith(default_intro + "\n\n## 2026\n\n")
    assert (wiki / "monthly-files/2026/2026-01.md").read_text() == (
        header("2026-01") + new_row("2026-01-02T09:00:00Z", BASE, C_JAN) + "\n"
    )


def test_updating_twice_changes_nothing(
    wiki: Path, runs: dict[str, Path], update: Update, capsys: pytest.CaptureFixture[str]
) -> None:
    assert update(wiki, *runs.values()) == 0
    before = snapshot(wiki)
    capsys.readouterr()

    assert update(wiki, *runs.values()) == 0

    assert snapshot(wiki) == before
    assert capsys.readouterr().out == (
        f"wiki {wiki}: 0 builds added, 0 files written, 0 old files removed\n"
    )


def test_a_row_on_the_page_already_is_not_added_again(
    wiki: Path, runs: dict[str, Path], update: Update
) -> None:
    assert update(wiki, runs["dec"], runs["dec"]) == 0
    assert (wiki / "monthly-files/2025/2025-12.md").read_text() == (
        EXPECTED_PAGES["monthly-files/2025/2025-12.md"]
    )


def test_at_the_limit_the_newest_manifests_stay_ties_broken_by_path(
    wiki: Path, runs: dict[str, Path], update: Update
) -> None:
    assert update(wiki, runs["dec"], runs["jan-x86"], options=("--max-manifests", "2")) == 0
    # December's two builds share a timestamp: the greater path stays, as theirs keeps it.
    assert sorted(path for path in files(wiki) if path.startswith("manifests/")) == [
        f"manifests/2025/2025-12/{stem(MINIMAL, C_DEC)}.md",
        f"manifests/2026/2026-01/{stem(BASE, C_JAN)}.md",
    ]
    # Rows stay when manifests go.
    assert NOV_X86 in (wiki / "monthly-files/2025/2025-11.md").read_text()


def test_the_command_line_says_what_it_did(
    wiki: Path, runs: dict[str, Path], update: Update, capsys: pytest.CaptureFixture[str]
) -> None:
    assert update(wiki, runs["jan-x86"], options=("--max-manifests", "3")) == 0
    assert capsys.readouterr().out == (
        "wrote Home.md\n"
        "wrote images/base-notebook-history.md\n"
        f"wrote manifests/2026/2026-01/{stem(BASE, C_JAN)}.md\n"
        "wrote monthly-files/2026/2026-01.md\n"
        f"removed manifests/2025/2025-11/x86_64-default-base-notebook-{SHA_NOV[:12]}.md\n"
        f"wiki {wiki}: 1 builds added, 4 files written, 1 old files removed\n"
    )


def test_the_repository_and_branch_of_the_links_can_be_given(
    wiki: Path, runs: dict[str, Path], update: Update
) -> None:
    options = ("--repository", "https://git.example.org/team/stack/", "--branch", "trunk")
    assert update(wiki, runs["dec"], options=options) == 0
    home = (wiki / "Home.md").read_text()
    link = "(https://git.example.org/team/stack/commits/trunk/?since=2025-12-01&until=2025-12-31)"
    assert f"| [2]{link} |" in home


def test_builds_are_counted_on_the_image_asked_for(
    wiki: Path, runs: dict[str, Path], update: Update
) -> None:
    assert update(wiki, runs["dec"], options=("--builds-image", "minimal-notebook")) == 0
    assert f"| {M.format('2025-12')[2:]}        1 |        3 |" in (wiki / "Home.md").read_text()


# --- refused input: one line, exit 2, the wiki as it was -------------------------------------


SECRET = "SECRET-LINE-OF-ANOTHER-FILE"


def _history_file(run: Path) -> str:
    return f"hist_lines/{next((run / 'hist_lines').glob('*.txt')).name}"


def _manifest_file(run: Path) -> str:
    return f"manifests/{next((run / 'manifests').glob('*.md')).name}"


def _change_a_history_line(run: Path) -> None:
    """Changed after the run: the record no longer backs it."""
    (run / _history_file(run)).write_text("| yesterday | tags | links |")


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
    rewrite_backed(run, _history_file(run), "| yesterday | tags | links |")


def _back_an_old_format_history_line(run: Path) -> None:
    relative = _history_file(run)
    stem = Path(relative).stem
    line = f"| 2026-02-01 00:00:05 (UTC) | `x86_64-latest` | [Build manifest](./{stem}) |\n"
    rewrite_backed(run, relative, line)


def _back_a_history_line_linking_another_manifest(run: Path) -> None:
    relative = _history_file(run)
    line = (run / relative).read_text(encoding="utf-8")
    rewrite_backed(run, relative, line.replace(f"(./{Path(relative).stem})", "(./renamed)"))


def _back_an_untitled_manifest(run: Path) -> None:
    relative = _manifest_file(run)
    rewrite_backed(run, relative, (run / relative).read_text().split("\n", 1)[1])


def _back_a_retimed_manifest(run: Path) -> None:
    relative = _manifest_file(run)
    text = (run / relative).read_text()
    rewrite_backed(run, relative, text.replace("T00:00:05Z", "T00:00:06Z"))


def _record_a_wall_time_of_400_digits(run: Path) -> None:
    edit_record(run, lambda entry: entry["timing"].update(wall_seconds=10**400))


def _record_each_image_twice(run: Path) -> None:
    path = run / RECORD_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    document["images"] *= 2
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_change_a_history_line, "does not match the checksum in inspections.json"),
        (_record_a_wall_time_of_400_digits, "field timing.wall_seconds is 10000000000"),
        (_record_each_image_twice, "repeats the image and variant of entry 1"),
        (_drop_a_manifest, "cannot be read (No such file or directory)"),
        (_drop_the_record, "inspections.json not found: the folder holds no complete run"),
        (_link_a_history_line_to_a_secret, "is a symbolic link"),
        (_unlist_a_manifest, "lists no manifests/"),
        (
            _back_a_broken_history_line,
            "is not one build history row '| `<timestamp>` | <tags> | <links> |'",
        ),
        (_back_an_old_format_history_line, "is not one build history row"),
        (_back_a_history_line_linking_another_manifest, "does not link its manifest ./"),
        (_back_an_untitled_manifest, "does not start with '# Build manifest for image: "),
        (_back_a_retimed_manifest, "was built at 2026-02-01T00:00:06Z, its history line at"),
    ],
)
def test_bad_runs_change_nothing(
    wiki: Path,
    runs: dict[str, Path],
    update: Update,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[Path], None],
    problem: str,
) -> None:
    before = snapshot(wiki)
    damage(runs["feb"])
    assert update(wiki, runs["jan-x86"], runs["feb"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("stack-update-wiki: error: ")
    assert problem in error
    assert error.count("\n") == 1
    assert SECRET not in error
    assert snapshot(wiki) == before


def test_a_failed_image_is_skipped_even_with_its_old_files_back(
    tmp_path: Path, wiki: Path, update: Update, capsys: pytest.CaptureFixture[str]
) -> None:
    run = write_run(tmp_path / "run", RUNS["dec"][0], C_DEC, [BASE, MINIMAL])
    fail_and_restore(run, datetime(2025, 12, 31, 0, 0, 0, tzinfo=UTC), C_DEC, MINIMAL)
    assert update(wiki, run) == 0
    assert capsys.readouterr().err == (
        f"skipped minimal-notebook (x86_64, default) in {run}: inspections.json says its "
        "outcome is failed; only passed images are published\n"
    )
    page = (wiki / "monthly-files/2025/2025-12.md").read_text()
    assert stem(BASE, C_DEC) in page and stem(MINIMAL, C_DEC) not in page
    assert not list(wiki.glob(f"manifests/*/*/{stem(MINIMAL, C_DEC)}.md"))


def test_a_closed_stdout_stops_the_printing_not_the_update(
    tmp_path: Path, runs: dict[str, Path], checkout: Path
) -> None:
    wikis = [write_wiki(tmp_path / name) for name in ("closed", "expected")]
    options = ["--checkout", str(checkout), *map(str, runs.values())]
    completed = run_with_closed_stdout("update_wiki_main", ["--wiki", str(wikis[0]), *options])
    assert (completed.returncode, completed.stderr) == (0, "")
    assert update_wiki_main(["--wiki", str(wikis[1]), *options]) == 0
    assert files(wikis[0]) == files(wikis[1])


def _headless_page(wiki: Path) -> None:
    page = wiki / "monthly-files/2025/2025-12.md"
    page.write_text(page.read_text().replace("| - | - | - |\n", ""))


def _stray_file_in_monthly_files(wiki: Path) -> None:
    (wiki / "monthly-files/notes.md").write_text("notes\n")


def _page_in_the_wrong_year(wiki: Path) -> None:
    (wiki / "monthly-files/2025/2024-12.md").write_text(header("2024-12"))


def _manifest_without_timestamp(wiki: Path) -> None:
    (wiki / "manifests/2025/2025-12/other.md").write_text("# Build manifest for image: x\n")


def _manifest_with_a_link_for_timestamp(wiki: Path) -> None:
    (wiki / "manifests/2025/2025-12/other.md").write_text(
        "# Build manifest for image: x\n\n## Build Info\n\n"
        "- Build timestamp: 2025-12-01T00:00:00Z](https://evil.example)[x\n"
    )


def _home_without_marker(wiki: Path) -> None:
    (wiki / "Home.md").write_text("# Our wiki\n")


def _page_not_utf8(wiki: Path) -> None:
    (wiki / "monthly-files/2025/2025-11.md").write_bytes(b"# Images built during 2025-11\xff\n")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_headless_page, "2025-12.md has no header '# Images built during 2025-12'"),
        (_stray_file_in_monthly_files, "monthly-files/notes.md is not a year's folder (YYYY)"),
        (_page_in_the_wrong_year, "2024-12.md is not a page of 2025 (2025-MM.md)"),
        (_manifest_without_timestamp, "other.md has no line '- Build timestamp: "),
        (_manifest_with_a_link_for_timestamp, "other.md has no line '- Build timestamp: "),
        (_home_without_marker, "Home.md has no <!-- YEAR_MONTHLY_TABLES --> line"),
        (_page_not_utf8, "2025-11.md is not UTF-8 text"),
    ],
)
def test_a_wiki_not_in_the_format_is_refused_untouched(
    wiki: Path,
    runs: dict[str, Path],
    update: Update,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[Path], None],
    problem: str,
) -> None:
    damage(wiki)
    before = snapshot(wiki)
    assert update(wiki, runs["dec"]) == 2
    error = capsys.readouterr().err
    assert problem in error and error.count("\n") == 1
    assert snapshot(wiki) == before


def test_bad_options_exit_with_2(
    tmp_path: Path, runs: dict[str, Path], update: Update, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    run = runs["feb"]
    assert update(tmp_path / "file", run) == 2
    assert "is a file: pass the wiki's folder" in capsys.readouterr().err
    assert update(tmp_path / "wiki", run, options=("--max-manifests", "0")) == 2
    assert "cannot keep 0 manifests: keep at least 1" in capsys.readouterr().err
    assert update(tmp_path / "wiki", run, options=("--branch", "a b")) == 2
    assert "--branch 'a b' is not a branch name" in capsys.readouterr().err
    assert update(tmp_path / "wiki", run, options=("--repository", "x) [y](z")) == 2
    assert "is not a URL like https://host/owner/name" in capsys.readouterr().err
    template = tmp_path / "template.md"
    template.write_text("# {OWNER}\n<!-- YEAR_MONTHLY_TABLES -->\n")
    assert update(tmp_path / "wiki", run, options=("--home-template", str(template))) == 2
    assert "template has a lone brace" in capsys.readouterr().err
    assert not (tmp_path / "wiki").exists()
    with pytest.raises(SystemExit) as exited:
        update_wiki_main([str(run)])
    assert exited.value.code == 2
    assert "the following arguments are required: --wiki" in capsys.readouterr().err


def test_the_commits_need_a_whole_git_checkout(
    wiki: Path,
    runs: dict[str, Path],
    tmp_path: Path,
    checkout: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = snapshot(wiki)
    arguments = ["--wiki", str(wiki), str(runs["dec"])]
    assert update_wiki_main([*arguments, "--checkout", str(tmp_path / "runs")]) == 2
    assert "is not a git checkout with history" in capsys.readouterr().err
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{checkout}", str(shallow)], check=True
    )
    assert update_wiki_main([*arguments, "--checkout", str(shallow)]) == 2
    assert "is a shallow clone" in capsys.readouterr().err
    assert snapshot(wiki) == before


def test_runs_linking_two_repositories_need_the_repository_named(
    wiki: Path,
    runs: dict[str, Path],
    update: Update,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = tmp_path / "other-run"
    write_run(other, datetime(2026, 1, 3, tzinfo=UTC), C_JAN, [MINIMAL])
    for path in (other / "hist_lines").glob("*.txt"):
        moved = path.read_text().replace(REPOSITORY, "https://github.com/other/stack")
        rewrite_backed(other, path.relative_to(other).as_posix(), moved)
    assert update(wiki, runs["jan-x86"], other) == 2
    assert (
        "the runs link to https://github.com/jupyter/docker-stacks and https://github.com/other/stack"
        in capsys.readouterr().err
    )
    assert update(wiki, runs["jan-x86"], other, options=("--repository", REPOSITORY)) == 0


def test_rows_in_their_format_of_older_builds_are_kept_as_they_are(
    wiki: Path, runs: dict[str, Path], update: Update
) -> None:
    assert update(wiki, runs["dec"]) == 0
    november = (wiki / "monthly-files/2025/2025-11.md").read_text()
    assert november == header("2025-11") + NOV_X86 + "\n" + NOV_ARM + "\n"
    assert (
        row("2025-12-01T00:00:00Z", "x86_64", "base-notebook", SHA_DEC, (SHA_DEC[:12],))
        in (wiki / "monthly-files/2025/2025-12.md").read_text()
    )


def test_runs_without_builds_need_the_repository_named(
    wiki: Path, update: Update, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = write_run(tmp_path / "empty-run", datetime(2026, 1, 3, tzinfo=UTC), C_JAN, [])
    before = snapshot(wiki)
    assert update(wiki, empty) == 2
    assert "the runs hold no builds to take the repository from" in capsys.readouterr().err
    assert snapshot(wiki) == before
    assert update(wiki, empty, options=("--repository", REPOSITORY, "--max-manifests", "5")) == 0
    assert without_pictures(files(wiki)["Home.md"]).startswith(INTRO + "\n\n## 2025\n\n| Month ")
    assert sorted(path for path in files(wiki) if path.startswith("monthly-files/")) == [
        "monthly-files/2025/2025-11.md",
        "monthly-files/2025/2025-12.md",
    ]


def test_a_change_report_is_filed_and_linked_from_its_row(
    wiki: Path, update: Update, tmp_path: Path
) -> None:
    report = "# Changes in base-notebook (x86_64, default)\n\n- Packages: +1 \u22120 ↑0 ↓0\n"
    when = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    run = write_run(tmp_path / "run", when, C_JAN, [Build("base-notebook", changes=report)])
    assert update(wiki, run, options=("--max-manifests", "10")) == 0
    page = files(wiki)["monthly-files/2026/2026-01.md"]
    expected_row = new_row("2026-01-02T09:00:00Z", BASE, C_JAN).removesuffix(" |")
    assert f"{expected_row}<br />[Changes](./{stem(BASE, C_JAN)}-changes) |" in page
    assert files(wiki)[f"changes/2026/2026-01/{stem(BASE, C_JAN)}-changes.md"] == report

    # When its manifest goes (the newest two are kept), the report goes with it.
    later = datetime(2026, 3, 1, tzinfo=UTC)
    newer = write_run(tmp_path / "newer", later, C_JAN, [BASE, MINIMAL])
    assert update(wiki, newer, options=("--max-manifests", "2")) == 0
    assert not [path for path in files(wiki) if path.startswith("changes/")]
    assert list((wiki / "changes").iterdir()) == []  # the month and year folders went too


def test_a_linked_change_report_the_record_does_not_list_is_refused(
    wiki: Path, update: Update, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    when = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    run = write_run(tmp_path / "run", when, C_JAN, [Build("base-notebook", changes="# c\n")])
    edit_record(run, lambda entry: entry["files"].pop(f"changes/{stem(BASE, C_JAN)}.md"))
    before = snapshot(wiki)
    assert update(wiki, run) == 2
    assert "links a change report that" in capsys.readouterr().err
    assert snapshot(wiki) == before
