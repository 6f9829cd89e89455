"""The build history wiki's layout and monthly pages, read back as they are written."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from inspections.formats.history_line import line_of, read_history_line
from inspections.formats.manifest import manifest_markdown, read_build_manifest
from inspections.formats.run_folder import manifest_name
from inspections.formats.wiki_pages import (
    CHANGES_FOLDER,
    HOME,
    IMAGES_FOLDER,
    MONTH,
    MONTHLY_FOLDER,
    WikiFormatError,
    changes_path,
    history_page_image,
    history_page_path,
    is_history_page,
    is_page,
    manifest_path,
    manifest_timestamp,
    month_page_header,
    month_page_path,
    with_row,
)
from tests.unit.formats.manifests import demo_build, history_row

COMMITS = ["a" * 40, "b" * 40, "c" * 40]


@pytest.mark.parametrize("month", ["2025-01", "2025-12", "1999-09"])
def test_a_months_page_is_found_again_by_its_path(month: str) -> None:
    path = month_page_path(month)
    assert path.parts[:2] == (str(MONTHLY_FOLDER), month[:4])
    assert is_page(path)
    found = MONTH.fullmatch(path.stem)  # as the wiki's pages are read
    assert found is not None and found.group() == month and found["year"] == path.parts[1]


def test_rows_go_on_top_of_their_page_once_and_read_back() -> None:
    rows = [
        history_row("base-notebook", commit, f"2025-11-0{day}T10:00:00Z", ["python-3.12"])
        for day, commit in enumerate(COMMITS, start=1)
    ]
    page = None
    for row in rows:
        page = with_row(page, "2025-11", row)
    assert page is not None
    assert with_row(page, "2025-11", rows[0]) == page  # a row already there is not added again
    header = month_page_header("2025-11")
    assert page.startswith(header)
    body = page.removeprefix(header).splitlines()
    assert body == rows[::-1]  # newest first
    read = [read_history_line(line) for line in body]
    builds = [
        demo_build("base-notebook", commit, f"2025-11-0{day}T10:00:00Z", tags=("python-3.12",))
        for day, commit in enumerate(COMMITS, start=1)
    ]
    assert read == [line_of(build) for build in builds[::-1]]


def test_a_page_without_its_header_gets_no_row() -> None:
    row = history_row("base-notebook", COMMITS[0], "2025-11-01T10:00:00Z", [])
    with pytest.raises(WikiFormatError, match="has no header '# Images built during 2025-11'"):
        with_row(month_page_header("2025-10"), "2025-11", row)


@pytest.mark.parametrize("timestamp", ["2025-11-24T16:00:00Z", "2026-01-01T00:00:00Z"])
def test_a_manifest_is_filed_by_the_timestamp_it_was_written_with(timestamp: str) -> None:
    build = demo_build("base-notebook", COMMITS[0], timestamp)
    text = manifest_markdown(build)
    assert manifest_timestamp(text) == read_build_manifest(text).timestamp == timestamp
    path = manifest_path(manifest_timestamp(text), manifest_name(build.manifest_stem))
    assert path.parts[1:3] == (timestamp[:4], timestamp[:7])
    assert path.stem == build.manifest_stem and is_page(path)


def test_a_change_report_is_filed_as_the_page_its_row_links() -> None:
    build = demo_build("base-notebook", COMMITS[0], "2025-11-24T16:00:00Z")
    manifest = manifest_path(build.timestamp, manifest_name(build.manifest_stem))
    report = changes_path(manifest)
    assert report.parts[0] == str(CHANGES_FOLDER)
    assert report.parent.relative_to(CHANGES_FOLDER) == manifest.parent.relative_to("manifests")
    assert is_page(report)
    assert report.stem == line_of(build, with_changes=True).changes_page


@pytest.mark.parametrize("image", ["base-notebook", "r.notebook_2", "history"])
def test_an_images_history_page_is_known_again_by_its_path(image: str) -> None:
    path = history_page_path(image)
    assert path.parent == IMAGES_FOLDER and is_page(path)
    assert is_history_page(path)
    assert history_page_image(path) == image


@pytest.mark.parametrize(
    "path",
    [HOME, "images/notes.md", "images/x-history.txt", "images/old/x-history.md", "x-history.md"],
)
def test_other_files_are_no_history_pages(path: PurePosixPath | str) -> None:
    assert not is_history_page(PurePosixPath(path))
