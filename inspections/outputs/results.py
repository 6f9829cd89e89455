"""Gathering inspection values and test outcomes per image from pytest's reports.

Everything here comes from the reports, which xdist carries from the workers to the
controller (and which survive a worker crash), as plain built-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pytest

from inspections.outputs.record_entry import CommandTime, Timing
from inspections.text import lines_of, one_line
from inspections.values import Value

IMAGE_ATTRIBUTE = "stack_image"  # dict of image facts, at least {"name": ...}
INSPECTION_ATTRIBUTE = "stack_inspection"  # {"key": ..., "value": ... or None}
TIMING_ATTRIBUTE = "stack_timing"  # ImageResources.timing() of the image on that process
ERROR_ATTRIBUTE = "stack_error"  # the one-line message of a StackInspectionError
GATES_ATTRIBUTE = "stack_gates"  # images a test counts for without taking `image`
# image -> {"reference": ..., "id": ...}: the image such a test ran on, where known
TESTED_ON_ATTRIBUTE = "stack_tested_on"


class Planned(Protocol):
    """An inspection planned on an image (the plan's `PlannedInspection`)."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str: ...


@dataclass
class InspectionResult:
    """The outcome of one planned inspection on one image."""

    key: str
    name: str
    kind: str
    title: str
    outcome: str = "not run"
    duration: float = 0.0
    value: Value | None = None
    error: str = ""
    cached: bool = False


@dataclass
class ImageResult:
    """Everything the reports said about one image."""

    name: str
    facts: dict[str, Any] = field(default_factory=dict)
    inspections: dict[str, InspectionResult] = field(default_factory=dict)
    tests: dict[str, str] = field(default_factory=dict)  # nodeid -> passed/failed/skipped
    test_errors: dict[str, str] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)  # failures reported without image facts
    ids: set[str] = field(default_factory=set)  # image ids the items saw (more than one: rebuilt)
    # (reference, id) of what the tests counting for it with fixtures of their own ran on
    tests_ran_on: set[tuple[str, str]] = field(default_factory=set)
    timing: dict[str, Any] = field(default_factory=dict)
    first_start: float | None = None
    last_stop: float | None = None

    def note_times(self, report: pytest.TestReport) -> None:
        """Stretch the image's wall-clock span to cover `report`."""
        start, stop = getattr(report, "start", None), getattr(report, "stop", None)
        if start and (self.first_start is None or start < self.first_start):
            self.first_start = start
        if stop and (self.last_stop is None or stop > self.last_stop):
            self.last_stop = stop

    def timing_summary(self) -> Timing:
        """Container start, each distinct command's time, wall time and its limit."""
        seconds: dict[str, float] = self.timing.get("command_seconds", {})
        executed: list[str] = self.timing.get("commands_executed", [])
        start = self.timing.get("container_start_seconds")
        wall = (
            self.last_stop - self.first_start
            if self.first_start is not None and self.last_stop is not None
            else None
        )
        return Timing(
            container_start_seconds=start,
            commands=tuple(CommandTime(line, round(t, 3)) for line, t in seconds.items()),
            commands_executed=len(executed),
            distinct_commands=len(set(executed)),
            cached_values=sum(item.cached for item in self.inspections.values()),
            wall_seconds=wall,
            limit_seconds=(start or 0.0) + max(seconds.values(), default=0.0),
        )

    @property
    def failed_tests(self) -> list[str]:
        return [nodeid for nodeid, outcome in self.tests.items() if outcome == "failed"]

    @property
    def passed_tests(self) -> int:
        return sum(outcome == "passed" for outcome in self.tests.values())

    @property
    def reported(self) -> bool:
        """Whether any item of this image ran (or failed to set up) in the session."""
        return bool(self.facts or self.crashes)

    @property
    def tested(self) -> bool:
        """Whether any item ran that counts for this image, its own or a test that gates it."""
        return self.reported or bool(self.tests)

    def inspection_failures(self) -> list[str]:
        """Crashes, a rebuild during the session and failed inspections, one line each."""
        failed = [
            f"{result.name} failed: {result.error}"
            for result in self.inspections.values()
            if result.outcome == "failed"
        ]
        if len(self.ids) > 1:
            seen = " and ".join(sorted(image_id[:19] for image_id in self.ids))
            failed.insert(
                0,
                f"the image changed during the session ({seen}): rebuild images before the "
                "session, then run it again",
            )
        return [*self.crashes, *failed]

    def tests_on_another_image(self) -> list[str]:
        """Where the tests with fixtures of their own ran on another image than the inspected
        one (another id), one line per image they ran on: they vouch for that image only."""
        inspected = str(self.facts.get("id", ""))
        if not inspected:
            return []
        return [
            f"the project's image tests ran on {reference} ({image_id[:19] or 'not found'}), "
            f"another image than the inspected {self.facts.get('reference')} "
            f"({inspected[:19]}): tag the inspected build {reference} too, then run the "
            "session again"
            for reference, image_id in sorted(self.tests_ran_on)
            if image_id != inspected
        ]

    def missing_inspections(self) -> list[str]:
        """Inspections that did not run (deselected, skipped, or the session stopped)."""
        return [
            f"{result.name} {result.outcome}"
            + (" (deselected, or the session stopped)" if result.outcome == "not run" else "")
            for result in self.inspections.values()
            if result.outcome not in ("passed", "failed")
        ]


def failure_message(report: pytest.TestReport) -> str:
    """The one printable line that says why `report` failed."""
    own_message = getattr(report, ERROR_ATTRIBUTE, None)
    if own_message:
        return one_line(str(own_message))
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(longrepr or "failed")
    lines = [line.strip() for line in lines_of(text) if line.strip()]
    return one_line(lines[0]) if lines else "failed"


class ResultsCollector:
    """Folds reports into ImageResults, one per image of `planned` (each image's inspections).

    `images_of_nodeid` tells, from a node id alone, which images a stack item counts for (none
    for every other item): a worker that crashed reports only the node id of its item.
    """

    def __init__(
        self,
        planned: Mapping[str, Iterable[Planned]],
        images_of_nodeid: Callable[[str], list[str]],
    ) -> None:
        self.images_of_nodeid = images_of_nodeid
        self.images: dict[str, ImageResult] = {
            name: ImageResult(
                name=name,
                inspections={
                    planned.key: InspectionResult(
                        planned.key, planned.name, planned.kind, planned.title
                    )
                    for planned in planned_list
                },
            )
            for name, planned_list in planned.items()
        }

    def add(self, report: pytest.TestReport) -> None:
        """Take one setup/call/teardown report into account."""
        gated = getattr(report, GATES_ATTRIBUTE, None)
        if gated:
            ran_on = getattr(report, TESTED_ON_ATTRIBUTE, None) or {}
            for name in gated:
                if name in self.images:
                    self._add_test(self.images[name], report)
                    if name in ran_on:
                        tested = ran_on[name]
                        pair = (str(tested["reference"]), str(tested["id"]))
                        self.images[name].tests_ran_on.add(pair)
            return
        image_facts = getattr(report, IMAGE_ATTRIBUTE, None)
        if not image_facts:
            self._add_crash(report)
            return
        if image_facts.get("name") not in self.images:
            return
        image = self.images[image_facts["name"]]
        if len(image_facts) > len(image.facts):
            image.facts = dict(image_facts)
        if image_facts.get("id"):
            image.ids.add(str(image_facts["id"]))
        image.note_times(report)
        timing = getattr(report, TIMING_ATTRIBUTE, None)
        if timing and len(timing["commands_executed"]) >= len(
            image.timing.get("commands_executed", [])
        ):
            image.timing = dict(timing)
        inspection = getattr(report, INSPECTION_ATTRIBUTE, None)
        if inspection is not None and inspection["key"] in image.inspections:
            self._add_inspection(image.inspections[inspection["key"]], report, inspection)
        else:
            self._add_test(image, report)

    def _add_crash(self, report: pytest.TestReport) -> None:
        """A failure xdist reports for a crashed worker carries only the node id."""
        if not report.failed:
            return
        for name in self.images_of_nodeid(report.nodeid):
            if name in self.images:
                self.images[name].crashes.append(f"{report.nodeid}: {failure_message(report)}")

    @staticmethod
    def _add_inspection(
        result: InspectionResult, report: pytest.TestReport, inspection: dict[str, Any]
    ) -> None:
        if report.failed:
            if result.outcome != "failed":
                result.error = failure_message(report)
            result.outcome = "failed"
        elif report.skipped and result.outcome != "failed":
            result.outcome = "skipped"
        elif report.when == "call" and result.outcome != "failed":
            result.outcome = "passed"
            result.value = inspection.get("value")
            result.duration = float(inspection.get("seconds", report.duration))
            result.cached = bool(inspection.get("cached", False))

    @staticmethod
    def _add_test(image: ImageResult, report: pytest.TestReport) -> None:
        if report.failed:
            image.tests[report.nodeid] = "failed"
            image.test_errors.setdefault(report.nodeid, failure_message(report))
        elif image.tests.get(report.nodeid) == "failed":
            return
        elif report.skipped:
            image.tests[report.nodeid] = "skipped"
        elif report.when == "call":
            image.tests[report.nodeid] = "passed"
