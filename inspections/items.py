"""What the plugin does with collected items: bind them to images, order them, run them."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from inspections.api import spec_of
from inspections.docker_engine import ResolvedImage
from inspections.errors import StackInspectionError
from inspections.evaluation import (
    PREFETCHABLE_ARGUMENTS,
    Evaluation,
    Inspection,
    arguments_of,
    evaluate,
    evaluate_all,
)
from inspections.plan import inspection_key
from inspections.results import (
    ERROR_ATTRIBUTE,
    IMAGE_ATTRIBUTE,
    INSPECTION_ATTRIBUTE,
    TIMING_ATTRIBUTE,
)
from inspections.run import RunContext

OUTCOME = pytest.StashKey[Evaluation]()


def inspection_key_of(run: RunContext, item: pytest.Item) -> str | None:
    """The plan key of an inspection item; None for anything else."""
    if not isinstance(item, pytest.Function) or spec_of(item.obj) is None:
        return None
    owner = run.owner_of(item.path) or ""
    return inspection_key(owner, item.path, item.originalname)


def image_of(run: RunContext, item: pytest.Item) -> str | None:
    """The image a stack item runs on; None for items that are not the stack's."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or run.images_for(item.path) is None:
        return None
    name = callspec.params.get("image")
    return name if name in run.plan.images else None


def to_deselect(run: RunContext, items: list[pytest.Item]) -> list[pytest.Item]:
    """The stack's items bound to no selected image, and image tests under --inspections-only."""
    unbound = [
        item
        for item in items
        if "image" in getattr(item, "fixturenames", ())
        and image_of(run, item) is None
        and run.images_for(item.path) is not None
    ]
    if run.options.inspections_only:
        unbound += [
            item
            for item in items
            if image_of(run, item) is not None and inspection_key_of(run, item) is None
        ]
    return unbound


def in_run_order(run: RunContext, items: list[pytest.Item]) -> list[pytest.Item]:
    """Image by image in stack order; inspections first, in plan order; then image tests."""
    image_order = {name: index for index, name in enumerate(run.plan.images)}
    plan_order = {
        planned.key: index
        for inspections in run.plan.inspections.values()
        for index, planned in enumerate(inspections)
    }

    def position(indexed: tuple[int, pytest.Item]) -> tuple[int, int, int]:
        index, item = indexed
        image = image_of(run, item)
        key = inspection_key_of(run, item)
        in_plan = plan_order.get(key, len(plan_order)) if key else len(plan_order) + index
        return (image_order[image] if image else -1, in_plan, index)

    return [item for _, item in sorted(enumerate(items), key=position)]


def note_inspections(run: RunContext, items: list[pytest.Item]) -> None:
    """Note, per image, the inspections this process runs that can run together."""
    run.inspections_of.clear()
    for item in items:
        image, key = image_of(run, item), inspection_key_of(run, item)
        if image is None or key is None or not isinstance(item, pytest.Function):
            continue
        inspection = Inspection.of(key, item.obj)
        if inspection and set(arguments_of(inspection.function)) <= PREFETCHABLE_ARGUMENTS:
            run.inspections_of.setdefault(image, []).append(inspection)


def run_inspection(run: RunContext, item: pytest.Function, key: str, image: str) -> None:
    """Give `item` its outcome, evaluating its image's pending inspections together first."""
    resolved = item.funcargs["image"]
    assert isinstance(resolved, ResolvedImage), "the image fixture gives a ResolvedImage"
    outcomes = run.evaluations.setdefault(image, {})
    timeout = run.options.inspection_timeout
    if key not in outcomes:
        batch = [
            pending for pending in run.inspections_of.get(image, []) if pending.key not in outcomes
        ]
        if any(pending.key == key for pending in batch):
            argument = functools.partial(run.argument, resolved)
            outcomes.update(evaluate_all(batch, resolved, argument, run.cache, timeout))
        else:
            alone = Inspection.of(key, item.obj)
            assert alone is not None, "an inspection key belongs to an inspection"
            outcomes[key] = evaluate(alone, resolved, item.funcargs.__getitem__, run.cache, timeout)
    outcome = outcomes[key]
    item.stash[OUTCOME] = outcome
    if outcome.error is not None:
        raise outcome.error


def annotate(
    run: RunContext, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> None:
    """Put the image's facts and the inspection's outcome on `report`, as plain built-ins."""
    image = image_of(run, item)
    if image is None:
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
    key = inspection_key_of(run, item)
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
            setattr(report, TIMING_ATTRIBUTE, run.timing(image))
    if call.excinfo is not None and isinstance(call.excinfo.value, StackInspectionError):
        setattr(report, ERROR_ATTRIBUTE, str(call.excinfo.value))
        report.longrepr = f"{image}: {item.name}: {call.excinfo.value}"
