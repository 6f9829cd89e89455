"""The wiki's Home page read back as it is written: its intro, and its tables' numbers."""

from __future__ import annotations

import re

import pytest

from inspections.formats.wiki_home import (
    DEFAULT_TEMPLATE,
    TABLES_MARKER,
    MonthRow,
    fill_template,
    home_page,
    intro_of,
    last_day,
    page_counts,
)
from inspections.formats.wiki_pages import WikiFormatError, month_page_header, with_row
from tests.publishing.jupyter_wiki import row as jupyter_row
from tests.unit.formats.manifests import history_row

YEARS = {
    "2025": [MonthRow("2025-11", 3, 20, 41), MonthRow("2025-12", 1, 7, 0)],
    "2026": [MonthRow("2026-01", 12, 130, 1234)],
}
CELL = re.compile(r"^\| \[`(?P<month>\d{4}-\d{2})`\]\(\./(?P=month)\) +\| +(?P<builds>\d+) +\| "
                  r"+(?P<images>\d+) +\| \[(?P<commits>\d+)\]\((?P<link>[^)]*)\) +\|$")  # fmt: skip


def commits_link(count: int, since: str, until: str) -> str:
    return f"[{count}](https://example.org/r/commits/main/?since={since}&until={until})"


def test_the_tables_read_back_as_the_months_they_were_written_from() -> None:
    intro = fill_template(DEFAULT_TEMPLATE, "example/r")
    pictures = "\n\n## The stack\n\nA picture."
    page = home_page(intro, YEARS, commits_link, pictures)

    assert intro_of(page) == intro
    assert page.startswith(intro + pictures + "\n\n## 2026\n\n")
    rows = [found.groupdict() for line in page.splitlines() if (found := CELL.match(line))]
    assert [
        MonthRow(row["month"], int(row["builds"]), int(row["images"]), int(row["commits"]))
        for row in rows
    ] == [YEARS["2026"][0], YEARS["2025"][1], YEARS["2025"][0]]  # newest first
    assert rows[1]["link"].endswith("?since=2025-12-01&until=2025-12-31")
    totals = re.findall(r"^\| \*\*Total\*\* +\| +(\d+) +\| +(\d+) +\| \[(\d+)\]", page, re.M)
    assert totals == [("12", "130", "1234"), ("4", "27", "41")]


def test_a_months_page_is_counted_as_its_rows_say() -> None:
    """Builds: the rows of the builds image but aarch64's; images: the rows with a manifest."""
    rows = [
        history_row("base-notebook", "a" * 40, "2025-11-01T10:00:00Z", []),
        history_row("base-notebook", "b" * 40, "2025-11-02T10:00:00Z", []),
        history_row("minimal-notebook", "b" * 40, "2025-11-02T10:00:00Z", []),
        jupyter_row("2025-11-03T10:00:00Z", "aarch64", "base-notebook", "c" * 40, ()),
    ]
    page = None
    for row in rows:
        page = with_row(page, "2025-11", row)
    assert page is not None
    assert page_counts(page, "base-notebook") == (2, 4)
    assert page_counts(page, "minimal-notebook") == (1, 4)
    assert page_counts(month_page_header("2025-11"), "base-notebook") == (0, 0)


def test_a_template_gives_its_intro_with_the_repository_and_braces() -> None:
    template = f"# {{REPOSITORY}} {{{{x}}}}\n\n{TABLES_MARKER}\nignored {{\n"
    assert fill_template(template, "o/n") == f"# o/n {{x}}\n\n{TABLES_MARKER}"
    with pytest.raises(WikiFormatError, match="lone brace"):
        fill_template(f"{{oops}}\n{TABLES_MARKER}\n", "o/n")
    with pytest.raises(WikiFormatError, match="has no <!-- YEAR_MONTHLY_TABLES --> line"):
        intro_of("# no marker\n")


@pytest.mark.parametrize(
    ("month", "day"),
    [("2024-02", "2024-02-29"), ("2025-02", "2025-02-28"), ("2025-12", "2025-12-31")],
)
def test_the_last_day_of_a_month(month: str, day: str) -> None:
    assert last_day(month) == day
