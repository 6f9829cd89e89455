"""Running an image's inspections: all at once in threads, each value computed once.

Inspections only read the image, so an image's inspections run concurrently when the first
of them is called: the image then costs its container start plus its slowest inspection
rather than the sum of them all. Each pytest item then reports the outcome of its own.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from inspections.api import spec_of
from inspections.cache import ValueCache
from inspections.docker_engine import ResolvedImage
from inspections.host import inspecting
from inspections.values import check_value

MAX_THREADS = 8
CONTAINER_ARGUMENTS = frozenset({"host", "container"})
# What the plugin can give an inspection outside pytest's fixture setup (RunContext.argument).
PREFETCHABLE_ARGUMENTS = CONTAINER_ARGUMENTS | {"image", "build_info"}


@dataclass(frozen=True)
class Evaluation:
    """One inspection's outcome on one image."""

    value: str | None
    error: BaseException | None
    seconds: float
    cached: bool = False


@dataclass(frozen=True)
class Inspection:
    """An inspection to evaluate: its plan key, kind and function."""

    key: str
    kind: str
    function: Callable[..., Any]

    @classmethod
    def of(cls, key: str, function: Callable[..., Any]) -> Inspection | None:
        """The inspection for `function`, or None when it is not one."""
        spec = spec_of(function)
        return None if spec is None else cls(key, spec.kind, function)


ArgumentSource = Callable[[str], Any]


def arguments_of(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def evaluate(
    inspection: Inspection,
    image: ResolvedImage,
    argument: ArgumentSource,
    cache: ValueCache | None,
    timeout: float | None,
) -> Evaluation:
    """Compute (or read from the cache) one inspection's validated value."""
    began = time.perf_counter()
    names = arguments_of(inspection.function)
    from_container = bool(CONTAINER_ARGUMENTS & set(names))
    if cache is not None and from_container:
        cached = cache.get(image.id, inspection.key, inspection.function)
        if cached is not None:
            return Evaluation(cached, None, time.perf_counter() - began, cached=True)
    try:
        arguments = {name: argument(name) for name in names}
        with inspecting(arguments.get("host"), timeout):
            value = check_value(inspection.kind, inspection.function(**arguments))
    except Exception as error:
        return Evaluation(None, error, time.perf_counter() - began)
    if cache is not None and from_container:
        cache.put(image.id, inspection.key, inspection.function, value)
    return Evaluation(value, None, time.perf_counter() - began)


def evaluate_all(
    inspections: list[Inspection],
    image: ResolvedImage,
    argument: ArgumentSource,
    cache: ValueCache | None,
    timeout: float | None,
) -> dict[str, Evaluation]:
    """Evaluate `inspections` concurrently; outcomes by key."""
    if not inspections:
        return {}
    threads = min(MAX_THREADS, len(inspections))
    pool = ThreadPoolExecutor(threads, thread_name_prefix=f"inspect-{image.name}")
    try:
        futures = {
            item.key: pool.submit(evaluate, item, image, argument, cache, timeout)
            for item in inspections
        }
        return {key: future.result() for key, future in futures.items()}
    finally:
        # On Ctrl-C, do not wait here for commands still running: the session's teardown
        # removes the containers, which ends them.
        pool.shutdown(wait=False, cancel_futures=True)
