"""The Markdown change report: readable, and safe whatever names and versions it carries."""

from __future__ import annotations

import dataclasses
import re

import pytest
from packageurl import PackageURL

from inspections.formats.change_report import package_counts, render_change_report
from inspections.inventory.builds import BuildFacts
from inspections.inventory.changes import MINUS, ChangeReport, compare_builds
from inspections.inventory.model import Inventory, Package
from inspections.inventory.sizes import ImageSize, parse_human_size
from tests.unit.inventory.support import minimal_notebook_build, npm_package

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ")]


def test_report_of_the_recorded_next_build() -> None:
    report = compare_builds(
        minimal_notebook_build(False, ("x86_64-python-3.11",), parse_human_size("649MB")),
        minimal_notebook_build(True, ("x86_64-python-3.12",), ImageSize(655_123_456)),
    )
    markdown = render_change_report(report)
    assert markdown.startswith("# Changes in `minimal-notebook` (`x86_64`, `default`)\n")
    assert f"- Packages: {report.summary()}" in markdown
    assert "| upgraded | `curl` | `7.88.1-10+deb12u15` | `8.14.1-2+deb13u2~bpo13+1` |" in markdown
    assert "| downgraded | `packaging` | `26.4` | `26.0rc3` |" in markdown
    assert "| added | `tabulate` |  | `0.10.0` |" in markdown
    assert "| gained | `x86_64-python-3.12` |" in markdown
    assert (
        "- Size: 649 MB → 655 MB (+6.12 MB, +0.94 %); "
        "approximate, from the previous build's `649MB`" in markdown
    )
    assert "### Debian packages (deb): 7 added, 2 removed, 8 upgraded" in markdown


def _hostile_facts(version: str, commit: str, timestamp: str) -> BuildFacts:
    names = [
        "pipe|name",
        "tick`name",
        "``fence``",
        "<script>alert(1)</script>",
        "#heading",
        "x|`|y",
    ]
    packages = [npm_package(name, version) for name in names]
    return BuildFacts(
        "hostile", "x86_64", "default", commit, timestamp, inventory=Inventory.of(packages)
    )


def test_hostile_names_and_versions_stay_inside_their_cells() -> None:
    before = _hostile_facts("1.0.0|x", "a" * 40, "2026-11-20T10:00:00Z")
    after = _hostile_facts("2.0.0`y", "b" * 40, "2026-11-27T10:00:00Z")
    markdown = render_change_report(compare_builds(before, after))
    rows = _table_rows(markdown)
    package_rows = [row for row in rows if row.startswith("| changed ")]
    assert len(package_rows) == 6
    for row in rows:
        columns = 4 if row in package_rows or row.startswith("| change | package") else None
        if columns:
            assert len(UNESCAPED_PIPE.findall(row)) == columns + 1, row
    for row in package_rows:
        for cell in row.strip("|").split(" | ")[1:]:
            ticks = re.match(r"^\s*(`+)", cell)
            assert ticks and cell.rstrip().endswith(ticks[1]), cell  # one code span per cell
    assert "\n#heading" not in markdown and "\n<script>" not in markdown


def test_no_package_change_says_so() -> None:
    build = minimal_notebook_build(False)
    same = BuildFacts(
        build.image,
        build.platform,
        build.variant,
        "c" * 40,
        "2026-11-28T10:00:00Z",
        inventory=build.inventory,
    )
    markdown = render_change_report(compare_builds(build, same))
    assert "No package was added, removed or changed." in markdown
    assert "- Size: not known for both builds" in markdown


def _uninventoried(build: BuildFacts, commit: str) -> BuildFacts:
    """The same image built again, with manifest pieces but no inventory."""
    return BuildFacts(build.image, build.platform, build.variant, commit, "2026-11-28T10:00:00Z")


def test_a_build_without_inventory_is_not_reported_unchanged() -> None:
    """Its manifest may have gained packages: the report says they were not compared."""
    listings = ["python --version", "python -m pip list --disable-pip-version-check"]
    listings += ["apt list --installed"]
    report = compare_builds(
        minimal_notebook_build(False), _uninventoried(minimal_notebook_build(False), "c" * 40),
        listings,
    )  # fmt: skip
    markdown = render_change_report(report)
    assert "No package was added" not in markdown
    assert "- Packages: not compared: the current build's packages are not inventoried" in markdown
    assert (
        "The current build's packages are not inventoried, so none were compared: to compare "
        "them, declare `pip_inventory` next to `pip_packages_manifest`, `apt_inventory` next to "
        "`apt_packages_manifest` (from `inspections.library`) in the image's inspections."
    ) in markdown
    assert report.summary() == "packages not compared"
    document = report.to_json()
    assert (document["packages_compared"], document["counts"]) == (False, None)
    assert document["not_inventoried"] == ["current"]


def test_a_previous_build_without_inventory_is_named() -> None:
    report = compare_builds(
        _uninventoried(minimal_notebook_build(False), "c" * 40), minimal_notebook_build(True)
    )
    markdown = render_change_report(report)
    assert "The previous build's packages are not inventoried" in markdown
    assert "No package was added" not in markdown and "declare" not in markdown
    assert report.to_json()["not_inventoried"] == ["previous"]


def test_an_empty_inventory_is_still_compared() -> None:
    """An inventory with no package (an empty Julia project) is data: nothing changed."""
    empty = BuildFacts(
        "julia", "x86_64", "default", "a" * 40, "2026-11-27T10:00:00Z", inventory=Inventory()
    )
    again = BuildFacts(
        "julia", "x86_64", "default", "b" * 40, "2026-11-28T10:00:00Z", inventory=Inventory()
    )
    markdown = render_change_report(compare_builds(empty, again))
    assert "No package was added, removed or changed." in markdown


def _reports() -> dict[str, ChangeReport]:
    first, second = minimal_notebook_build(False), minimal_notebook_build(True)
    return {
        "upgrades and downgrades": compare_builds(first, second),
        "nothing changed": compare_builds(first, first),
        "versions of no known order": compare_builds(
            _hostile_facts("1.0.0|x", "a" * 40, "2026-11-20T10:00:00Z"),
            _hostile_facts("2.0.0`y", "b" * 40, "2026-11-27T10:00:00Z"),
        ),
    }


@pytest.mark.parametrize("name", sorted(_reports()))
def test_the_counts_are_read_back_from_the_report(name: str) -> None:
    report = _reports()[name]
    assert package_counts(render_change_report(report)) == report.counts()


def _facts(commit: str, packages: list[tuple[str, str, str]]) -> BuildFacts:
    """A build whose packages are (ecosystem, name, version)."""
    inventory = Inventory.of(
        Package(ecosystem, name, version, PackageURL(ecosystem, None, name, version).to_string())
        for ecosystem, name, version in packages
    )
    when = "2026-11-27T10:00:00Z"
    return BuildFacts("probe", "x86_64", "default", commit, when, inventory=inventory)


@pytest.mark.parametrize(
    "counts",
    [
        {"added": 1, "removed": 0, "upgraded": 0, "downgraded": 0, "changed": 0},
        {"added": 0, "removed": 12, "upgraded": 0, "downgraded": 3, "changed": 0},
        {"added": 10, "removed": 1, "upgraded": 123, "downgraded": 0, "changed": 11},
        {"added": 0, "removed": 0, "upgraded": 0, "downgraded": 0, "changed": 2},
    ],
    ids=str,
)
def test_any_counts_are_read_back_from_the_report(counts: dict[str, int]) -> None:
    """Writer, then reader: the counts the report was written with, many digits or none."""
    before: list[tuple[str, str, str]] = [
        ("pypi", f"gone{n}", "1.0") for n in range(counts["removed"])
    ]
    after: list[tuple[str, str, str]] = [("pypi", f"new{n}", "1.0") for n in range(counts["added"])]
    for kind, old, new in (("upgraded", "1.0", "2.0"), ("downgraded", "2.0", "1.0")):
        before += [("pypi", f"{kind}{n}", old) for n in range(counts[kind])]
        after += [("pypi", f"{kind}{n}", new) for n in range(counts[kind])]
    before += [("npm", f"odd{n}", "1.0.0|x") for n in range(counts["changed"])]
    after += [("npm", f"odd{n}", "2.0.0`y") for n in range(counts["changed"])]
    report = compare_builds(_facts("a" * 40, before), _facts("b" * 40, after))
    assert report.counts() == counts
    assert package_counts(render_change_report(report)) == counts


def test_a_report_that_compared_no_packages_has_no_counts() -> None:
    previous = dataclasses.replace(minimal_notebook_build(False), inventory=None)
    report = compare_builds(previous, minimal_notebook_build(True))
    assert not report.packages_compared
    assert package_counts(render_change_report(report)) is None
    assert package_counts("# Changes\n\nNo counts here.\n") is None


@pytest.mark.parametrize("digits", [10, 400, 5_000])
def test_a_count_no_image_could_hold_is_no_count(digits: int) -> None:
    """A page edited by hand: read as a report without counts, never as a number to draw."""
    line = f"- Packages: +{'9' * digits} {MINUS}0 ↑0 ↓0 (x)\n"
    assert package_counts(f"# Changes\n\n{line}") is None
    assert package_counts(f"# Changes\n\n- Packages: +{'9' * 9} {MINUS}0 ↑0 ↓0 (x)\n") == {
        "added": 999_999_999,
        "removed": 0,
        "upgraded": 0,
        "downgraded": 0,
        "changed": 0,
    }
