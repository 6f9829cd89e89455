"""Reading tags files through their run's record, and refusing anything else with one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inspections.publishing.errors import PublishUsageError
from inspections.publishing.merging import group_tags_files, plan_merge
from inspections.publishing.run_folders import read_run_tags, tags_file_arguments
from inspections.publishing.tags_files import TagsFile, check_one_image_per_reference
from tests.publishing.runs import (
    COMMIT,
    UNKNOWN_IMAGE_ID,
    WHEN,
    Build,
    edit_record,
    rewrite_backed,
    tags_file,
    write_run,
)

OTHER_ID = "sha256:" + "1" * 64
SECRET = "root:$y$j9T$SECRETSECRET:19000:0:99999:7:::"


def _passed_tags_files(runs: list[Path]) -> list[TagsFile]:
    """The tags files of the runs' passed images; these tests are not about skipped ones."""
    tags_files, _ = read_run_tags(runs, lambda _note: None)
    return tags_files


def test_default_variant_tags_file(tmp_path: Path) -> None:
    build = Build("base-notebook", tags=("python-3.11.2",), image_id=OTHER_ID)
    write_run(tmp_path, WHEN, COMMIT, [build])
    [found] = tags_file_arguments([tags_file(tmp_path, build)])
    assert (found.platform, found.variant, found.image, found.image_id) == (
        "x86_64",
        "default",
        "base-notebook",
        OTHER_ID,
    )
    assert [str(r) for r in found.references] == [
        "localhost/demo/base-notebook:x86_64-latest",
        "localhost/demo/base-notebook:x86_64-python-3.11.2",
    ]
    assert [str(found.unprefixed(r)) for r in found.references] == [
        "localhost/demo/base-notebook:latest",
        "localhost/demo/base-notebook:python-3.11.2",
    ]


def test_variant_tags_file_keeps_the_variant_when_unprefixed(tmp_path: Path) -> None:
    build = Build("pytorch-notebook", "aarch64", "cuda12", ("python-3.11.2",), "127.0.0.1:5000")
    write_run(tmp_path, WHEN, COMMIT, [build])
    [found] = tags_file_arguments([tmp_path / "tags" / "aarch64-cuda12-pytorch-notebook.txt"])
    assert (found.platform, found.variant) == ("aarch64", "cuda12")
    assert [r.tag for r in found.references] == [
        "aarch64-cuda12-latest",
        "aarch64-cuda12-python-3.11.2",
    ]
    assert [found.unprefixed(r).tag for r in found.references] == [
        "cuda12-latest",
        "cuda12-python-3.11.2",
    ]


LATEST = "localhost/o/img:x86_64-latest"


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([], "is empty"),
        (["localhost/o/img:x86_64-1.0"], ":1: should be the x86_64-latest tag of img"),
        (["localhost/o/other:x86_64-latest"], ":1: should be the x86_64-latest tag of img"),
        ([LATEST, "localhost/p/img:x86_64-1.0"], ":2: names another repository than line 1"),
        ([LATEST, "localhost/o/img:aarch64-1.0"], ":2: the tag lacks the prefix x86_64-"),
        ([LATEST, LATEST], ":2: repeats line 1"),
        ([LATEST, "oops"], ":2: the reference has no tag"),
        ([SECRET], ":1: the reference has an invalid"),
        (
            [LATEST, "localhost/o/img:x86_64-evil"],
            "does not hold the references inspections.json records for img (x86_64, default)",
        ),
    ],
)
def test_tags_files_the_record_backs_are_still_checked(
    tmp_path: Path, lines: list[str], problem: str
) -> None:
    build = Build("img", owner="o", tags=("1.0",))
    write_run(tmp_path, WHEN, COMMIT, [build])
    path = tags_file(tmp_path, build)
    rewrite_backed(tmp_path, "tags/x86_64-default-img.txt", "".join(f"{x}\n" for x in lines))
    with pytest.raises(PublishUsageError) as raised:
        tags_file_arguments([path])
    message = str(raised.value)
    assert problem in message
    assert message.startswith(str(path))
    assert "\n" not in message
    assert not [line for line in lines if line in message]  # never the file's content


def _unlist_the_tags_file(entry: dict[str, Any]) -> None:
    entry["files"] = {k: v for k, v in entry["files"].items() if not k.startswith("tags/")}


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda entry: entry.update(image_id=""), r"entry 1 \(img\): field image_id is ''"),
        (lambda entry: entry.update(image_id="latest"), "field image_id is 'latest', not an"),
        (lambda entry: entry.update(platform="x86 64"), "field platform is 'x86 64', not a"),
        (_unlist_the_tags_file, r"lists no tags/x86_64-default-img.txt"),
    ],
)
def test_a_passed_entry_must_be_complete(tmp_path: Path, edit: Any, problem: str) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("img")])
    edit_record(tmp_path, edit)
    with pytest.raises(PublishUsageError, match=problem):
        _passed_tags_files([tmp_path])


def test_a_tags_file_must_be_in_the_tags_folder_of_a_run(tmp_path: Path) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("img")])
    moved = tmp_path / "x86_64-default-img.txt"
    moved.write_bytes((tmp_path / "tags" / moved.name).read_bytes())
    with pytest.raises(PublishUsageError, match="is not in the tags folder of a run folder"):
        tags_file_arguments([moved])


def test_a_tags_file_the_record_does_not_list_is_refused(tmp_path: Path) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("img")])
    extra = tmp_path / "tags" / "x86_64-default-other.txt"
    extra.write_text("localhost/demo/other:x86_64-latest\n")
    with pytest.raises(PublishUsageError, match=r"is not listed in .*inspections\.json"):
        tags_file_arguments([extra])


def test_merge_plan_strips_the_platform_and_lists_the_declaring_platforms(tmp_path: Path) -> None:
    x86_build = Build("img", "x86_64", tags=("a", "x86"), image_id=OTHER_ID)
    x86 = write_run(tmp_path / "x86", WHEN, COMMIT, [x86_build])
    arm = write_run(tmp_path / "arm", WHEN, COMMIT, [Build("img", "aarch64", tags=("a",))])
    groups = group_tags_files(_passed_tags_files([x86, arm]))
    assert list(groups) == [("img", "default")]
    plan = plan_merge(groups[("img", "default")])
    assert [
        (str(merged.target), [(s.platform, str(s.reference), s.image_id) for s in merged.sources])
        for merged in plan
    ] == [
        (
            "localhost/demo/img:latest",
            [
                ("aarch64", "localhost/demo/img:aarch64-latest", UNKNOWN_IMAGE_ID),
                ("x86_64", "localhost/demo/img:x86_64-latest", OTHER_ID),
            ],
        ),
        (
            "localhost/demo/img:a",
            [
                ("aarch64", "localhost/demo/img:aarch64-a", UNKNOWN_IMAGE_ID),
                ("x86_64", "localhost/demo/img:x86_64-a", OTHER_ID),
            ],
        ),
        ("localhost/demo/img:x86", [("x86_64", "localhost/demo/img:x86_64-x86", OTHER_ID)]),
    ]


def test_two_files_of_one_platform_are_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path, WHEN, COMMIT, [Build("img")])
    with pytest.raises(PublishUsageError, match="both hold the x86_64 tags of img"):
        group_tags_files(_passed_tags_files([run, run]))


def test_platforms_in_different_repositories_are_refused(tmp_path: Path) -> None:
    x86 = write_run(tmp_path / "x86", WHEN, COMMIT, [Build("img", "x86_64", owner="one")])
    arm = write_run(tmp_path / "arm", WHEN, COMMIT, [Build("img", "aarch64", owner="two")])
    with pytest.raises(PublishUsageError, match="name different repositories"):
        group_tags_files(_passed_tags_files([x86, arm]))


def test_one_reference_for_two_images_is_refused(tmp_path: Path) -> None:
    first = write_run(tmp_path / "first", WHEN, COMMIT, [Build("img")])
    second = write_run(tmp_path / "second", WHEN, COMMIT, [Build("img", image_id=OTHER_ID)])
    found = tags_file_arguments([tags_file(run, Build("img")) for run in (first, second)])
    with pytest.raises(PublishUsageError, match=r"give localhost/demo/img:x86_64-latest to diff"):
        check_one_image_per_reference(found)
