"""The Markdown pages of the build history wiki: one page per month, and the Home page."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tabulate import tabulate

_ROW = re.compile(r"\| (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \(UTC\) \| ([^|]+?) \| (.*\|)")
_COMMIT = re.compile(r"/commit/([0-9a-f]{7,40})\)")

MONTH_HEADER = ["| Date | Image | Tags | Links |", "| --- | --- | --- | --- |"]
HOME_HEADERS = ["Month", "Builds", "Images", "Commits"]


@dataclass(frozen=True)
class Row:
    """One row of a monthly page: a build of one image."""

    text: str
    timestamp: str
    image: str
    commit: str


def build_row(timestamp: str, image: str, cells: str) -> Row:
    """The row of a build: `| <date> (UTC) | <image> | <tags> | <links> |`."""
    commit = _COMMIT.search(cells)
    text = f"| {timestamp} (UTC) | {image} | {cells}"
    return Row(text, timestamp, image, commit.group(1) if commit else "")


def parse_row(text: str) -> Row | None:
    """The row `text` of a monthly page, or None for any other line."""
    matched = _ROW.fullmatch(text.strip())
    if matched is None:
        return None
    return build_row(matched.group(1), matched.group(2), matched.group(3))


def page_rows(markdown: str) -> list[Row]:
    """The rows of a monthly page; the title, header and any other line are not rows."""
    return [row for line in markdown.splitlines() if (row := parse_row(line)) is not None]


def newest_first(rows: Iterable[Row]) -> list[Row]:
    """Rows by time, newest first; rows of the same time by their text, for a stable page."""
    by_text = sorted(rows, key=lambda row: row.text)
    return sorted(by_text, key=lambda row: row.timestamp, reverse=True)


def month_page(month: str, rows: Iterable[Row]) -> str:
    """The page of one month: a title, then one table of its builds, newest first."""
    lines = [
        f"# Build history: {month}",
        "",
        "Every image built this month, newest first. Back to [all months](./Home).",
        "",
        *MONTH_HEADER,
        *(row.text for row in newest_first(rows)),
    ]
    return "\n".join(lines) + "\n"


def home_page(rows_by_month: Mapping[str, Iterable[Row]]) -> str:
    """The Home page: one table per year, newest first, with one line per month."""
    years: dict[str, list[list[str | int]]] = {}
    for month in sorted(rows_by_month, reverse=True):
        rows = list(rows_by_month[month])
        years.setdefault(month[:4], []).append(
            [
                f"[{month}](./{month})",
                len(rows),
                len({row.image for row in rows}),
                len({row.commit for row in rows if row.commit}),
            ]
        )
    parts = [
        "# Build history",
        "One page per month lists every image built that month. Builds: image builds; "
        "Images: distinct images; Commits: distinct git commits.",
    ]
    for year, table in years.items():
        parts += [f"## {year}", tabulate(table, headers=HOME_HEADERS, tablefmt="github")]
    return "\n\n".join(parts) + "\n"
