"""Each image's verdict: whether it gets its files, and why not, as a test item of its own.

Every reason an image gets no files shows as a failed item `image_verdict[<image>]`, so the
terminal's counts, `-rf`, JUnit XML and the exit status agree with what was written. The item
carries the image's outcome and tags as properties (JUnit XML shows them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pytest

from inspections.build_info import BuildInfo
from inspections.errors import StackInspectionError
from inspections.formats.render import InspectedImage
from inspections.outputs.record_entry import FAILED, INCOMPLETE, PASSED
from inspections.outputs.results import ImageResult, InspectionResult
from inspections.plugin.options import RunOptions
from inspections.references import PLATFORM

if TYPE_CHECKING:
    from inspections.inventory.model import Inventory

VERDICT_NAME = "image_verdict"
IMAGE_PROPERTY = "stack_image"  # the user property naming the image of a stack item


@dataclass
class ImageVerdict:
    """Whether an image gets its files, and why not.

    Failures are defects (a failed inspection or image test, clashing tags); missing
    inspections (deselected, skipped, or a session stopped early) only make outputs partial.
    """

    name: str
    failures: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    inspected: InspectedImage | None = None
    inventory: Inventory | None = None  # its inventory inspections' packages; None: it has none

    @property
    def status(self) -> str:
        """`passed`, `failed` or `incomplete`."""
        if self.failures:
            return FAILED
        if self.missing or self.inspected is None:
            return INCOMPLETE
        return PASSED

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def reasons(self) -> list[str]:
        return [*self.failures, *self.missing]


def _duplicate_tags(result: ImageResult) -> list[str]:
    seen: dict[str, str] = {"latest": "the implicit latest tag"}
    problems = []
    for inspection in result.inspections.values():
        if inspection.kind != "tag" or not isinstance(inspection.value, str):
            continue
        if inspection.value in seen:
            problems.append(
                f"taggers {seen[inspection.value]} and {inspection.name} both gave tag "
                f"{inspection.value!r}: make one of them distinct"
            )
        seen[inspection.value] = inspection.name
    return problems


def judge(
    result: ImageResult, options: RunOptions, build: BuildInfo, dockerfile: str
) -> ImageVerdict:
    """The verdict for one image: what it is written as when everything passed, else why not."""
    failures = result.inspection_failures()
    if options.test_gate:
        failures += [
            f"image test {nodeid} failed: {result.test_errors.get(nodeid, '')}"
            for nodeid in result.failed_tests
        ]
    if not result.reported:
        return ImageVerdict(result.name, failures, missing=["no inspection of this image ran"])
    verdict = ImageVerdict(result.name, failures, missing=result.missing_inspections())
    verdict.failures += _duplicate_tags(result)
    if verdict.reasons:
        return verdict
    platform = str(result.facts.get("platform", ""))
    if not PLATFORM.fullmatch(platform):
        verdict.failures.append(f"unknown platform {platform!r} of the image")
        return verdict
    values = list(result.inspections.values())
    try:
        verdict.inspected = InspectedImage(
            name=result.name,
            platform=platform,
            variant=options.variant,
            registry=options.registry,
            owner=options.owner,
            repository=options.repository,
            dockerfile=dockerfile,
            size_bytes=int(result.facts.get("size_bytes", 0)),
            tags=tuple(str(v.value) for v in values if v.kind == "tag"),
            pieces=tuple((v.title, str(v.value)) for v in values if v.kind == "manifest"),
            build=build,
        )
        verdict.inspected.all_tags()
        verdict.inspected.sha12  # noqa: B018 - raises when git facts are missing
        verdict.inventory = _inventory(values)
    except StackInspectionError as error:
        verdict.inspected = None
        verdict.failures.append(str(error))
    return verdict


def _inventory(values: list[InspectionResult]) -> Inventory | None:
    """The packages of all the image's inventory inspections as one, or None if it has none."""
    from inspections.inventory.model import Inventory

    listings = [Inventory.from_json(v.value) for v in values if v.kind == "inventory"]
    return Inventory.merged(*listings) if listings else None


def verdict_outcome(verdict: ImageVerdict, strict: bool) -> Literal["passed", "failed", "skipped"]:
    """The verdict item's outcome; `strict` when outputs were asked for (then partial fails)."""
    if verdict.status == FAILED or (verdict.status == INCOMPLETE and strict):
        return "failed"
    if verdict.status == INCOMPLETE:
        return "skipped"
    return "passed"


def report_verdict(
    config: pytest.Config,
    verdict: ImageVerdict,
    location: str,
    strict: bool,
    extras: list[dict[str, Any]] | None = None,
) -> None:
    """Report `verdict` as the item `<location>::image_verdict[<image>]`, like any test;
    `extras` go on its call report, for pytest-html."""
    name = f"{VERDICT_NAME}[{verdict.name}]"
    nodeid = f"{location}::{name}"
    outcome = verdict_outcome(verdict, strict)
    reasons = "\n".join(f"- {reason}" for reason in verdict.reasons)
    longrepr: Any = None
    if outcome == "failed":
        longrepr = f"{verdict.name}: no outputs ({verdict.status}):\n{reasons}"
    elif outcome == "skipped":
        longrepr = (
            location,
            None,
            f"Skipped: {verdict.name} incomplete: {'; '.join(verdict.missing)}",
        )
    tags = verdict.inspected.all_tags() if verdict.inspected and verdict.passed else []
    properties = [
        (IMAGE_PROPERTY, verdict.name),
        ("stack_outcome", verdict.status),
        ("stack_tags", " ".join(tags)),
        ("stack_reasons", "; ".join(verdict.reasons)),
    ]
    hook = config.hook
    now = time.time()
    hook.pytest_runtest_logstart(nodeid=nodeid, location=(location, None, name))
    phases: tuple[Literal["setup", "call", "teardown"], ...] = ("setup", "call", "teardown")
    for when in phases:
        report = pytest.TestReport(
            nodeid=nodeid,
            location=(location, None, name),
            keywords={name: 1, VERDICT_NAME: 1},
            outcome=outcome if when == "call" else "passed",
            longrepr=longrepr if when == "call" else None,
            when=when,
            user_properties=properties,
            start=now,
            stop=now,
        )
        if extras and when == "call":
            report.extras = extras  # type: ignore[attr-defined]
        hook.pytest_runtest_logreport(report=report)
    hook.pytest_runtest_logfinish(nodeid=nodeid, location=(location, None, name))
