"""The build history wiki's layout and monthly pages, as the Jupyter Docker Stacks keep them.

Home.md                                     the index: an intro, then one table per year
monthly-files/<year>/<year>-<month>.md      a header, then one row per build, newest first
manifests/<year>/<year>-<month>/<stem>.md   the manifests, filed by their build timestamp
changes/<year>/<year>-<month>/<stem>-changes.md   their change reports, when runs had them
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from inspections.formats.history_line import CHANGES_PAGE_SUFFIX
from inspections.formats.manifest import build_timestamp

HOME = PurePosixPath("Home.md")
MONTHLY_FOLDER = PurePosixPath("monthly-files")
MANIFESTS_FOLDER = PurePosixPath("manifests")
CHANGES_FOLDER = PurePosixPath("changes")

YEAR = re.compile(r"\d{4}")
MONTH = re.compile(r"(?P<year>\d{4})-(?:0[1-9]|1[0-2])")


class WikiFormatError(ValueError):
    """A wiki page is not in the expected format; the message says what is missing."""


def month_page_path(month: str) -> PurePosixPath:
    """`monthly-files/<year>/<year>-<month>.md` for a month `YYYY-MM`."""
    return MONTHLY_FOLDER / month[:4] / f"{month}.md"


def manifest_path(timestamp: str, name: str) -> PurePosixPath:
    """Where a manifest built at `timestamp` is filed: `manifests/<year>/<year>-<month>/<name>`."""
    return MANIFESTS_FOLDER / timestamp[:4] / timestamp[:7] / name


def changes_path(manifest: PurePosixPath) -> PurePosixPath:
    """Where the change report of a filed manifest goes: `changes/…/<stem>-changes.md`.

    A wiki's pages are reached by their name alone, so the report's page is its manifest's
    name with `-changes`, the name its history line links to.
    """
    relative = manifest.relative_to(MANIFESTS_FOLDER)
    return CHANGES_FOLDER / relative.parent / f"{relative.stem}{CHANGES_PAGE_SUFFIX}.md"


def month_page_header(month: str) -> str:
    """The start of every monthly page: its title and the table's header."""
    return f"# Images built during {month}\n\n| Date | Image | Links |\n| - | - | - |\n"


def with_row(page: str | None, month: str, row: str) -> str:
    """The monthly page (None: a new one) with `row` added right below its header.

    A row already on the page is not added again.
    """
    header = month_page_header(month)
    text = header if page is None else page
    if header not in text:
        raise WikiFormatError(f"has no header {header.splitlines()[0]!r} and its table header")
    if row in text:
        return text
    return text.replace(header, header + row + "\n")


def manifest_timestamp(text: str) -> str:
    """The build timestamp a manifest is filed by, as `manifest.build_timestamp` reads it."""
    timestamp = build_timestamp(text)
    if timestamp is None:
        raise WikiFormatError("has no line '- Build timestamp: YYYY-MM-DDTHH:MM:SSZ'")
    return timestamp
