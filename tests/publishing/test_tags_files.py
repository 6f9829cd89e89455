"""Reading tags files as the plugin writes them, and refusing anything else with a clear error."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.publishing.errors import PublishUsageError
from inspections.publishing.merging import group_tags_files, plan_merge
from inspections.publishing.references import Reference, parse_reference
from inspections.publishing.tags_files import read_run_tags, read_tags_file
from tests.publishing.runs import Build, write_run

WHEN = datetime(2026, 11, 27, 11, 38, 14, tzinfo=UTC)
COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"


def test_default_variant_tags_file(tmp_path: Path) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("base-notebook", tags=("python-3.11.2",))])
    tags_file = read_tags_file(tmp_path / "tags" / "x86_64-default-base-notebook.txt")
    assert (tags_file.platform, tags_file.variant, tags_file.image) == (
        "x86_64",
        "default",
        "base-notebook",
    )
    assert str(tags_file.source) == "localhost/demo/base-notebook:latest"
    assert [str(r) for r in tags_file.references] == [
        "localhost/demo/base-notebook:x86_64-latest",
        "localhost/demo/base-notebook:x86_64-python-3.11.2",
    ]
    assert [str(tags_file.unprefixed(r)) for r in tags_file.references] == [
        "localhost/demo/base-notebook:latest",
        "localhost/demo/base-notebook:python-3.11.2",
    ]


def test_variant_tags_file_keeps_the_variant_when_unprefixed(tmp_path: Path) -> None:
    build = Build("pytorch-notebook", "aarch64", "cuda12", ("python-3.11.2",), "127.0.0.1:5000")
    write_run(tmp_path, WHEN, COMMIT, [build])
    tags_file = read_tags_file(tmp_path / "tags" / "aarch64-cuda12-pytorch-notebook.txt")
    assert (tags_file.platform, tags_file.variant) == ("aarch64", "cuda12")
    assert str(tags_file.source) == "127.0.0.1:5000/demo/pytorch-notebook:cuda12-latest"
    assert [r.tag for r in tags_file.references] == [
        "aarch64-cuda12-latest",
        "aarch64-cuda12-python-3.11.2",
    ]
    assert [tags_file.unprefixed(r).tag for r in tags_file.references] == [
        "cuda12-latest",
        "cuda12-python-3.11.2",
    ]


def test_references_with_a_registry_port() -> None:
    assert parse_reference("127.0.0.1:5000/o/img:x86_64-1.0") == Reference(
        "127.0.0.1:5000/o/img", "x86_64-1.0"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("127.0.0.1:5000/o/img", "has no tag"),
        ("localhost/Demo/img:latest", "invalid repository"),
        ("localhost/demo/img:-latest", "invalid tag"),
        ("localhost/demo/img:" + "a" * 129, "invalid tag"),
    ],
)
def test_bad_references_are_refused(text: str, problem: str) -> None:
    with pytest.raises(PublishUsageError, match=problem):
        parse_reference(text)


def _tags_file(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "lines", "problem"),
    [
        ("x86_64-default-img.txt", [], "is empty"),
        ("x86_64-default-img.txt", ["localhost/o/img:x86_64-1.0"], r":1: .* should end with"),
        ("x86_64-default-other.txt", ["localhost/o/img:x86_64-latest"], "name is not"),
        (
            "x86_64-Default-img.txt",
            ["localhost/o/img:x86_64-Default-latest"],
            "or variant 'Default'",
        ),
        (
            "x86_64-default-img.txt",
            ["localhost/o/img:x86_64-latest", "localhost/p/img:x86_64-1.0"],
            r":2: .* is not in localhost/o/img",
        ),
        (
            "x86_64-default-img.txt",
            ["localhost/o/img:x86_64-latest", "localhost/o/img:aarch64-1.0"],
            r":2: tag 'aarch64-1.0' lacks the prefix x86_64-",
        ),
        (
            "x86_64-default-img.txt",
            ["localhost/o/img:x86_64-latest", "localhost/o/img:x86_64-latest"],
            ":2: .* listed twice",
        ),
        ("x86_64-default-img.txt", ["localhost/o/img:x86_64-latest", "oops"], ":2: 'oops'"),
    ],
)
def test_bad_tags_files_are_refused(
    tmp_path: Path, name: str, lines: list[str], problem: str
) -> None:
    path = _tags_file(tmp_path, name, lines)
    with pytest.raises(PublishUsageError, match=problem) as raised:
        read_tags_file(path)
    assert str(path) in str(raised.value)


def test_missing_tags_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PublishUsageError, match=r"cannot read .*No such file"):
        read_tags_file(tmp_path / "x86_64-default-img.txt")


def test_run_without_tags_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PublishUsageError, match="tags not found: pass the folder given to"):
        read_run_tags([tmp_path])


def test_merge_plan_strips_the_platform_and_lists_the_declaring_platforms(tmp_path: Path) -> None:
    x86 = write_run(tmp_path / "x86", WHEN, COMMIT, [Build("img", "x86_64", tags=("a", "x86"))])
    arm = write_run(tmp_path / "arm", WHEN, COMMIT, [Build("img", "aarch64", tags=("a",))])
    groups = group_tags_files(read_run_tags([x86, arm]))
    assert list(groups) == [("img", "default")]
    plan = plan_merge(groups[("img", "default")])
    assert [(merged.target, merged.sources) for merged in plan] == [
        (
            "localhost/demo/img:latest",
            (
                ("aarch64", "localhost/demo/img:aarch64-latest"),
                ("x86_64", "localhost/demo/img:x86_64-latest"),
            ),
        ),
        (
            "localhost/demo/img:a",
            (
                ("aarch64", "localhost/demo/img:aarch64-a"),
                ("x86_64", "localhost/demo/img:x86_64-a"),
            ),
        ),
        ("localhost/demo/img:x86", (("x86_64", "localhost/demo/img:x86_64-x86"),)),
    ]


def test_two_files_of_one_platform_are_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path, WHEN, COMMIT, [Build("img")])
    with pytest.raises(PublishUsageError, match="both hold the x86_64 tags of img"):
        group_tags_files(read_run_tags([run, run]))


def test_platforms_in_different_repositories_are_refused(tmp_path: Path) -> None:
    x86 = write_run(tmp_path / "x86", WHEN, COMMIT, [Build("img", "x86_64", owner="one")])
    arm = write_run(tmp_path / "arm", WHEN, COMMIT, [Build("img", "aarch64", owner="two")])
    with pytest.raises(PublishUsageError, match="name different repositories"):
        group_tags_files(read_run_tags([x86, arm]))
