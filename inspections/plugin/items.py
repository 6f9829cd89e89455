"""What the plugin does with the stack's items: select, order and batch them, find their
image, run them, report them."""

from __future__ import annotations

from typing import Any

import pytest

from inspections.errors import StackInspectionError
from inspections.outputs.results import (
    ERROR_ATTRIBUTE,
    GATES_ATTRIBUTE,
    IMAGE_ATTRIBUTE,
    INSPECTION_ATTRIBUTE,
    TESTED_ON_ATTRIBUTE,
    TIMING_ATTRIBUTE,
)
from inspections.outputs.verdict_items import IMAGE_PROPERTY
from inspections.plugin.item_index import ItemIndex
from inspections.runtime.engine import ResolvedImage
from inspections.runtime.evaluation import Evaluation, Inspection
from inspections.runtime.resources import ARGUMENTS, ImageResources
from inspections.runtime.runner import InspectionRunner
from inspections.text import one_line, printable

OUTCOME = pytest.StashKey[Evaluation]()


def to_deselect(
    index: ItemIndex, items: list[pytest.Item], inspections_only: bool
) -> list[pytest.Item]:
    """The stack's items that count for no selected image, and image tests under
    --inspections-only."""
    unbound = [
        item for item in items if index.is_stack_file(item.path) and not index.images_of(item)
    ]
    if inspections_only:
        unbound += [
            item
            for item in items
            if index.images_of(item) and index.inspection_key_of(item) is None
        ]
    return unbound


def in_run_order(index: ItemIndex, items: list[pytest.Item]) -> list[pytest.Item]:
    """Other tests first, as they were; then image by image, inspections first in plan order."""
    image_order = {name: position for position, name in enumerate(index.plan.images)}
    plan_order = {
        planned.key: position
        for inspections in index.plan.inspections.values()
        for position, planned in enumerate(inspections)
    }

    def position(indexed: tuple[int, pytest.Item]) -> tuple[int, int, int]:
        at, item = indexed
        image = index.image_of(item)
        key = index.inspection_key_of(item)
        in_plan = plan_order.get(key, len(plan_order)) if key else len(plan_order) + at
        return (image_order[image] if image else -1, in_plan, at)

    return [item for _, item in sorted(enumerate(items), key=position)]


def batches_of(index: ItemIndex, items: list[pytest.Item]) -> dict[str, list[Inspection]]:
    """Per image, the inspections among `items` that can run together, in order."""
    batches: dict[str, list[Inspection]] = {}
    for item in items:
        image, key = index.image_of(item), index.inspection_key_of(item)
        if image is None or key is None or not isinstance(item, pytest.Function):
            continue
        inspection = Inspection.of(key, item.originalname, item.obj)
        if inspection and set(inspection.arguments) <= ARGUMENTS:
            batches.setdefault(image, []).append(inspection)
    return batches


def find_image(resources: ImageResources, item: pytest.Item, image: str) -> None:
    """Name `item`'s image in its properties and look the image up: a missing image fails its
    first item and skips the rest."""
    property_ = (IMAGE_PROPERTY, image)
    if property_ not in item.user_properties:
        item.user_properties.append(property_)
    failed_before = resources.failed_to_resolve(image)
    try:
        resources.resolve(image)
    except StackInspectionError as error:
        if failed_before:
            pytest.skip(f"{image}: {error} (reported once, on its first item)")
        raise


def run_inspection(runner: InspectionRunner, item: pytest.Function, key: str) -> None:
    """Give `item` its outcome, evaluating its image's pending inspections together first."""
    resolved = item.funcargs["image"]
    assert isinstance(resolved, ResolvedImage), "the image fixture gives a ResolvedImage"
    inspection = Inspection.of(key, item.originalname, item.obj)
    assert inspection is not None, "an inspection key belongs to an inspection"
    outcome = runner.evaluation(resolved, inspection, item.funcargs.__getitem__)
    item.stash[OUTCOME] = outcome
    if outcome.error is not None:
        raise outcome.error


def annotate(
    index: ItemIndex,
    resources: ImageResources,
    item: pytest.Item,
    call: pytest.CallInfo[None],
    report: pytest.TestReport,
) -> None:
    """Put the image's facts and the inspection's outcome on `report`, as plain built-ins.

    Failures of the stack's items are shown printable: image output never drives the terminal.
    """
    image = index.image_of(item)
    if image is None:
        gated = index.images_of(item)
        if gated:  # a test with fixtures of its own: its outcome counts for these images
            setattr(report, GATES_ATTRIBUTE, gated)
            if call.when == "call":  # and which image it ran on, where that is known
                ran_on = {name: found for name in gated if (found := resources.tests_image(name))}
                if ran_on:
                    setattr(report, TESTED_ON_ATTRIBUTE, ran_on)
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
    key = index.inspection_key_of(item)
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
            setattr(report, TIMING_ATTRIBUTE, resources.timing(image))
    if call.excinfo is not None and isinstance(call.excinfo.value, StackInspectionError):
        message = one_line(str(call.excinfo.value))
        setattr(report, ERROR_ATTRIBUTE, message)
        report.longrepr = f"{image}: {item.name}: {message}"
    elif report.failed and report.longrepr is not None:
        shown = str(report.longrepr)
        if (cleaned := printable(shown)) != shown:
            report.longrepr = cleaned
    report.sections = [(title, printable(content)) for title, content in report.sections]
