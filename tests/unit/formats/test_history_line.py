"""The build history line read back, ours and the Jupyter wiki's rows alike, by one reader."""

from __future__ import annotations

import pytest

from inspections.formats.history_line import (
    HistoryLine,
    HistoryLineError,
    history_line,
    is_written_form,
    line_of,
    read_history_line,
    render_history_line,
)
from tests.publishing.jupyter_wiki import REPOSITORY as JUPYTER_REPOSITORY
from tests.publishing.jupyter_wiki import row as jupyter_row
from tests.unit.formats.pyspark import SHA, inspected

OLD = "a" * 40


@pytest.mark.parametrize(
    ("changes", "with_changes"),
    [({}, False), ({}, True), ({"variant": "cuda12"}, False), ({"tags": ()}, False)],
)
def test_a_history_line_reads_back_as_its_build(
    changes: dict[str, object], with_changes: bool
) -> None:
    image = inspected(**changes)
    text = history_line(image, with_changes)
    read = read_history_line(text)
    assert read == line_of(image, with_changes)
    assert (read.timestamp, read.commit, read.manifest_stem) == (
        "2024-01-02T03:04:05Z",
        SHA,
        image.manifest_stem,
    )
    assert read.references == tuple(image.reference(tag) for tag in image.tags)
    assert read.tags == tuple(image.prefixed(tag) for tag in image.tags)
    assert read.repository == "https://github.com/jupyter/docker-stacks"
    assert read.changes is with_changes
    assert read.is_build_of("pyspark-notebook", "x86_64", image.variant)
    assert not read.is_build_of("notebook", "x86_64", image.variant)
    assert is_written_form(read, text)
    assert render_history_line(read) == text


def test_a_row_of_the_jupyter_wiki_is_read() -> None:
    text = jupyter_row("2026-11-27T14:50:46Z", "aarch64", "base-notebook", OLD, ("lab-4.4.0",))
    read = read_history_line(text)
    assert read == HistoryLine(
        timestamp="2026-11-27T14:50:46Z",
        references=("localhost/demo/base-notebook:aarch64-lab-4.4.0",),
        commit=OLD,
        repository=JUPYTER_REPOSITORY,
        dockerfile=f"{JUPYTER_REPOSITORY}/blob/{OLD}/images/base-notebook/Dockerfile",
        manifest_stem=f"aarch64-default-base-notebook-{OLD[:12]}",
    )
    assert read.tags == ("aarch64-lab-4.4.0",)
    assert is_written_form(read, text)


def test_an_older_row_with_a_spaced_date_is_read() -> None:
    sha = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"
    url = "https://github.com/example/demo-stack"
    text = (
        f"| 2026-11-27 11:38:14 (UTC) | `localhost/demo/base-notebook:x86_64-latest`<br />"
        f"`localhost/demo/base-notebook:x86_64-hub-6.1.1` | [Git diff]({url}/commit/{sha})<br />"
        f"[Dockerfile]({url}/blob/{sha}/demo/base-notebook/Dockerfile)<br />"
        f"[Build manifest](./x86_64-default-base-notebook-{sha[:12]}) |"
    )
    read = read_history_line(text)
    assert read.timestamp == "2026-11-27T11:38:14Z"
    assert read.tags == ("x86_64-latest", "x86_64-hub-6.1.1")
    assert read.repository == url
    assert not is_written_form(read, text)


@pytest.mark.parametrize(
    ("text", "dockerfile", "references"),
    [
        # no backticks around the date, no Dockerfile link
        (
            f"| 2026-11-27T14:50:46Z | `r/o/i:t` | [Git diff](https://x/commit/{OLD})"
            "<br />[Build manifest](./x86_64-default-i-aaaaaaaaaaaa) |",
            "",
            ("r/o/i:t",),
        ),
        # no tags
        (
            f"| `2026-11-27T14:50:46Z` |  | [Git diff](https://x/commit/{OLD})<br />"
            f"[Dockerfile](https://x/blob/{OLD}/i/Dockerfile)<br />"
            "[Build manifest](./x86_64-default-i-aaaaaaaaaaaa) |",
            f"https://x/blob/{OLD}/i/Dockerfile",
            (),
        ),
    ],
)
def test_rows_missing_a_part_are_read(
    text: str, dockerfile: str, references: tuple[str, ...]
) -> None:
    read = read_history_line(text)
    assert (read.timestamp, read.commit, read.manifest_stem) == (
        "2026-11-27T14:50:46Z",
        OLD,
        "x86_64-default-i-aaaaaaaaaaaa",
    )
    assert (read.dockerfile, read.references) == (dockerfile, references)
    assert is_written_form(read, text) == bool(dockerfile)


def test_a_change_report_link_counts_only_when_it_is_the_builds_own() -> None:
    image = inspected()
    text = history_line(image, with_changes=True)
    elsewhere = text.replace(f"./{image.manifest_stem}-changes", "./another-changes")
    read = read_history_line(elsewhere)
    assert not read.changes
    assert not is_written_form(read, elsewhere)


def test_only_the_exact_row_is_the_written_form() -> None:
    text = history_line(inspected())
    assert is_written_form(read_history_line(text), text)
    for changed in (text + " ", text.replace("`2024", "2024", 1).replace("Z`", "Z", 1)):
        assert not is_written_form(read_history_line(changed), changed)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("| Date | Image | Links |", "expected `2026-11-27T14:50:46Z`"),
        ("| `2026-11-27T14:50:46Z` | `no-tag` | x |", "expected `registry/owner/image:tag`"),
        ("| `2026-11-27T14:50:46Z` | `r/o/i:t` | [Git diff](x) |", "expected [Git diff]"),
        ("not a row", "is not '| date | images | links |'"),
    ],
)
def test_broken_rows_give_one_line(row: str, fragment: str) -> None:
    with pytest.raises(HistoryLineError) as raised:
        read_history_line(row)
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)
