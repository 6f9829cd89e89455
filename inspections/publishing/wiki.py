"""Updating the build history wiki with the builds of one or more runs.

Layout, below the wiki folder:

    Home.md                                   one table per year: month, builds, images, commits
    monthly-files/<year>-<month>.md           the builds of one month, newest first
    manifests/<year>/<year>-<month>/<stem>.md the build manifests, at most `max_manifests`

Everything is computed before the first file is written; a file is rewritten only when its
content changes, so updating twice with the same runs changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from inspections.files import write_atomically
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.history import BuildRecord
from inspections.publishing.input_files import read_text
from inspections.publishing.wiki_pages import Row, build_row, home_page, month_page, page_rows

HOME = "Home.md"
MONTHLY_FOLDER = "monthly-files"
MANIFESTS_FOLDER = "manifests"

_MONTH = re.compile(r"\d{4}-\d{2}")
_BUILD_TIMESTAMP = re.compile(r"^- Build timestamp: (\S+)$", re.MULTILINE)


@dataclass
class WikiUpdate:
    """What an update did, relative to the wiki folder."""

    rows_added: int = 0
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def manifest_path(record: BuildRecord) -> Path:
    """Where a build's manifest is filed: `manifests/<year>/<year>-<month>/<stem>.md`."""
    return Path(MANIFESTS_FOLDER, record.month[:4], record.month, record.manifest_name)


def _age(path: Path, content: str) -> tuple[str, str, str]:
    """Sort key of a filed manifest, oldest first: its month folder, build time, then name."""
    timestamp = _BUILD_TIMESTAMP.search(content)
    return (path.parent.name, timestamp.group(1) if timestamp else "", path.name)


def _read_text(path: Path) -> str:
    return read_text(path, "fix or remove this wiki file")


def _existing_rows(wiki: Path) -> dict[str, set[Row]]:
    rows: dict[str, set[Row]] = {}
    for page in sorted((wiki / MONTHLY_FOLDER).glob("*.md")):
        if _MONTH.fullmatch(page.stem):
            rows[page.stem] = set(page_rows(_read_text(page)))
    return rows


def _existing_manifests(wiki: Path) -> dict[Path, str]:
    return {
        path.relative_to(wiki): _read_text(path)
        for path in sorted((wiki / MANIFESTS_FOLDER).glob("*/*/*.md"))
    }


def _kept_manifests(
    existing: dict[Path, str], records: list[BuildRecord], max_manifests: int
) -> dict[Path, str]:
    """Existing and new manifests, the newest build winning a name; the newest `max_manifests`."""
    manifests = dict(existing)
    for record in records:
        path = manifest_path(record)
        if path not in manifests or _age(path, record.manifest) >= _age(path, manifests[path]):
            manifests[path] = record.manifest
    by_age = sorted(manifests, key=lambda path: _age(path, manifests[path]))
    return {path: manifests[path] for path in by_age[-max_manifests:]}


def update_wiki(wiki: Path, records: list[BuildRecord], max_manifests: int) -> WikiUpdate:
    """Add `records` to the wiki's monthly pages, manifests and Home page; drop old manifests."""
    if wiki.exists() and not wiki.is_dir():
        raise PublishUsageError(f"wiki {wiki} is a file: pass the wiki's folder")
    if max_manifests < 1:
        raise PublishUsageError(f"cannot keep {max_manifests} manifests: keep at least 1")
    rows = _existing_rows(wiki)
    before = sum(len(month) for month in rows.values())
    for record in records:
        row = build_row(record.timestamp, record.image, record.cells)
        rows.setdefault(record.month, set()).add(row)
    existing = _existing_manifests(wiki)
    kept = _kept_manifests(existing, records, max_manifests)
    wanted: dict[Path, str] = dict(kept)
    for month, month_rows in rows.items():
        wanted[Path(MONTHLY_FOLDER, f"{month}.md")] = month_page(month, month_rows)
    wanted[Path(HOME)] = home_page(rows)

    update = WikiUpdate(rows_added=sum(len(month) for month in rows.values()) - before)
    for relative, content in wanted.items():
        path = wiki / relative
        if not path.is_file() or _read_text(path) != content:
            write_atomically(path, content)
            update.written.append(relative)
    for relative in sorted(set(existing) - set(kept)):
        (wiki / relative).unlink()
        update.removed.append(relative)
        for folder in (relative.parent, relative.parent.parent):
            if not any((wiki / folder).iterdir()):
                (wiki / folder).rmdir()
    return update
