"""Each image's verdict: its outputs when everything passed, else the reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from inspections.build_info import BuildInfo
from inspections.formats.inspected_image import InspectedImage
from inspections.outputs.results import ImageResult, InspectionResult
from inspections.outputs.verdict_items import verdict_outcome
from inspections.outputs.verdicts import judge
from inspections.plugin.options import RunOptions

SHA = "fedcba9876543210fedcba9876543210fedcba98"
REPOSITORY = "https://github.com/demo/stack"
BUILD = BuildInfo(
    timestamp=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
    git_toplevel="/src/stack",
    git_commit=SHA,
    git_message="Release",
)
SETTINGS = RunOptions(
    images=(),
    registry="quay.io",
    owner="jupyter",
    variant="default",
    repository=REPOSITORY,
    emit_dir=None,
    test_gate=True,
    shared_tests=(),
    inspection_timeout=300.0,
    cache_dir=None,
    inspections_only=False,
    apply_tags=False,
)
NO_GATE = replace(SETTINGS, test_gate=False)
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
    assert verdict.missing == ["pip_list not run (deselected, or the session stopped)"]
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
    assert verdict.missing == ["python_version not run (deselected, or the session stopped)"]


def test_judge_without_git_commit() -> None:
    build = BuildInfo(timestamp=BUILD.timestamp, git_problem="no git commit for /s: run in git")

    verdict = judge(passing_base(), SETTINGS, build, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == ["no git commit for /s: run in git"]
    assert verdict.inspected is None


def test_judge_tag_too_long_only_with_the_variant_prefix() -> None:
    result = image_result("base", tag("long", "v" * 115))
    cuda = replace(SETTINGS, variant="cuda12")

    assert judge(result, SETTINGS, BUILD, DOCKERFILE).status == "passed"
    verdict = judge(result, cuda, BUILD, DOCKERFILE)
    assert verdict.status == "failed"
    assert "129 characters long" in verdict.failures[0]
    assert verdict.inspected is None


@pytest.mark.parametrize(
    "facts",
    [
        {"name": "base"},
        {"name": "base", "platform": "x86 64"},
        # A dash ends the platform in tags and file names: the record could not read it back.
        {"name": "base", "platform": "arm-v7"},
    ],
)
def test_judge_unknown_platform(facts: dict[str, Any]) -> None:
    result = image_result("base", tag("python_version", "python-3.11.7"))
    result.facts = facts

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == [f"unknown platform {facts.get('platform', '')!r} of the image"]


def test_an_image_no_item_of_which_ran_is_incomplete() -> None:
    verdict = judge(ImageResult(name="base"), SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "incomplete"
    assert verdict.missing == ["no inspection of this image ran"]


def test_a_failed_test_gates_an_image_none_of_whose_inspections_ran() -> None:
    """A test with fixtures of its own counts for an image whose inspections were deselected."""
    result = ImageResult(name="base", tests={"tests/by_image/base/test_a.py::test_a": "failed"})
    result.test_errors["tests/by_image/base/test_a.py::test_a"] = "AssertionError: no"

    verdict = judge(result, SETTINGS, BUILD, DOCKERFILE)

    assert verdict.status == "failed"
    assert verdict.failures == [
        "image test tests/by_image/base/test_a.py::test_a failed: AssertionError: no"
    ]
    assert verdict.missing == ["no inspection of this image ran"]


def test_tests_that_ran_on_another_image_gate_it_like_a_failed_test() -> None:
    result = passing_base()
    result.tests_ran_on.add(("quay.io/jupyter/base:latest", "sha256:ffff"))

    gated = judge(result, SETTINGS, BUILD, DOCKERFILE)
    ungated = judge(result, NO_GATE, BUILD, DOCKERFILE)

    assert gated.status == "failed"
    assert gated.failures == result.tests_on_another_image()
    assert "ran on quay.io/jupyter/base:latest (sha256:ffff)" in gated.failures[0]
    assert ungated.status == "passed"


@pytest.mark.parametrize(
    ("result", "strict", "expected"),
    [
        (passing_base(), False, "passed"),
        (passing_base(), True, "passed"),
        (image_result("base", tag("python_version", None, "not run")), False, "skipped"),
        (image_result("base", tag("python_version", None, "not run")), True, "failed"),
        (image_result("base", tag("python_version", None, "failed", "boom")), False, "failed"),
    ],
    ids=["passed", "passed-emitting", "partial", "partial-emitting", "failed"],
)
def test_the_verdict_item_fails_for_partial_images_only_when_outputs_were_asked_for(
    result: ImageResult, strict: bool, expected: str
) -> None:
    assert verdict_outcome(judge(result, SETTINGS, BUILD, DOCKERFILE), strict) == expected
