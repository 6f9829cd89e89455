"""Running an image's inspections: all at once in threads, each bounded by the timeout.

Inspections only read the image, so an image's inspections run concurrently when the first
of them is called: the image then costs its container start plus its slowest inspection
rather than the sum of them all. Each pytest item then reports the outcome of its own, whatever
its inspection raised (a skip, a failure, SystemExit): one inspection's outcome never becomes
another's.

Every inspection runs in a daemon thread that the caller waits for until the inspection's
deadline, whatever the inspection waits on (a command, another thread, a pure-Python loop).
At the first timeout `on_timeout` is called (it stops the image's container, which ends its
commands); a thread still stuck after that is abandoned and ends with the process.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from inspections.api import spec_of
from inspections.errors import InspectionError
from inspections.runtime.cache import CACHEABLE_ARGUMENTS, ValueCache
from inspections.values import Value, check_value


@dataclass(frozen=True)
class Evaluation:
    """One inspection's outcome on one image."""

    value: Value | None
    error: BaseException | None
    seconds: float
    cached: bool = False


@dataclass(frozen=True)
class Inspection:
    """An inspection to evaluate: its plan key, name, kind and function."""

    key: str
    name: str
    kind: str
    function: Callable[..., Any]

    @classmethod
    def of(cls, key: str, name: str, function: Callable[..., Any]) -> Inspection | None:
        """The inspection for `function`, or None when it is not one."""
        spec = spec_of(function)
        return None if spec is None else cls(key, name, spec.kind, function)

    @property
    def arguments(self) -> list[str]:
        return list(inspect.signature(self.function).parameters)

    @property
    def cacheable(self) -> bool:
        """Whether its value depends on the container alone (not on the build or options)."""
        names = set(self.arguments)
        return bool(names) and names <= CACHEABLE_ARGUMENTS


class InspectionTimeoutError(InspectionError):
    """An inspection outlived the timeout."""


ArgumentSource = Callable[[str], Any]


def _compute(
    inspection: Inspection, image_id: str, argument: ArgumentSource, cache: ValueCache | None
) -> tuple[Value, bool]:
    """The inspection's checked value, and whether it came from the cache."""
    if not inspection.cacheable:
        cache = None
    if cache is not None:
        cached = cache.get(image_id, inspection.key, inspection.function)
        if cached is not None:
            return check_value(inspection.kind, cached), True
    from inspections.runtime.host import inspecting

    arguments = {name: argument(name) for name in inspection.arguments}
    with inspecting(arguments.get("host")):
        value = check_value(inspection.kind, inspection.function(**arguments))
    if cache is not None:
        # A cache that cannot be written only means the next run computes the value again.
        with contextlib.suppress(OSError):
            cache.put(image_id, inspection.key, inspection.function, value)
    return value, False


def _started(
    inspection: Inspection, image_id: str, argument: ArgumentSource, cache: ValueCache | None
) -> Future[Evaluation]:
    """A daemon thread evaluating `inspection`; its future, which never holds an exception."""
    future: Future[Evaluation] = Future()

    def run() -> None:
        began = time.monotonic()
        try:
            value, cached = _compute(inspection, image_id, argument, cache)
        except BaseException as error:  # the item re-raises it as its own outcome
            future.set_result(Evaluation(None, error, time.monotonic() - began))
        else:
            future.set_result(Evaluation(value, None, time.monotonic() - began, cached))

    thread = threading.Thread(target=run, name=f"inspect-{inspection.name}", daemon=True)
    thread.start()
    return future


def evaluate_all(
    inspections: list[Inspection],
    image_id: str,
    argument: ArgumentSource,
    cache: ValueCache | None,
    timeout: float,
    on_timeout: Callable[[Inspection], None],
) -> dict[str, Evaluation]:
    """Evaluate `inspections` concurrently, each within `timeout` seconds; outcomes by key."""
    began = time.monotonic()
    futures = {item.key: _started(item, image_id, argument, cache) for item in inspections}
    outcomes: dict[str, Evaluation] = {}
    for item in inspections:
        try:
            outcomes[item.key] = futures[item.key].result(
                timeout=max(began + timeout - time.monotonic(), 0)
            )
        except FutureTimeout:
            on_timeout(item)
            error = InspectionTimeoutError(
                f"still ran after the inspection timeout of {timeout:g} s: its container was "
                "removed; raise --inspection-timeout or make it finish sooner"
            )
            outcomes[item.key] = Evaluation(None, error, time.monotonic() - began)
    return outcomes
