"""One inspection container per image per process, started on first use.

Inspections of an image run concurrently (see `evaluation`), so every method is safe to call
from several threads, and an image's container is started by exactly one of them: a lock per
image makes the start happen once, while other images can start theirs at the same time.
An image whose values all come from the cache never starts a container.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from inspections.errors import InspectionError
from inspections.runtime.container_exec import InspectionContainer
from inspections.runtime.engine import ResolvedImage


@dataclass
class _Slot:
    """One image's container, and why it was stopped, if it was."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    container: InspectionContainer | None = None
    stopped_because: str = ""


class ContainerPool:
    """Starts an image's container when a command first needs it; removes it on release.

    Removal happens in the background, so the next image need not wait; `close` waits for
    every removal and removes what is left.
    """

    def __init__(self, start: Callable[[ResolvedImage], InspectionContainer]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._slots: dict[str, _Slot] = {}
        self._removals = ThreadPoolExecutor(max_workers=2, thread_name_prefix="remove")
        self._pending: list[Future[None]] = []
        self.start_seconds: dict[str, float] = {}

    def _slot(self, name: str) -> _Slot:
        with self._lock:
            return self._slots.setdefault(name, _Slot())

    def get(self, image: ResolvedImage) -> InspectionContainer:
        """The running container of `image`, started now if needed.

        Raises InspectionError when the container was stopped (an inspection timed out).
        """
        slot = self._slot(image.name)
        with slot.lock:
            if slot.stopped_because:
                raise InspectionError(slot.stopped_because)
            if slot.container is None:
                began = time.perf_counter()
                slot.container = self._start(image)
                self.start_seconds[image.name] = time.perf_counter() - began
            if slot.stopped_because:  # stopped while it started: `stop` left it to us
                container, slot.container = slot.container, None
                container.remove()
                raise InspectionError(slot.stopped_because)
            return slot.container

    def stopped_because(self, name: str) -> str:
        """Why the container of image `name` was stopped; empty while it may run."""
        return self._slot(name).stopped_because

    def stop(self, name: str, reason: str) -> None:
        """Remove image `name`'s container now; later requests for it fail with `reason`."""
        slot = self._slot(name)
        slot.stopped_because = slot.stopped_because or reason
        if not slot.lock.acquire(blocking=False):
            return  # a thread is starting it: `get` removes it once started
        try:
            container, slot.container = slot.container, None
        finally:
            slot.lock.release()
        if container is not None:
            container.remove()

    def release(self, name: str) -> None:
        """Start removing the container of image `name`, if one runs."""
        slot = self._slot(name)
        with slot.lock:
            container, slot.container = slot.container, None
        if container is not None:
            with self._lock:
                self._pending.append(self._removals.submit(container.remove))

    def close(self) -> None:
        """Remove every container this process started, and wait until they are gone."""
        with self._lock:
            names = list(self._slots)
        for name in names:
            self.release(name)
        with self._lock:
            pending, self._pending = self._pending, []
        for removal in pending:
            removal.result()
        self._removals.shutdown(wait=True)
