"""An image's history as xychart-beta charts and a wiki page."""

from __future__ import annotations

import re

import cmarkgfm
from cmarkgfm.cmark import Options

from inspections.formats.history_charts import (
    DATED_BUILDS,
    BuildPoint,
    history_charts,
    history_page,
    line_chart,
)
from tests.diagrams import decoded, mermaid_blocks

COMMIT = "95157f9d3e14" + "0" * 28


def point(
    day: int, size: int | None = 600_000_000, packages: int | None = 300, **kw: object
) -> BuildPoint:
    return BuildPoint(
        timestamp=f"2025-11-{day:02d}T12:00:00Z",
        commit=COMMIT,
        manifest=f"x86_64-default-base-notebook-{day:012d}",
        size_bytes=size,
        packages=packages,
        **kw,  # type: ignore[arg-type]
    )


def chart_lines(chart: str) -> dict[str, str]:
    """The chart's statements: title, x-axis, y-axis, and `line <name>` -> its values."""
    found = {}
    for line in chart.splitlines()[2:]:
        keyword, _, rest = line.strip().partition(" ")
        if keyword == "line":
            name, _, values = rest.partition(" ")
            found[f"line {decoded(name)}"] = values
        else:
            found[keyword] = decoded(rest)
    return found


def test_a_line_chart_sets_its_colours_and_a_range_around_its_values() -> None:
    chart = line_chart("size", ["11-01", "11-02"], "MB", {"size": [500.0, 600.0]})
    first, kind = chart.splitlines()[:2]
    assert (
        first.startswith("%%{init: ") and '"plotColorPalette": "#1d4ed8, #dc2626, #15803d"' in first
    )
    assert kind == "xychart-beta"
    statements = chart_lines(chart)
    assert statements["title"] == '"size"'
    assert statements["x-axis"] == '["11-01", "11-02"]'
    axis, bottom, arrow, top = statements["y-axis"].split()
    assert (axis, arrow) == ('"MB"', "-->")
    assert 450 < float(bottom) < 500 and 600 < float(top) < 650
    assert statements['line "size"'] == "[500, 600]"


def test_big_values_are_written_as_plain_decimals() -> None:
    """Mermaid's xychart reads no exponent (`2.5e+06`)."""
    chart = line_chart("size", ["11-01", "11-02"], "MB", {"size": [2_500_000.0, 12_345_678.5]})
    statements = chart_lines(chart)
    assert statements['line "size"'] == "[2500000, 12345678.5]"
    _, bottom, _, top = statements["y-axis"].split()
    assert re.fullmatch(r"\d+(\.\d)?", bottom) and re.fullmatch(r"\d+(\.\d)?", top)
    assert float(bottom) < 2_500_000 and float(top) > 12_345_678.5


def test_the_table_shows_what_the_wiki_says_as_text() -> None:
    """A timestamp, commit or page name is shown as it is: no link, code or HTML of its own."""
    hostile = BuildPoint(
        timestamp="2025-11-24T12:00:00Z](https://evil.example)[x <b>|</b>",
        commit="`|<i>",
        manifest="a b)(c",
        changes={"added": 1},
        changes_page="x)[y](https://evil.example",
    )
    page = history_page("base-notebook", {("x86_64", "default"): [hostile]})
    table = page[page.index("| # |") :]
    rendered = cmarkgfm.github_flavored_markdown_to_html(table, options=Options.CMARK_OPT_UNSAFE)
    assert re.findall(r"<(\w+)", rendered).count("a") == 2
    assert re.findall(r'href="([^"]*)"', rendered) == [
        "./a%20b%29%28c",
        "./x%29%5By%5D%28https%3A%2F%2Fevil.example",
    ]
    assert set(re.findall(r"<(\w+)", rendered)) == {
        "table",
        "thead",
        "tr",
        "th",
        "tbody",
        "td",
        "a",
        "code",
    }
    assert "2025-11-24T12:00:00Z](https://evil.example)[x &lt;b&gt;|&lt;/b&gt;" in rendered
    assert "<code>`|&lt;i&gt;</code>" in rendered


def test_the_charts_of_a_series_size_packages_and_changes() -> None:
    points = [
        point(1, packages=300),
        point(2, size=612_300_000, packages=302, changes={"added": 2, "removed": 0, "upgraded": 5}),
    ]
    size, packages, changes = history_charts("base-notebook (x86_64)", points)
    assert chart_lines(size)['line "size"'] == "[600, 612.3]"
    assert chart_lines(packages)['line "packages"'] == "[300, 302]"
    assert chart_lines(changes)["x-axis"] == '["11-02"]'  # the first build has no changes
    assert {
        key: value for key, value in chart_lines(changes).items() if key.startswith("line")
    } == {
        'line "added"': "[2]",
        'line "removed"': "[0]",
        'line "upgraded"': "[5]",
    }
    assert chart_lines(changes)["y-axis"].startswith('"packages" 0 -->')


def test_builds_without_a_value_are_left_out_of_its_chart_only() -> None:
    points = [point(1, packages=None), point(2, size=None, packages=310)]
    size, packages = history_charts("x", points)
    assert chart_lines(size)["x-axis"] == '["11-01"]'
    assert chart_lines(packages)["x-axis"] == '["11-02"]'


def test_days_label_few_builds_and_numbers_label_many() -> None:
    two_a_day = [point(1), point(1), point(2)]
    (size, *_) = history_charts("x", two_a_day)
    assert chart_lines(size)["x-axis"] == '["11-01", "11-01 (2)", "11-02"]'
    many = [point(day) for day in range(1, DATED_BUILDS + 2)]
    (size, *_) = history_charts("x", many)
    assert chart_lines(size)["x-axis"] == str([str(n) for n in range(1, DATED_BUILDS + 2)]).replace(
        "'", '"'
    )


def test_hostile_titles_stay_text() -> None:
    chart = line_chart('x"] line [9', ["a\nb"], "MB", {'y"': [1.0]})
    body = chart.split("\n", 1)[1]  # below the init directive
    assert body.count('"') == 8  # title, one label, the axis title and the line's name
    assert chart_lines(chart)["title"] == '"x"] line [9"'


def test_the_page_has_a_section_per_series_default_variant_first_then_a_table() -> None:
    changes = {"added": 1, "removed": 2, "upgraded": 3}
    series = {
        ("x86_64", "cuda12"): [point(3)],
        ("x86_64", "default"): [point(1), point(2, changes=changes, changes_page="p-changes")],
        ("aarch64", "default"): [point(4)],
    }
    page = history_page("base-notebook", series)
    assert page.startswith("# base-notebook: build history\n\n[Home](./Home) · the last 2 builds")
    assert re.findall(r"^## (.*)$", page, re.MULTILINE) == ["aarch64", "x86_64", "x86_64, cuda12"]
    assert len(mermaid_blocks(page)) == 2 + 3 + 2
    rows = [line for line in page.splitlines() if line.startswith("| 2 |")]
    assert rows == [
        f"| 2 | [2025-11-02T12:00:00Z](./x86_64-default-base-notebook-{2:012d}) | `95157f9d3e14` "
        "| 600 MB | 300 | [+1 \N{MINUS SIGN}2 ↑3](./p-changes) |"
    ]
    # Newest first in the table.
    x86 = page.split("## x86_64\n")[1].split("## x86_64, cuda12")[0]
    assert x86.index("| 2 |") < x86.index("| 1 |")
