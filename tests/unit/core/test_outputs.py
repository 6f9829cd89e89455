"""Verdicts per image, and the atomic writing of tags, manifests, history lines and the summary."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from inspections.build_info import BuildInfo
from inspections.errors import StackInspectionError
from inspections.outputs import (
    ImageVerdict,
    OutputSettings,
    check_output_folder,
    judge,
    summary_document,
    write_atomically,
    write_outputs,
)
from inspections.render import InspectedImage
from inspections.results import ImageResult, InspectionResult

SHA = "fedcba9876543210fedcba9876543210fedcba98"
REPOSITORY = "https://github.com/demo/stack"
BUILD = BuildInfo(
    timestamp=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
    git_toplevel="/src/stack",
    git_commit=SHA,
    git_message="Release",
)
SETTINGS = OutputSettings(
    registry="quay.io", owner="jupyter", variant="default", repository=REPOSITORY, test_gate=True
)
NO_GATE = OutputSettings(
    registry="quay.io", owner="jupyter", variant="default", repository=REPOSITORY, test_gate=False
)
DOCKERFILE = "images/base/Dockerfile"


def tag(name: str, value: str | None, outcome: str = "passed", error: str = "") -> InspectionResult:
    key = f"base/inspect_base.py::{name}"
    return InspectionResult(key, name, "tag", "", outcome, 0.12345, value, error)


def piece(name: str, title: str, value: str | None, outcome: str = "passed") -> InspectionResult:
    key = f"base/inspect_base.py::{name}"
    return InspectionResult(key, name, "manifest", title, outcome, 1.5, value, "")


def image_result(name: str, *inspections: InspectionResult, **fields: Any) -> ImageResult:
    """A reported image on x86_64 with `inspections` in plan order."""
    facts = {"name": name, "id": "sha256:0a1b", "platform": "x86_64", "size_bytes": 2_000_000}
    result = ImageResult(name=name, facts=facts, **fields)
    result.inspections = {item.key: item for item in inspections}
    return result


def passing_base() -> ImageResult:
    return image_result(
        "base",
        tag("python_version", "python-3.11.7"),
        piece("pip_list", "Pip Packages", "numpy 1.26"),
        tag("build_date", "2024-05-06"),
        tests={"images/base/test_base.py::test_runs[base]": "passed"},
    )


def files_under(folder: Path) -> set[str]:
    """Every file below `folder` (hidden ones too), relative, as posix strings."""
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


# --- judge ---------------------------------------------------------------------------------


def test_judge_passing_image() -> None:
    verdict = judge(passing_base(), SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "passed"
    assert verdict.passed
    assert (verdict.failures, verdict.missing, verdict.reasons) == ([], [], [])
    assert verdict.inspected == InspectedImage(
        name="base",
        platform="x86_64",
        variant="default",
        registry="quay.io",
        owner="jupyter",
        repository=REPOSITORY,
        dockerfile=DOCKERFILE,
        size_bytes=2_000_000,
        tags=("python-3.11.7", "2024-05-06"),
        pieces=(("Pip Packages", "numpy 1.26"),),
        build=BUILD,
    )


def test_judge_failed_inspection() -> None:
    result = image_result(
        "base",
        tag("python_version", None, "failed", "`python --version` exited with 1: boom"),
        piece("pip_list", "Pip Packages", "numpy 1.26"),
    )

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert not verdict.passed
    assert verdict.failures == ["python_version failed: `python --version` exited with 1: boom"]
    assert verdict.inspected is None


def test_judge_inspection_not_run_is_incomplete() -> None:
    result = image_result(
        "base",
        tag("python_version", "python-3.11.7"),
        piece("pip_list", "Pip Packages", None, "not run"),
    )

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "incomplete"
    assert not verdict.passed
    assert verdict.failures == []
    assert verdict.missing == ["pip_list not run"]
    assert verdict.inspected is None


def test_judge_failed_and_missing_together_is_failed() -> None:
    result = image_result(
        "base",
        tag("python_version", None, "failed", "boom"),
        piece("pip_list", "Pip Packages", None, "skipped"),
    )

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.reasons == ["python_version failed: boom", "pip_list skipped"]


def failing_test_result() -> ImageResult:
    return image_result(
        "base",
        tag("python_version", "python-3.11.7"),
        tests={"t.py::test_a[base]": "passed", "t.py::test_b[base]": "failed"},
        test_errors={"t.py::test_b[base]": "AssertionError: jupyter lab does not start"},
    )


def test_judge_failed_image_test_with_the_test_gate() -> None:
    verdict = judge(failing_test_result(), SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == [
        "image test t.py::test_b[base] failed: AssertionError: jupyter lab does not start"
    ]
    assert verdict.inspected is None


def test_judge_failed_image_test_without_the_test_gate() -> None:
    verdict = judge(failing_test_result(), NO_GATE, BUILD, DOCKERFILE)

    assert verdict.status == "passed"
    assert verdict.inspected is not None
    assert verdict.inspected.tags == ("python-3.11.7",)


def test_judge_duplicate_tags() -> None:
    result = image_result(
        "base", tag("python_version", "3.11"), tag("os_version", "ubuntu"), tag("pin", "3.11")
    )

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == [
        "taggers python_version and pin both gave tag '3.11': make one of them distinct"
    ]


def test_judge_tagger_repeating_the_implicit_latest_tag() -> None:
    verdict = judge(image_result("base", tag("channel", "latest")), SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert any("latest" in failure for failure in verdict.failures)


def test_judge_crash_of_a_worker() -> None:
    result = image_result("base", tag("python_version", None, "not run"))
    result.crashes.append("inspect_base.py::python_version[base]: worker 'gw1' crashed")

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == ["inspect_base.py::python_version[base]: worker 'gw1' crashed"]
    assert verdict.missing == ["python_version not run"]


def test_judge_without_git_commit() -> None:
    build = BuildInfo(timestamp=BUILD.timestamp, git_problem="no git commit for /s: run in git")

    verdict = judge(passing_base(), SETTINGS, build, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == ["no git commit for /s: run in git"]
    assert verdict.inspected is None


def test_judge_tag_too_long_only_with_the_variant_prefix() -> None:
    result = image_result("base", tag("long", "v" * 115))
    cuda = OutputSettings("quay.io", "jupyter", "cuda12", REPOSITORY, test_gate=True)

    assert judge(result, SETTINGS, BUILD, DOCKERFILE).status == "passed"
    verdict = judge(result, cuda, BUILD, DOCKERFILE)
    assert verdict.status == "failed"
    assert "129 characters long" in verdict.failures[0]
    assert verdict.inspected is None


@pytest.mark.parametrize("facts", [{"name": "base"}, {"name": "base", "platform": "x86 64"}])
def test_judge_unknown_platform(facts: dict[str, Any]) -> None:
    result = image_result("base", tag("python_version", "python-3.11.7"))
    result.facts = facts

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == [f"unknown platform {facts.get('platform', '')!r} of the image"]


# --- write_outputs -------------------------------------------------------------------------


def judged(*results: ImageResult) -> tuple[dict[str, ImageResult], dict[str, ImageVerdict]]:
    by_name = {result.name: result for result in results}
    return by_name, {name: judge(r, SETTINGS, BUILD, DOCKERFILE) for name, r in by_name.items()}


def test_write_outputs_files_of_passing_images_only(tmp_path: Path) -> None:
    broken = image_result("broken", tag("python_version", None, "failed", "boom"))
    partial = image_result("partial", tag("python_version", None, "not run"))
    results, verdicts = judged(passing_base(), broken, partial)
    out = tmp_path / "out"

    write_outputs(out, verdicts, summary_document(results, verdicts, BUILD))

    assert files_under(out) == {
        "tags/x86_64-default-base.txt",
        "manifests/x86_64-default-base-fedcba987654.md",
        "hist_lines/x86_64-default-base-fedcba987654.txt",
        "inspections.json",
    }
    assert verdicts["base"].written == [
        out / "tags/x86_64-default-base.txt",
        out / "manifests/x86_64-default-base-fedcba987654.md",
        out / "hist_lines/x86_64-default-base-fedcba987654.txt",
    ]
    assert verdicts["broken"].written == []
    assert verdicts["partial"].written == []
    assert (out / "tags/x86_64-default-base.txt").read_text(encoding="utf-8") == (
        "quay.io/jupyter/base:x86_64-latest\n"
        "quay.io/jupyter/base:x86_64-python-3.11.7\n"
        "quay.io/jupyter/base:x86_64-2024-05-06"
    )
    manifest = (out / "manifests/x86_64-default-base-fedcba987654.md").read_text(encoding="utf-8")
    assert manifest.startswith("# Build manifest for image: base:fedcba987654\n")
    assert manifest.endswith("## Pip Packages\n\nnumpy 1.26\n")
    history = (out / "hist_lines/x86_64-default-base-fedcba987654.txt").read_text(encoding="utf-8")
    assert history.startswith(
        "| `2024-05-06T07:08:09Z` | `quay.io/jupyter/base:x86_64-python-3.11.7`<br />"
    )
    assert "\n" not in history


def test_inspections_json(tmp_path: Path) -> None:
    broken = image_result(
        "broken",
        tag("python_version", None, "failed", "boom"),
        tests={"t.py::test_b[broken]": "failed"},
        test_errors={"t.py::test_b[broken]": "AssertionError: no kernel"},
    )
    partial = image_result("partial", tag("python_version", None, "skipped"))
    results, verdicts = judged(passing_base(), broken, partial)

    write_outputs(tmp_path, verdicts, summary_document(results, verdicts, BUILD))

    document = json.loads((tmp_path / "inspections.json").read_text(encoding="utf-8"))
    assert document["build"] == {"timestamp": "2024-05-06T07:08:09+00:00", "git_commit": SHA}
    assert list(document["images"]) == ["base", "broken", "partial"]
    base = document["images"]["base"]
    assert base["outcome"] == "passed"
    assert base["reasons"] == []
    assert base["image"] == passing_base().facts
    assert base["tags"] == ["x86_64-latest", "x86_64-python-3.11.7", "x86_64-2024-05-06"]
    assert base["manifest_pieces"] == [{"title": "Pip Packages", "markdown": "numpy 1.26"}]
    assert base["inspections"][0] == {
        "name": "python_version",
        "key": "base/inspect_base.py::python_version",
        "kind": "tag",
        "outcome": "passed",
        "duration_seconds": 0.123,
        "cached": False,
        "error": "",
    }
    assert [item["name"] for item in base["inspections"]] == [
        "python_version",
        "pip_list",
        "build_date",
    ]
    assert base["tests"] == {"passed": 1, "failed": []}
    broken_entry = document["images"]["broken"]
    assert broken_entry["outcome"] == "failed"
    assert broken_entry["reasons"] == [
        "python_version failed: boom",
        "image test t.py::test_b[broken] failed: AssertionError: no kernel",
    ]
    assert (broken_entry["tags"], broken_entry["manifest_pieces"]) == ([], [])
    assert broken_entry["inspections"][0]["error"] == "boom"
    assert broken_entry["tests"] == {"passed": 0, "failed": ["t.py::test_b[broken]"]}
    assert document["images"]["partial"]["outcome"] == "incomplete"
    assert document["images"]["partial"]["reasons"] == ["python_version skipped"]
    assert document["images"]["partial"]["tags"] == []


def test_write_outputs_again_replaces_the_files(tmp_path: Path) -> None:
    results, verdicts = judged(passing_base())
    write_outputs(tmp_path, verdicts, summary_document(results, verdicts, BUILD))
    first_files = files_under(tmp_path)
    newer = image_result("base", tag("python_version", "python-3.12.1"))

    results, verdicts = judged(newer)
    write_outputs(tmp_path, verdicts, summary_document(results, verdicts, BUILD))

    assert files_under(tmp_path) == first_files
    assert (tmp_path / "tags/x86_64-default-base.txt").read_text(encoding="utf-8") == (
        "quay.io/jupyter/base:x86_64-latest\nquay.io/jupyter/base:x86_64-python-3.12.1"
    )


def test_write_outputs_with_nothing_passing_writes_only_the_summary(tmp_path: Path) -> None:
    results, verdicts = judged(image_result("broken", tag("python_version", None, "failed", "x")))

    write_outputs(tmp_path / "out", verdicts, summary_document(results, verdicts, BUILD))

    assert files_under(tmp_path / "out") == {"inspections.json"}


# --- write_atomically ----------------------------------------------------------------------


def test_write_atomically_creates_folders_and_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.txt"

    write_atomically(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    write_atomically(target, "second ünïcode\n")

    assert target.read_text(encoding="utf-8") == "second ünïcode\n"
    assert files_under(tmp_path) == {"a/b/file.txt"}


def test_write_atomically_keeps_the_old_file_when_replacing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "tags.txt"
    target.write_text("old content\n", encoding="utf-8")

    def refuse(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left on device"):
        write_atomically(target, "new content\n")

    assert target.read_text(encoding="utf-8") == "old content\n"
    assert files_under(tmp_path) == {"tags.txt"}


def test_write_atomically_leaves_nothing_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "new.txt", "content\n")

    assert files_under(tmp_path) == set()


def test_write_atomically_gives_the_same_mode_as_a_plain_write(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x\n", encoding="utf-8")

    write_atomically(tmp_path / "atomic.txt", "x\n")

    assert (tmp_path / "atomic.txt").stat().st_mode == plain.stat().st_mode


# --- check_output_folder -------------------------------------------------------------------


def test_check_output_folder_creates_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "nested"

    check_output_folder(folder)

    assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_check_output_folder_leaves_an_existing_folder_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("kept\n", encoding="utf-8")

    check_output_folder(tmp_path)

    assert files_under(tmp_path) == {"kept.txt"}


def test_check_output_folder_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "out"
    a_file.write_text("", encoding="utf-8")

    with pytest.raises(StackInspectionError) as raised:
        check_output_folder(a_file)

    assert str(raised.value) == (
        f"--emit-manifests {a_file} is a file: pass a folder (it is created if missing)"
    )


def test_check_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    folder = tmp_path / "afile" / "sub"

    with pytest.raises(StackInspectionError) as raised:
        check_output_folder(folder)

    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"--emit-manifests {folder} is not writable (Not a directory): pass a writable folder"
    )
