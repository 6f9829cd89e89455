"""Adding the builds of runs to a build history wiki in the Jupyter Docker Stacks' layout.

An update does what their own wiki tool does: each history line goes on top of its month's
page (in the order of the history files' names, unless the page has it already), each
manifest is filed by its build timestamp, the Home page is written again from its intro and
the monthly pages, and only the newest manifests are kept. It also draws the stack on the Home
page and writes a page of charts per image (see `wiki_pictures`). Everything is read and computed
first; the changes are then made all at once (see `staged_update`), or not at all. The wiki
is read and written only through its own files: a symlink in it is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NoReturn
from urllib.parse import urlsplit

from inspections.files import UnreadableFileError, UnsafePathError
from inspections.formats.manifest import manifest_image
from inspections.formats.stack_diagram import DiagramBuild
from inspections.formats.wiki_home import (
    DEFAULT_TEMPLATE,
    MonthRow,
    fill_template,
    home_page,
    intro_of,
    page_counts,
)
from inspections.formats.wiki_pages import (
    CHANGES_FOLDER,
    HOME,
    IMAGES_FOLDER,
    MANIFESTS_FOLDER,
    MONTH,
    MONTHLY_FOLDER,
    PAGE_SUFFIX,
    YEAR,
    WikiFormatError,
    changes_path,
    is_page,
    manifest_path,
    manifest_timestamp,
    month_page_path,
    with_row,
)
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.run_history import BuildRecord
from inspections.publishing.staged_update import apply_changes, recover
from inspections.publishing.wiki_pictures import (
    FiledBuild,
    history_pages,
    home_pictures,
    page_changes,
)
from inspections.safe_folder import SafeFolder

TOOL = "stack-update-wiki"


@dataclass(frozen=True)
class WikiSettings:
    """How to update: which repository and checkout, which intro, how many manifests."""

    max_manifests: int
    commits_in_month: Callable[[str], int]  # YYYY-MM -> commits that month
    repository: str = ""  # URL; default: the one the runs' history lines link to
    branch: str = "main"  # in the Home page's links to the commits
    home_template: str | None = None  # default: the wiki's Home.md intro, else DEFAULT_TEMPLATE
    builds_image: str = "base-notebook"  # whose x86_64 lines count the builds


@dataclass
class WikiUpdate:
    """What an update did, relative to the wiki folder."""

    rows_added: int = 0
    written: list[PurePosixPath] = field(default_factory=list)
    removed: list[PurePosixPath] = field(default_factory=list)
    recovered: bool = False


@dataclass
class _Wiki:
    """The parts of the wiki an update reads: monthly pages, manifests' timestamps, Home."""

    pages: dict[str, str] = field(default_factory=dict)  # month -> page
    years: set[str] = field(default_factory=set)  # folders of monthly-files
    manifests: dict[PurePosixPath, str] = field(default_factory=dict)  # path -> build time
    images: dict[PurePosixPath, str] = field(default_factory=dict)  # path -> its title's image
    home: str | None = None


def _format_error(folder: SafeFolder, path: PurePosixPath, error: WikiFormatError) -> NoReturn:
    raise PublishUsageError(f"wiki page {folder.shown(path)} {error}: fix or remove it") from error


def _read_pages(folder: SafeFolder, wiki: _Wiki) -> None:
    for year, is_folder in folder.entries(MONTHLY_FOLDER):
        if not is_folder or not YEAR.fullmatch(year):
            raise PublishUsageError(
                f"{folder.shown(MONTHLY_FOLDER / year)} is not a year's folder (YYYY): move it away"
            )
        wiki.years.add(year)
        for name, _ in folder.entries(MONTHLY_FOLDER / year):
            path = MONTHLY_FOLDER / year / name
            if not is_page(path):
                continue
            month = MONTH.fullmatch(path.stem)
            if month is None or month["year"] != year:
                raise PublishUsageError(
                    f"{folder.shown(path)} is not a page of {year} "
                    f"({year}-MM{PAGE_SUFFIX}): move it away"
                )
            wiki.pages[month.group()] = folder.read_text(path) or ""


def _read_manifests(folder: SafeFolder, wiki: _Wiki) -> None:
    for path in folder.files_below(MANIFESTS_FOLDER):
        if is_page(path):
            text = folder.read_text(path) or ""
            try:
                wiki.manifests[path] = manifest_timestamp(text)
            except WikiFormatError as error:
                _format_error(folder, path, error)
            image = manifest_image(text)
            if image is not None:
                wiki.images[path] = image


def _read_wiki(folder: SafeFolder) -> _Wiki:
    wiki = _Wiki()
    _read_pages(folder, wiki)
    _read_manifests(folder, wiki)
    wiki.home = folder.read_text(HOME)
    return wiki


def _repository(settings: WikiSettings, records: list[BuildRecord]) -> str:
    if settings.repository:
        return settings.repository.rstrip("/")
    linked = sorted({record.repository for record in records})
    if not linked:
        raise PublishUsageError(
            "the runs hold no builds to take the repository from: pass --repository URL"
        )
    if len(linked) > 1:
        raise PublishUsageError(
            f"the runs link to {' and '.join(linked)}: pass --repository URL for the Home "
            "page's links"
        )
    return linked[0]


def _intro(folder: SafeFolder, wiki: _Wiki, settings: WikiSettings, repository: str) -> str:
    if settings.home_template is not None:
        try:
            return fill_template(settings.home_template, urlsplit(repository).path.strip("/"))
        except WikiFormatError as error:
            raise PublishUsageError(f"the Home page template {error}: fix it") from error
    if wiki.home is None:
        return fill_template(DEFAULT_TEMPLATE, urlsplit(repository).path.strip("/"))
    try:
        return intro_of(wiki.home)
    except WikiFormatError as error:
        raise PublishUsageError(
            f"wiki page {folder.shown(HOME)} {error}: add it, or pass --home-template FILE"
        ) from error


def _add_rows(folder: SafeFolder, wiki: _Wiki, records: list[BuildRecord]) -> int:
    """Put each history line on top of its month's page, in the order of the files' names."""
    added = 0
    for record in sorted(records, key=lambda record: record.history_name):
        page = wiki.pages.get(record.month)
        try:
            updated = with_row(page, record.month, record.line)
        except WikiFormatError as error:
            _format_error(folder, month_page_path(record.month), error)
        added += updated != page
        wiki.pages[record.month] = updated
        wiki.years.add(record.month[:4])
    return added


def _home(wiki: _Wiki, intro: str, settings: WikiSettings, repository: str, pictures: str) -> str:
    years: dict[str, list[MonthRow]] = {year: [] for year in wiki.years}
    for month, page in wiki.pages.items():
        builds, images = page_counts(page, settings.builds_image)
        years[month[:4]].append(MonthRow(month, builds, images, settings.commits_in_month(month)))

    def commits_link(count: int, since: str, until: str) -> str:
        return f"[{count}]({repository}/commits/{settings.branch}/?since={since}&until={until})"

    return home_page(intro, years, commits_link, pictures)


def _oldest_manifests(
    manifests: dict[PurePosixPath, str], max_manifests: int
) -> list[PurePosixPath]:
    """The manifests beyond the newest `max_manifests`, by build timestamp, then path."""
    newest_first = sorted(manifests, key=lambda path: (manifests[path], path.parts), reverse=True)
    return newest_first[max_manifests:]


def _manifest_changes(
    folder: SafeFolder,
    filed: dict[PurePosixPath, str],
    records: list[BuildRecord],
    max_manifests: int,
) -> dict[PurePosixPath, str | None]:
    """The runs' manifests to file (when new or changed), and the oldest ones to remove.

    As their tool copies every manifest in, then removes the oldest beyond the limit; only the
    timestamps of the filed ones are kept in memory.
    """
    times = dict(filed)
    texts: dict[PurePosixPath, str] = {}
    for record in records:
        path = manifest_path(record.timestamp, record.manifest_name)
        times[path], texts[path] = record.timestamp, record.manifest
        if record.changes is not None:
            texts[changes_path(path)] = record.changes
    changes: dict[PurePosixPath, str | None] = {}
    for path in _oldest_manifests(times, max_manifests):
        for filed_path in (path, changes_path(path)):
            texts.pop(filed_path, None)
            if filed_path in filed or folder.read_text(filed_path) is not None:
                changes[filed_path] = None
    for path, text in texts.items():
        if folder.read_text(path) != text:
            changes[path] = text
    return changes


def _filed_builds(
    wiki: _Wiki, records: list[BuildRecord], changes: dict[PurePosixPath, str | None]
) -> list[FiledBuild]:
    """The manifests the wiki holds once `changes` are made."""
    filed = {
        path: FiledBuild(path, wiki.images[path], timestamp)
        for path, timestamp in wiki.manifests.items()
        if path in wiki.images
    }
    for record in records:
        path, image = (
            manifest_path(record.timestamp, record.manifest_name),
            manifest_image(record.manifest),
        )
        if image is not None:
            filed[path] = FiledBuild(path, image, record.timestamp)
    return [build for path, build in filed.items() if changes.get(path, "") is not None]


def _pictures(
    folder: SafeFolder,
    wiki: _Wiki,
    records: list[BuildRecord],
    stack: list[DiagramBuild],
    changes: dict[PurePosixPath, str | None],
) -> str:
    """Add the images' history pages to `changes`; the Home page's pictures."""

    def read(path: PurePosixPath) -> str | None:
        return changes[path] if path in changes else folder.read_text(path)

    pages = history_pages(_filed_builds(wiki, records, changes), read)
    changes.update(page_changes(pages, folder.files_below(IMAGES_FOLDER), read))
    return home_pictures(stack, pages)


def _changes(
    folder: SafeFolder,
    wiki: _Wiki,
    records: list[BuildRecord],
    stack: list[DiagramBuild],
    settings: WikiSettings,
) -> tuple[dict[PurePosixPath, str | None], int]:
    """Each changed file's new text (None: removed), and how many rows were added."""
    repository = _repository(settings, records)
    intro = _intro(folder, wiki, settings, repository)
    before = dict(wiki.pages)
    added = _add_rows(folder, wiki, records)
    changes: dict[PurePosixPath, str | None] = {
        month_page_path(month): page
        for month, page in wiki.pages.items()
        if before.get(month) != page
    }
    changes.update(_manifest_changes(folder, wiki.manifests, records, settings.max_manifests))
    pictures = _pictures(folder, wiki, records, stack, changes)
    home = _home(wiki, intro, settings, repository, pictures)
    if home != wiki.home:
        changes[HOME] = home
    return changes, added


def _remove_emptied_folders(folder: SafeFolder, removed: list[PurePosixPath]) -> None:
    """Remove the month and year folders that removing manifests and reports emptied."""
    for path in removed:
        top = path.parents[-2]  # manifests/ or changes/
        for emptied in path.parents:
            if emptied == top or top not in (MANIFESTS_FOLDER, CHANGES_FOLDER):
                break
            if not folder.remove_if_empty(emptied):
                break


def _update(
    wiki: Path, records: list[BuildRecord], stack: list[DiagramBuild], settings: WikiSettings
) -> WikiUpdate:
    with SafeFolder(wiki) as folder:
        if not folder.lock():
            raise PublishError(
                f"{wiki} is being updated by another {TOOL}: wait for it, then run again"
            )
        update = WikiUpdate(recovered=recover(folder))
        changes, update.rows_added = _changes(folder, _read_wiki(folder), records, stack, settings)
        if changes:
            apply_changes(folder, changes)
        update.written = sorted(path for path, text in changes.items() if text is not None)
        update.removed = sorted(path for path, text in changes.items() if text is None)
        _remove_emptied_folders(folder, update.removed)
    return update


def update_wiki(
    wiki: Path,
    records: list[BuildRecord],
    settings: WikiSettings,
    stack: list[DiagramBuild] | None = None,
) -> WikiUpdate:
    """Add `records` to the wiki's monthly pages, manifests and Home page; drop old manifests;
    draw the image history pages, and the Home page's stack from `stack` (every image build
    of the runs, failed ones too).

    A missing wiki folder is created, and removed again if the update fails.
    """
    if wiki.exists() and not wiki.is_dir():
        raise PublishUsageError(f"wiki {wiki} is a file: pass the wiki's folder")
    if settings.max_manifests < 1:
        raise PublishUsageError(f"cannot keep {settings.max_manifests} manifests: keep at least 1")
    created = not wiki.exists()
    try:
        wiki.mkdir(parents=True, exist_ok=True)
        return _update(wiki, records, stack or [], settings)
    except (UnsafePathError, UnreadableFileError) as error:
        raise PublishUsageError(str(error)) from error
    except OSError as error:
        raise PublishError(
            f"cannot update the wiki {wiki} ({error.strerror}): nothing was changed"
        ) from error
    finally:
        if created and wiki.is_dir() and not any(wiki.iterdir()):
            wiki.rmdir()
