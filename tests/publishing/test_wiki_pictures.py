"""The wiki's pictures: the stack on Home, drawn from the runs, and a history page per image,
drawn from the manifests and change reports the wiki holds (also those of their tool)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.inventory.changes import MINUS, package_changes
from inspections.publishing.update_wiki_command import update_wiki_main
from inspections.publishing.wiki_pictures import MAX_BUILDS
from tests.diagrams import boxes, boxes_by_name, edges, mermaid_blocks
from tests.publishing.jupyter_wiki import manifest, write_wiki
from tests.publishing.runs import Build, write_run
from tests.unit.formats.manifests import minimal_notebook_manifest
from tests.unit.inventory.support import minimal_notebook_inventory

WHEN = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
C_DEC, C_JAN = "c" * 40, "d" * 40
BASE = Build("base-notebook")
MINIMAL = Build("minimal-notebook", parent="base-notebook")
SCIPY_FAILED = Build("scipy-notebook", parent="minimal-notebook", outcome="failed")


def update(wiki: Path, checkout: Path, *runs: Path) -> None:
    arguments = ["--wiki", str(wiki), "--checkout", str(checkout), "--max-manifests", "100"]
    assert update_wiki_main([*arguments, *map(str, runs)]) == 0


def table_rows(page: str) -> dict[int, list[str]]:
    """Build number -> the cells of its row in the page's (single) table."""
    rows = {}
    for line in page.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0].isdigit():
            rows[int(cells[0])] = cells[1:]
    return rows


def test_home_draws_the_stack_as_the_runs_built_it_failed_images_too(
    tmp_path: Path, checkout: Path
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    december = write_run(
        tmp_path / "dec", datetime(2025, 12, 30, tzinfo=UTC), C_DEC, [BASE, MINIMAL, SCIPY_FAILED]
    )
    january = write_run(tmp_path / "jan", WHEN, C_JAN, [BASE])
    arm = write_run(tmp_path / "arm", WHEN, C_JAN, [Build("base-notebook", "aarch64")])

    update(wiki, checkout, december, january, arm)

    home = (wiki / "Home.md").read_text()
    (diagram,) = mermaid_blocks(home)
    shown = boxes_by_name(diagram)
    # Each platform's latest build: base-notebook's x86_64 line is January's alone.
    assert shown["base-notebook"] == [
        "passed",
        "aarch64 · 123 MB",
        "x86_64 · 123 MB",
        "python-3.11.2",
        "lab-4.6.6",
    ]
    assert shown["minimal-notebook"] == ["passed", "x86_64 · 123 MB"]
    assert shown["scipy-notebook"] == ["failed", "x86_64 · 123 MB"]
    assert edges(diagram) == [("n0", "-->", "n1"), ("n1", "-->", "n2")]
    # Links to the history pages of the images whose manifests the wiki holds.
    assert (
        "## Build history of each image\n\n"
        "[base-notebook](./base-notebook-history) · [minimal-notebook](./minimal-notebook-history)"
    ) in home
    assert sorted(path.name for path in (wiki / "images").iterdir()) == [
        "base-notebook-history.md",
        "minimal-notebook-history.md",
    ]


def _write(wiki: Path, relative: str, text: str) -> None:
    path = wiki / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _their_minimal_notebook_builds(wiki: Path) -> list[str]:
    """Three builds of minimal-notebook filed by their tool: unchanged, changed, unchanged."""
    stems = []
    for day, (changed, commit) in enumerate([(False, "1"), (True, "2"), (False, "3")], start=1):
        timestamp, sha = f"2025-11-{day:02d}T10:00:00Z", commit * 40
        stem = f"x86_64-default-minimal-notebook-{sha[:12]}"
        text = minimal_notebook_manifest(changed, sha, timestamp, 649_000_000)
        _write(wiki, f"manifests/2025/2025-11/{stem}.md", text)
        stems.append(stem)
    return stems


def _counts(before: bool, after: bool) -> str:
    changes = package_changes(minimal_notebook_inventory(before), minimal_notebook_inventory(after))
    found = Counter(change.kind for change in changes)
    return f"+{found['added']} {MINUS}{found['removed']} ↑{found['upgraded']}"


def test_a_wiki_of_their_tool_gets_history_from_its_manifests_alone(
    tmp_path: Path, checkout: Path
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    stems = _their_minimal_notebook_builds(wiki)
    before = {path: path.read_bytes() for path in (wiki / "manifests").rglob("*.md")}

    update(wiki, checkout, write_run(tmp_path / "run", WHEN, C_JAN, [BASE]))

    page = (wiki / "images/minimal-notebook-history.md").read_text()
    assert len(mermaid_blocks(page)) == 3  # size, packages, changes
    rows = table_rows(page)
    assert rows[1][0] == f"[2025-11-01T10:00:00Z](./{stems[0]})"
    assert [row[2] for row in rows.values()] == ["649 MB"] * 3
    assert [row[3] for row in rows.values()] == [
        str(len(minimal_notebook_inventory(changed))) for changed in (False, True, False)
    ]
    # What each build changed, from its manifest and the one before (no change reports).
    assert [rows[2][4], rows[3][4]] == [_counts(False, True), _counts(True, False)]
    assert rows[1][4] == ""
    # Their manifests are read, never rewritten.
    assert {path: path.read_bytes() for path in before} == before


def test_a_manifest_without_its_size_keeps_its_point_and_the_changes_after_it(
    tmp_path: Path, checkout: Path
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    stems = _their_minimal_notebook_builds(wiki)
    sizeless = wiki / f"manifests/2025/2025-11/{stems[1]}.md"
    text = sizeless.read_text(encoding="utf-8")
    sizeless.write_text(text.replace("- Docker image size: 649MB\n", ""), encoding="utf-8")
    assert sizeless.read_text(encoding="utf-8") != text

    update(wiki, checkout, write_run(tmp_path / "run", WHEN, C_JAN, [BASE]))

    rows = table_rows((wiki / "images/minimal-notebook-history.md").read_text())
    assert [row[2] for row in rows.values()] == ["649 MB", "", "649 MB"]
    assert [rows[2][4], rows[3][4]] == [_counts(False, True), _counts(True, False)]


def test_a_change_report_in_the_wiki_is_what_a_build_changed(
    tmp_path: Path, checkout: Path
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    stems = _their_minimal_notebook_builds(wiki)
    report = f"# Changes in minimal-notebook\n\n- Packages: +7 {MINUS}1 ↑0 ↓2 (added, …)\n"
    _write(wiki, f"changes/2025/2025-11/{stems[1]}-changes.md", report)

    update(wiki, checkout, write_run(tmp_path / "run", WHEN, C_JAN, [BASE]))

    rows = table_rows((wiki / "images/minimal-notebook-history.md").read_text())
    assert rows[2][4] == f"[+7 {MINUS}1 ↑0](./{stems[1]}-changes)"
    assert rows[3][4] == _counts(True, False)


def test_only_the_last_builds_of_each_platform_are_charted(tmp_path: Path, checkout: Path) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    for number in range(MAX_BUILDS + 3):
        sha = f"{number:012x}" + "0" * 28
        timestamp = f"2025-10-{1 + number // 24:02d}T{number % 24:02d}:00:00Z"
        stem = f"aarch64-default-r-notebook-{sha[:12]}"
        _write(wiki, f"manifests/2025/2025-10/{stem}.md", manifest(timestamp, "r-notebook", sha))

    update(wiki, checkout, write_run(tmp_path / "run", WHEN, C_JAN, [BASE]))

    page = (wiki / "images/r-notebook-history.md").read_text()
    rows = table_rows(page)
    assert sorted(rows) == list(range(1, MAX_BUILDS + 1))
    commits = [row[1] for row in rows.values()]
    assert f"`{MAX_BUILDS + 2:012x}`" in commits  # the newest
    assert not {f"`{number:012x}`" for number in range(3)} & set(commits)  # not the 3 oldest
    assert page.count("\n## aarch64\n") == 1


def test_pages_of_images_without_manifests_go_and_other_pages_stay(
    tmp_path: Path, checkout: Path
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    _write(wiki, "images/gone-notebook-history.md", "# gone-notebook: build history\n")
    _write(wiki, "images/notes.md", "Our own page.\n")

    update(wiki, checkout, write_run(tmp_path / "run", WHEN, C_JAN, [BASE]))

    assert sorted(path.name for path in (wiki / "images").iterdir()) == [
        "base-notebook-history.md",
        "notes.md",
    ]


@pytest.mark.parametrize("title_image", ["Base_Notebook", "x]y"])
def test_manifests_of_names_no_page_can_carry_get_no_page(
    tmp_path: Path, checkout: Path, title_image: str
) -> None:
    wiki = tmp_path / "wiki"
    sha = "e" * 40
    text = manifest("2025-11-05T00:00:00Z", title_image, sha)
    _write(wiki, f"manifests/2025/2025-11/x86_64-default-{title_image}-{sha[:12]}.md", text)

    update(wiki, checkout, write_run(tmp_path / "run", WHEN, C_JAN, [BASE]))

    assert [path.name for path in (wiki / "images").iterdir()] == ["base-notebook-history.md"]
    assert len(boxes(mermaid_blocks((wiki / "Home.md").read_text())[0])) == 1
