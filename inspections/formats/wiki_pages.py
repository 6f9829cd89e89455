"""The build history wiki's layout and monthly pages, as the Jupyter Docker Stacks keep them,
and the pages only this plugin adds (`images/`).

Every page is a Markdown file `<name>.md` that links reach by its name alone (`./<name>`),
whatever its folder, as GitHub's wikis resolve them:

Home.md                                          the index: an intro, then one table per year
monthly-files/<year>/<year>-<month>.md           a header, then one row per build, newest first
manifests/<year>/<year>-<month>/<stem>.md        the manifests, filed by their build timestamp
changes/<year>/<year>-<month>/<stem>-changes.md  their change reports, when runs had them
images/<image>-history.md                        an image's last builds in charts and a table
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from inspections.formats.history_line import CHANGES_PAGE_SUFFIX
from inspections.formats.manifest import build_timestamp

PAGE_SUFFIX = ".md"
HOME = PurePosixPath(f"Home{PAGE_SUFFIX}")
MONTHLY_FOLDER = PurePosixPath("monthly-files")
MANIFESTS_FOLDER = PurePosixPath("manifests")
CHANGES_FOLDER = PurePosixPath("changes")
IMAGES_FOLDER = PurePosixPath("images")
HISTORY_SUFFIX = "-history"  # an image's history page: `<image>-history`

YEAR = re.compile(r"\d{4}")
MONTH = re.compile(r"(?P<year>\d{4})-(?:0[1-9]|1[0-2])")


class WikiFormatError(ValueError):
    """A wiki page is not in the expected format; the message says what is missing."""


def is_page(path: PurePosixPath) -> bool:
    """Whether a file of the wiki is a page: `<name>.md`."""
    return path.suffix == PAGE_SUFFIX


def month_page_path(month: str) -> PurePosixPath:
    """`monthly-files/<year>/<year>-<month>.md` for a month `YYYY-MM`."""
    return MONTHLY_FOLDER / month[:4] / f"{month}{PAGE_SUFFIX}"


def history_page_path(image: str) -> PurePosixPath:
    """`images/<image>-history.md`."""
    return IMAGES_FOLDER / f"{image}{HISTORY_SUFFIX}{PAGE_SUFFIX}"


def is_history_page(path: PurePosixPath) -> bool:
    """Whether `path` is an image's history page."""
    return path.parent == IMAGES_FOLDER and path.name.endswith(f"{HISTORY_SUFFIX}{PAGE_SUFFIX}")


def history_page_image(path: PurePosixPath) -> str:
    """The image whose history page `path` is."""
    return path.stem.removesuffix(HISTORY_SUFFIX)


def manifest_path(timestamp: str, name: str) -> PurePosixPath:
    """Where a manifest built at `timestamp` is filed: `manifests/<year>/<year>-<month>/<name>`."""
    return MANIFESTS_FOLDER / timestamp[:4] / timestamp[:7] / name


def changes_path(manifest: PurePosixPath) -> PurePosixPath:
    """Where the change report of a filed manifest goes: `changes/…/<stem>-changes.md`.

    A wiki's pages are reached by their name alone, so the report's page is its manifest's
    name with `-changes`, the name its history line links to.
    """
    relative = manifest.relative_to(MANIFESTS_FOLDER)
    return CHANGES_FOLDER / relative.parent / f"{relative.stem}{CHANGES_PAGE_SUFFIX}{PAGE_SUFFIX}"


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
