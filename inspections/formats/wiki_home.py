"""The wiki's Home page, as the Jupyter Docker Stacks write it.

The page is an intro that ends with a marker line, then one table per year, newest first:
one row per month (its builds, its single-platform images, the commits made that month),
then a total row.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from inspections.formats.wiki_pages import WikiFormatError

TABLES_MARKER = "<!-- YEAR_MONTHLY_TABLES -->"
HEADERS = ("Month", "Builds", "Images", "Commits")
_PLACEHOLDERS = re.compile(r"\{\{|\}\}|\{REPOSITORY\}|[{}]")

DEFAULT_TEMPLATE = """\
# {REPOSITORY}: build history

<!-- Written by stack-update-wiki on every update: edits here are overwritten -->

Every build of the stack's images is listed below, by year and month. A month's page has one
line per image built: its tags, the commit it was built from, its Dockerfile and its build
manifest (the image's packages and versions).

Only the newest build manifests are kept; the links of older lines may lead nowhere.

In the tables below:

- `YYYY-MM`: the page of the images built that month
- `Builds`: how many times the whole stack was built
- `Images`: how many single-platform images were built
- `Commits`: how many commits the repository got that month, linked to their list

<!-- Everything below is written by stack-update-wiki -->
<!-- YEAR_MONTHLY_TABLES -->
"""


@dataclass(frozen=True)
class MonthRow:
    """One month of the Home page: its numbers, from its page and the repository."""

    month: str  # YYYY-MM
    builds: int
    images: int
    commits: int


def fill_template(template: str, repository: str) -> str:
    """The intro a template gives: up to its marker, `{REPOSITORY}` replaced by `repository`.

    As in a Python format string, `{{` and `}}` stand for single braces; any other brace is
    an error.
    """
    intro = intro_of(template)

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        if found in ("{", "}"):
            raise WikiFormatError(
                "has a lone brace: write {REPOSITORY} for the repository, {{ and }} for braces"
            )
        return {"{{": "{", "}}": "}"}.get(found, repository)

    return _PLACEHOLDERS.sub(replace, intro)


def intro_of(home: str) -> str:
    """The part of a Home page or template up to, and with, its marker."""
    end = home.find(TABLES_MARKER)
    if end < 0:
        raise WikiFormatError(f"has no {TABLES_MARKER} line, below which the tables go")
    return home[: end + len(TABLES_MARKER)]


def page_counts(page: str, builds_image: str) -> tuple[int, int]:
    """Builds and images of a monthly page.

    A stack build adds one line per image and platform: builds are counted as the lines of
    `builds_image` not built for aarch64; images as the lines linking a build manifest.
    """
    builds = sum(f"/{builds_image}" in line and "aarch64" not in line for line in page.split("\n"))
    return builds, page.count("Build manifest")


def last_day(month: str) -> str:
    """The last day of a month `YYYY-MM`, as `YYYY-MM-DD`."""
    year, number = int(month[:4]), int(month[5:])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str | int]]) -> str:
    """A GitHub table padded to its widest cells: numbers right-aligned, text left-aligned.

    Every column is at least two wider than its header, as `tabulate` pads them.
    """
    numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]
    widths = [
        max([len(header) + 2, *(len(str(row[i])) for row in rows)])
        for i, header in enumerate(headers)
    ]

    def line(cells: Sequence[str | int]) -> str:
        aligned = [
            str(cell).rjust(width) if is_number else str(cell).ljust(width)
            for cell, width, is_number in zip(cells, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(aligned) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


CommitsLink = Callable[[int, str, str], str]  # (count, since YYYY-MM-DD, until YYYY-MM-DD)


def year_table(year: str, months: Sequence[MonthRow], commits_link: CommitsLink) -> str:
    """The table of a year: its months, newest first, then the year's total."""
    rows: list[list[str | int]] = [
        [
            f"[`{row.month}`](./{row.month})",
            row.builds,
            row.images,
            commits_link(row.commits, f"{row.month}-01", last_day(row.month)),
        ]
        for row in sorted(months, key=lambda row: row.month, reverse=True)
    ]
    total = [
        sum(getattr(row, field) for row in months) for field in ("builds", "images", "commits")
    ]
    rows.append(
        ["**Total**", total[0], total[1], commits_link(total[2], f"{year}-01-01", f"{year}-12-31")]
    )
    return markdown_table(HEADERS, rows)


def home_page(
    intro: str, years: dict[str, list[MonthRow]], commits_link: CommitsLink, pictures: str = ""
) -> str:
    """The Home page: the intro, the `pictures` (Markdown that starts with a blank line), then
    each year's table, newest year first."""
    tables = "".join(
        f"\n\n## {year}\n\n{year_table(year, years[year], commits_link)}"
        for year in sorted(years, reverse=True)
    )
    return f"{intro}{pictures}{tables}\n"
