"""Each image's verdict reported as a test item of its own, after the session's last item.

Every reason an image gets no files shows as a failed item `image_verdict[<image>]`, so the
terminal's counts, `-rf`, JUnit XML and the exit status agree with what was written. The item
carries the image's outcome and tags as properties (JUnit XML shows them), and for
pytest-html its outcome, tags, reasons and lineage as a diagram.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import pytest

from inspections.outputs.record_entry import FAILED, INCOMPLETE
from inspections.outputs.verdicts import ImageVerdict, TagImage, Verdicts
from inspections.stack import Stack

VERDICT_NAME = "image_verdict"
IMAGE_PROPERTY = "stack_image"  # the user property naming the image of a stack item


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


def html_extras(verdicts: Verdicts, verdict: ImageVerdict, stack: Stack) -> list[dict[str, Any]]:
    """pytest-html's extras for an image's verdict: outcome, tags, reasons, and its lineage
    drawn with the outcomes judged so far (its ancestors' are)."""
    from inspections.formats.html_report import verdict_extra
    from inspections.formats.stack_diagram import images_of_stack, stack_flowchart

    lineage = set(stack.lineage_names(verdict.name))
    images = [image for image in images_of_stack(stack) if image.name in lineage]
    diagram = stack_flowchart(images, verdicts.builds())
    tags = verdict.inspected.all_tags() if verdict.passed and verdict.inspected else []
    return [verdict_extra(verdict.status, tags, verdict.reasons, diagram)]


def report_verdicts(
    config: pytest.Config,
    verdicts: Verdicts,
    stack: Stack,
    location_of: Callable[[str], str],
    tag: TagImage | None,
) -> None:
    """Judge each image and report its verdict as an item at `location_of(image)`; with `tag`
    (`--apply-tags`), tag each passed image first."""
    from inspections.formats.html_report import writes_html_report

    # The verdicts come after the items pytest counted: no percentages past 100 for them.
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None and hasattr(terminal, "_show_progress_info"):
        terminal._show_progress_info = False
    html = writes_html_report(config)
    for name in verdicts.results:
        verdict = verdicts.judge(name)
        if verdict is None:
            continue
        if verdict.passed and tag is not None:
            verdicts.tag_image(verdict, tag)
        extras = html_extras(verdicts, verdict, stack) if html else None
        report_verdict(config, verdict, location_of(name), verdicts.strict, extras)
