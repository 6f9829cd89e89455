"""What the plugin does with the stack's items: order them, batch them, run them, report them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from inspections.errors import StackInspectionError
from inspections.outputs.results import (
    ERROR_ATTRIBUTE,
    GATES_ATTRIBUTE,
    IMAGE_ATTRIBUTE,
    INSPECTION_ATTRIBUTE,
    TIMING_ATTRIBUTE,
)
from inspections.runtime.engine import ResolvedImage
from inspections.runtime.evaluation import Evaluation, Inspection, evaluate_all
from inspections.text import one_line, printable

if TYPE_CHECKING:
    from inspections.plugin.session import StackSession

OUTCOME = pytest.StashKey[Evaluation]()
# What the plugin can give an inspection outside pytest's fixture setup (StackSession.argument).
BATCHABLE_ARGUMENTS = frozenset({"host", "container", "image", "build_info"})


def to_deselect(stack: StackSession, items: list[pytest.Item]) -> list[pytest.Item]:
    """The stack's items that count for no selected image, and image tests under
    --inspections-only."""
    unbound = [
        item
        for item in items
        if stack.images_for(item.path) is not None and not stack.images_of(item)
    ]
    if stack.options.inspections_only:
        unbound += [
            item
            for item in items
            if stack.images_of(item) and stack.inspection_key_of(item) is None
        ]
    return unbound


def in_run_order(stack: StackSession, items: list[pytest.Item]) -> list[pytest.Item]:
    """Other tests first, as they were; then image by image, inspections first in plan order."""
    image_order = {name: index for index, name in enumerate(stack.plan.images)}
    plan_order = {
        planned.key: index
        for inspections in stack.plan.inspections.values()
        for index, planned in enumerate(inspections)
    }

    def position(indexed: tuple[int, pytest.Item]) -> tuple[int, int, int]:
        index, item = indexed
        image = stack.image_of(item)
        key = stack.inspection_key_of(item)
        in_plan = plan_order.get(key, len(plan_order)) if key else len(plan_order) + index
        return (image_order[image] if image else -1, in_plan, index)

    return [item for _, item in sorted(enumerate(items), key=position)]


def batches_of(stack: StackSession, items: list[pytest.Item]) -> dict[str, list[Inspection]]:
    """Per image, the inspections among `items` that can run together, in order."""
    batches: dict[str, list[Inspection]] = {}
    for item in items:
        image, key = stack.image_of(item), stack.inspection_key_of(item)
        if image is None or key is None or not isinstance(item, pytest.Function):
            continue
        inspection = Inspection.of(key, item.originalname, item.obj)
        if inspection and set(inspection.arguments) <= BATCHABLE_ARGUMENTS:
            batches.setdefault(image, []).append(inspection)
    return batches


def run_inspection(stack: StackSession, item: pytest.Function, key: str, image: str) -> None:
    """Give `item` its outcome, evaluating its image's pending inspections together first."""
    resolved = item.funcargs["image"]
    assert isinstance(resolved, ResolvedImage), "the image fixture gives a ResolvedImage"
    outcomes = stack.evaluations.setdefault(image, {})
    if key not in outcomes:
        batch = [pending for pending in stack.batches.get(image, []) if pending.key not in outcomes]
        argument: Callable[[str], Any] = functools.partial(stack.argument, resolved)
        if not any(pending.key == key for pending in batch):
            alone = Inspection.of(key, item.originalname, item.obj)
            assert alone is not None, "an inspection key belongs to an inspection"
            batch, argument = [alone], item.funcargs.__getitem__
        outcomes.update(
            evaluate_all(
                batch,
                resolved.id,
                argument,
                stack.cache,
                stack.options.inspection_timeout,
                on_timeout=functools.partial(stack.stop_image, image),
            )
        )
    outcome = outcomes[key]
    item.stash[OUTCOME] = outcome
    if outcome.error is not None:
        raise outcome.error


def annotate(
    stack: StackSession, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> None:
    """Put the image's facts and the inspection's outcome on `report`, as plain built-ins.

    Failures of the stack's items are shown printable: image output never drives the terminal.
    """
    image = stack.image_of(item)
    if image is None:
        gated = stack.images_of(item)
        if gated:  # a test with fixtures of its own: its outcome counts for these images
            setattr(report, GATES_ATTRIBUTE, gated)
        return
    facts: dict[str, Any] = {"name": image}
    resolved = getattr(item, "funcargs", {}).get("image")
    if isinstance(resolved, ResolvedImage):
        facts.update(
            id=resolved.id,
            reference=resolved.reference,
            platform=resolved.platform,
            size_bytes=resolved.size_bytes,
            repo_digests=list(resolved.repo_digests),
        )
    setattr(report, IMAGE_ATTRIBUTE, facts)
    key = stack.inspection_key_of(item)
    if key is not None:
        outcome = item.stash.get(OUTCOME, None)
        setattr(
            report,
            INSPECTION_ATTRIBUTE,
            {
                "key": key,
                "value": outcome.value if outcome else None,
                "seconds": outcome.seconds if outcome else 0.0,
                "cached": outcome.cached if outcome else False,
            },
        )
        if call.when == "call":
            setattr(report, TIMING_ATTRIBUTE, stack.timing(image))
    if call.excinfo is not None and isinstance(call.excinfo.value, StackInspectionError):
        message = one_line(str(call.excinfo.value))
        setattr(report, ERROR_ATTRIBUTE, message)
        report.longrepr = f"{image}: {item.name}: {message}"
    elif report.failed and report.longrepr is not None:
        shown = str(report.longrepr)
        if (cleaned := printable(shown)) != shown:
            report.longrepr = cleaned
    report.sections = [(title, printable(content)) for title, content in report.sections]
