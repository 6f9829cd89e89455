"""Folding pytest reports into per-image results, as the controller does (also under xdist)."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from inspections.outputs.results import (
    ERROR_ATTRIBUTE,
    GATES_ATTRIBUTE,
    IMAGE_ATTRIBUTE,
    INSPECTION_ATTRIBUTE,
    TESTED_ON_ATTRIBUTE,
    InspectionResult,
    ResultsCollector,
    failure_message,
)
from inspections.plugin.nodeids import image_in_parameters
from inspections.plugin.plan import InspectionPlan, PlannedInspection

Outcome = Literal["passed", "failed", "skipped"]
When = Literal["setup", "call", "teardown"]

PYTHON = PlannedInspection("root/inspect_root.py::python_version", "python_version", "tag", "")
PIP = PlannedInspection("root/inspect_root.py::pip_list", "pip_list", "manifest", "Pip Packages")
PLAN = InspectionPlan(images=("root",), inspections={"root": (PYTHON, PIP)})
TWO_IMAGES = InspectionPlan(images=("root", "child"), inspections={"root": (), "child": ()})


def images_of_stack_nodeid(nodeid: str) -> list[str]:
    """The stack's items here are the files under images/ (the controller knows its stack)."""
    image = image_in_parameters(nodeid, PLAN.images) if nodeid.startswith("images/") else None
    return [image] if image else []


FULL_FACTS: dict[str, Any] = {
    "name": "root",
    "id": "sha256:abc",
    "reference": "quay.io/jupyter/root:latest",
    "platform": "x86_64",
    "size_bytes": 1000,
    "repo_digests": [],
}


def make_report(
    nodeid: str,
    when: When,
    outcome: Outcome = "passed",
    *,
    image: dict[str, Any] | None = None,
    inspection: dict[str, Any] | None = None,
    longrepr: Any = None,
    duration: float = 0.0,
) -> pytest.TestReport:
    """A report as plugin.pytest_runtest_makereport leaves it: image facts, inspection value."""
    if outcome == "failed" and longrepr is None:
        longrepr = "AssertionError: failed"
    if outcome == "skipped" and longrepr is None:
        longrepr = ("inspect_root.py", 1, "Skipped: not here")
    report = pytest.TestReport(
        nodeid=nodeid,
        location=("inspect_root.py", 0, nodeid.split("::")[-1]),
        keywords={},
        outcome=outcome,
        longrepr=longrepr,
        when=when,
        duration=duration,
    )
    if image is not None:
        setattr(report, IMAGE_ATTRIBUTE, image)
    if inspection is not None:
        setattr(report, INSPECTION_ATTRIBUTE, inspection)
    return report


def inspection_reports(
    planned: PlannedInspection,
    value: str | None,
    *,
    call: Outcome = "passed",
    longrepr: Any = None,
    duration: float = 0.25,
) -> list[pytest.TestReport]:
    """setup, call and teardown reports of one inspection on image `root`."""
    nodeid = f"images/root/inspect_root.py::{planned.name}[root]"

    def one(when: When, outcome: Outcome, carried: str | None) -> pytest.TestReport:
        return make_report(
            nodeid,
            when,
            outcome,
            image=FULL_FACTS,
            inspection={"key": planned.key, "value": carried},
            longrepr=longrepr if outcome != "passed" else None,
            duration=duration if when == "call" else 0.001,
        )

    return [one("setup", "passed", None), one("call", call, value), one("teardown", "passed", None)]


def test_reports_fill_the_planned_inspections() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    for report in [
        *inspection_reports(PYTHON, "python-3.11.7", duration=0.5),
        *inspection_reports(PIP, "numpy 1.26", duration=1.5),
    ]:
        collector.add(report)

    result = collector.images["root"]
    assert result.facts == FULL_FACTS
    assert result.inspections == {
        PYTHON.key: InspectionResult(
            PYTHON.key, "python_version", "tag", "", "passed", 0.5, "python-3.11.7", ""
        ),
        PIP.key: InspectionResult(
            PIP.key, "pip_list", "manifest", "Pip Packages", "passed", 1.5, "numpy 1.26", ""
        ),
    }
    assert result.inspection_failures() == []
    assert result.missing_inspections() == []
    assert result.tests == {}
    assert result.reported


def test_inspections_without_reports_are_not_run() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    for report in inspection_reports(PYTHON, "python-3.11.7"):
        collector.add(report)

    result = collector.images["root"]
    assert result.inspections[PIP.key].outcome == "not run"
    assert result.inspections[PIP.key].value is None
    assert result.missing_inspections() == ["pip_list not run (deselected, or the session stopped)"]
    assert result.inspection_failures() == []


def test_failed_inspection_keeps_the_first_line_of_its_error() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    error = "root: python_version[root]: `python --version` exited with 1: boom\nsecond line"
    for report in inspection_reports(PYTHON, None, call="failed", longrepr=error):
        collector.add(report)

    failed = collector.images["root"].inspections[PYTHON.key]
    assert failed.outcome == "failed"
    assert failed.value is None
    assert failed.error == "root: python_version[root]: `python --version` exited with 1: boom"
    assert collector.images["root"].inspection_failures() == [
        f"python_version failed: {failed.error}"
    ]
    assert collector.images["root"].missing_inspections() == [
        "pip_list not run (deselected, or the session stopped)"
    ]


def test_inspection_failing_in_teardown_stays_failed() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    setup, call, _ = inspection_reports(PYTHON, "python-3.11.7")
    teardown = make_report(
        call.nodeid,
        "teardown",
        "failed",
        image=FULL_FACTS,
        inspection={"key": PYTHON.key, "value": None},
        longrepr="container could not be removed",
    )
    for report in (setup, call, teardown):
        collector.add(report)

    result = collector.images["root"].inspections[PYTHON.key]
    assert result.outcome == "failed"
    assert result.error == "container could not be removed"


def test_inspection_failing_in_setup_is_not_overwritten_later() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    nodeid = "images/root/inspect_root.py::python_version[root]"
    inspection = {"key": PYTHON.key, "value": None}
    collector.add(
        make_report(
            nodeid,
            "setup",
            "failed",
            image={"name": "root"},
            inspection=inspection,
            longrepr="image quay.io/jupyter/root:latest not found locally: build it first",
        )
    )
    collector.add(make_report(nodeid, "teardown", image={"name": "root"}, inspection=inspection))

    result = collector.images["root"].inspections[PYTHON.key]
    assert result.outcome == "failed"
    assert result.error.startswith("image quay.io/jupyter/root:latest not found locally")


def test_skipped_inspection() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    for report in inspection_reports(PYTHON, None, call="skipped"):
        collector.add(report)

    assert collector.images["root"].inspections[PYTHON.key].outcome == "skipped"
    assert collector.images["root"].missing_inspections() == [
        "python_version skipped",
        "pip_list not run (deselected, or the session stopped)",
    ]
    assert collector.images["root"].inspection_failures() == []


def test_image_tests_are_counted_by_outcome() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    image = {"name": "root"}
    for nodeid, when, outcome in [
        ("test_a[root]", "setup", "passed"),
        ("test_a[root]", "call", "passed"),
        ("test_a[root]", "teardown", "passed"),
        ("test_b[root]", "setup", "passed"),
        ("test_b[root]", "call", "failed"),
        ("test_b[root]", "teardown", "passed"),
        ("test_c[root]", "setup", "skipped"),
        ("test_c[root]", "teardown", "passed"),
        ("test_d[root]", "call", "passed"),
        ("test_d[root]", "teardown", "failed"),
    ]:
        collector.add(make_report(nodeid, when, outcome, image=image))  # type: ignore[arg-type]

    result = collector.images["root"]
    assert result.tests == {
        "test_a[root]": "passed",
        "test_b[root]": "failed",
        "test_c[root]": "skipped",
        "test_d[root]": "failed",
    }
    assert result.passed_tests == 1
    assert result.failed_tests == ["test_b[root]", "test_d[root]"]
    assert result.test_errors == {
        "test_b[root]": "AssertionError: failed",
        "test_d[root]": "AssertionError: failed",
    }
    assert all(item.outcome == "not run" for item in result.inspections.values())


def test_reports_of_other_images_and_plain_tests_are_ignored() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    collector.add(make_report("tests/test_unit.py::test_x", "call", "failed"))
    collector.add(make_report("tests/test_unit.py::test_y[root]", "call", "passed"))
    collector.add(make_report("test_a[other]", "call", "failed", image={"name": "other"}))
    collector.add(make_report("test_a[rooted]", "call", "failed", image={}))

    result = collector.images["root"]
    assert set(collector.images) == {"root"}
    assert (result.tests, result.facts, result.crashes) == ({}, {}, [])
    assert not result.reported


def test_image_without_any_report_is_not_reported() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)

    assert not collector.images["root"].reported
    assert collector.images["root"].missing_inspections() == [
        "python_version not run (deselected, or the session stopped)",
        "pip_list not run (deselected, or the session stopped)",
    ]


def test_a_failure_of_another_test_with_an_image_name_as_its_id_is_not_the_images() -> None:
    """Only the stack's own items decide an image's verdict."""
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    collector.add(make_report("tests/test_other.py::test_x[root]", "call", "failed"))

    assert not collector.images["root"].reported
    assert collector.images["root"].crashes == []


def test_crashed_worker_failure_is_a_failure_of_its_image() -> None:
    """xdist reports a crashed worker's item with its node id only: no image facts."""
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    crash = "worker 'gw0' crashed while running 'images/root/inspect_root.py::pip_list[root]'"
    collector.add(
        make_report("images/root/inspect_root.py::pip_list[root]", "call", "failed", longrepr=crash)
    )
    collector.add(make_report("images/root/test_root.py::test_ok[root-extra]", "call", "failed"))

    result = collector.images["root"]
    assert result.reported
    assert result.crashes == [
        f"images/root/inspect_root.py::pip_list[root]: {crash}",
        "images/root/test_root.py::test_ok[root-extra]: AssertionError: failed",
    ]
    assert result.inspection_failures() == result.crashes
    assert result.inspections[PIP.key].outcome == "not run"


def test_a_test_gating_images_counts_for_each_without_binding_one() -> None:
    """A test with its own fixtures (no `image`) counts for every image its folder applies to."""
    collector = ResultsCollector(TWO_IMAGES.inspections, lambda nodeid: [])
    for when, outcome in (("setup", "passed"), ("call", "failed"), ("teardown", "passed")):
        report = make_report("tests/by_image/root/test_a.py::test_a", when, outcome)  # type: ignore[arg-type]
        setattr(report, GATES_ATTRIBUTE, ["root", "child"])
        collector.add(pytest.TestReport._from_json(report._to_json()))

    for name in ("root", "child"):
        result = collector.images[name]
        assert result.failed_tests == ["tests/by_image/root/test_a.py::test_a"]
        assert (result.tested, result.reported, result.facts) == (True, False, {})


def test_the_image_a_gating_test_ran_on_is_kept_for_its_image() -> None:
    collector = ResultsCollector(TWO_IMAGES.inspections, lambda nodeid: [])
    ran_on = {"reference": "quay.io/jupyter/child:latest", "id": "sha256:1a1a"}
    report = make_report("tests/by_image/root/test_a.py::test_a", "call")
    setattr(report, GATES_ATTRIBUTE, ["child"])
    setattr(report, TESTED_ON_ATTRIBUTE, {"child": ran_on})
    collector.add(pytest.TestReport._from_json(report._to_json()))

    child = collector.images["child"]
    child.facts = {"id": "sha256:2b2b", "reference": "quay.io/jupyter/child:cuda-latest"}
    assert child.tests_ran_on == {("quay.io/jupyter/child:latest", "sha256:1a1a")}
    assert child.tests_on_another_image() == [
        "the project's image tests ran on quay.io/jupyter/child:latest (sha256:1a1a), another "
        "image than the inspected quay.io/jupyter/child:cuda-latest (sha256:2b2b): tag the "
        "inspected build quay.io/jupyter/child:latest too, then run the session again"
    ]
    child.facts["id"] = "sha256:1a1a"
    assert child.tests_on_another_image() == []
    assert collector.images["root"].tests_ran_on == set()


def test_a_crashed_test_gating_images_fails_each_of_them() -> None:
    nodeid = "tests/by_image/root/test_a.py::test_a"
    gated = {nodeid: ["root", "child"]}
    collector = ResultsCollector(TWO_IMAGES.inspections, lambda crashed: gated.get(crashed, []))
    collector.add(make_report(nodeid, "call", "failed", longrepr="worker 'gw1' crashed"))

    assert collector.images["root"].crashes == [f"{nodeid}: worker 'gw1' crashed"]
    assert collector.images["child"].crashes == [f"{nodeid}: worker 'gw1' crashed"]


def test_image_facts_keep_the_most_complete_version() -> None:
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    collector.add(make_report("test_a[root]", "setup", "failed", image={"name": "root"}))
    collector.add(make_report("test_b[root]", "call", image=FULL_FACTS))
    collector.add(make_report("test_c[root]", "call", image={"name": "root"}))

    assert collector.images["root"].facts == FULL_FACTS


def test_reports_survive_the_xdist_wire() -> None:
    """xdist sends reports through `_to_json`; the plugin's attributes must come along."""
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    for report in inspection_reports(PYTHON, "python-3.11.7"):
        collector.add(pytest.TestReport._from_json(report._to_json()))

    result = collector.images["root"]
    assert result.inspections[PYTHON.key].value == "python-3.11.7"
    assert result.facts == FULL_FACTS


def test_failure_message_from_a_real_traceback() -> None:
    try:
        assert 1 + 1 == 3, "arithmetic is broken"
    except AssertionError as error:
        longrepr = pytest.ExceptionInfo.from_exception(error).getrepr()
    report = make_report("test_x[root]", "call", "failed", longrepr=longrepr)

    assert failure_message(report) == "AssertionError: arithmetic is broken"


def test_failure_message_prefers_the_plugins_own_message() -> None:
    report = make_report("test_x[root]", "call", "failed", longrepr="root: test_x: long\nrepr")
    setattr(report, ERROR_ATTRIBUTE, "`python` not found in the image: install it")

    assert failure_message(report) == "`python` not found in the image: install it"


@pytest.mark.parametrize(
    ("longrepr", "expected"),
    [
        ("\n\n  first real line  \nsecond", "first real line"),
        ("", "failed"),
        (None, "failed"),
    ],
)
def test_failure_message_from_text(longrepr: str | None, expected: str) -> None:
    report = make_report("test_x[root]", "call", "passed", longrepr=longrepr)

    assert failure_message(report) == expected


def test_an_image_rebuilt_during_the_session_fails() -> None:
    """Workers that saw different ids of one image inspected two different images."""
    collector = ResultsCollector(PLAN.inspections, images_of_stack_nodeid)
    for report in inspection_reports(PYTHON, "python-3.11"):
        collector.add(report)
    rebuilt = {**FULL_FACTS, "id": "sha256:def"}
    collector.add(make_report("images/root/test_root.py::test_x[root]", "call", image=rebuilt))

    failures = collector.images["root"].inspection_failures()

    assert failures[0] == (
        "the image changed during the session (sha256:abc and sha256:def): rebuild images "
        "before the session, then run it again"
    )
