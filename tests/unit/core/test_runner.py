"""The inspection runner: each inspection evaluated once per image, its image's batch with it."""

from __future__ import annotations

import threading
from typing import Any, cast

from inspections import tagger
from inspections.runtime.engine import ResolvedImage
from inspections.runtime.evaluation import Inspection, InspectionTimeoutError
from inspections.runtime.resources import ImageResources
from inspections.runtime.runner import InspectionRunner

IMAGE = ResolvedImage("base", "localhost/demo/base:latest", "sha256:0a1b", "x86_64", 1, ())


class Resources:
    """What the runner asks of the image resources, recorded: arguments given, stops."""

    def __init__(self) -> None:
        self.given: list[tuple[str, str]] = []
        self.stopped: list[tuple[str, str]] = []

    def argument(self, image: ResolvedImage, name: str) -> Any:
        self.given.append((image.name, name))
        return f"{name} of {image.name}"

    def stop(self, image: str, reason: str) -> None:
        self.stopped.append((image, reason))


def inspection(function: Any) -> Inspection:
    """`function` as a tagger of the image `base`."""
    name = function.__name__
    found = Inspection.of(f"base/inspect_base.py::{name}", name, tagger(function))
    assert found is not None
    return found


NO_ARGUMENTS: dict[str, Any] = {}


def runner_with(resources: Resources, timeout: float = 30.0) -> InspectionRunner:
    return InspectionRunner(cast(ImageResources, resources), None, timeout)


def test_the_first_inspection_asked_for_evaluates_its_batch_once() -> None:
    calls: list[str] = []

    def first(host: str) -> str:
        calls.append("first")
        return "first-tag"

    def second(host: str) -> str:
        calls.append("second")
        return "second-tag"

    batch = [inspection(first), inspection(second)]
    resources = Resources()
    runner = runner_with(resources)
    runner.batch({"base": batch})

    assert runner.evaluation(IMAGE, batch[1], NO_ARGUMENTS.__getitem__).value == "second-tag"
    assert runner.evaluation(IMAGE, batch[0], NO_ARGUMENTS.__getitem__).value == "first-tag"
    assert sorted(calls) == ["first", "second"]  # once each, together
    assert resources.given == [("base", "host"), ("base", "host")]


def test_an_inspection_outside_the_batch_gets_its_items_own_arguments() -> None:
    def alone(host: str, tmp_path: str) -> str:
        return f"{host}-{tmp_path}"

    resources = Resources()
    runner = runner_with(resources)
    runner.batch({"base": []})

    own = {"host": "own-host", "tmp_path": "tmp"}.__getitem__
    assert runner.evaluation(IMAGE, inspection(alone), own).value == "own-host-tmp"
    assert resources.given == []


def test_a_timeout_stops_the_images_container_saying_which_inspection_ran_over() -> None:
    release = threading.Event()

    def slow(host: str) -> str:
        release.wait(30)
        return "late"

    resources = Resources()
    runner = runner_with(resources, timeout=0.1)
    runner.batch({"base": [inspection(slow)]})
    try:
        outcome = runner.evaluation(IMAGE, inspection(slow), NO_ARGUMENTS.__getitem__)
    finally:
        release.set()

    assert isinstance(outcome.error, InspectionTimeoutError)
    assert resources.stopped == [
        ("base", "stopped because slow timed out after 0.1 s (the container was removed)")
    ]
