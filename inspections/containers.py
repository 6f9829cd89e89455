"""One inspection container per image per process, started on first use."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from docker.models.containers import Container

from inspections import docker_engine
from inspections.docker_engine import ResolvedImage


class ContainerPool:
    """Starts an image's container when a command first needs it; removes it on release.

    Inspections run concurrently (see `evaluation`), so `get` is safe to call from threads.
    An image whose values all come from the cache never starts a container. Removal happens
    in the background, so the next image need not wait; `remove_all` waits for all of them.
    """

    def __init__(self, start: Callable[[ResolvedImage], Container]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._containers: dict[str, Container] = {}
        self._removals = ThreadPoolExecutor(max_workers=2, thread_name_prefix="remove")
        self._pending: list[Future[None]] = []
        self.start_seconds: dict[str, float] = {}

    def get(self, image: ResolvedImage) -> Container:
        """The running container of `image`, started now if needed."""
        with self._lock:
            if image.name not in self._containers:
                began = time.perf_counter()
                self._containers[image.name] = self._start(image)
                self.start_seconds[image.name] = time.perf_counter() - began
            return self._containers[image.name]

    def remove(self, name: str) -> None:
        """Start removing the container of image `name`, if one runs."""
        with self._lock:
            container = self._containers.pop(name, None)
            if container is not None:
                removal = self._removals.submit(docker_engine.remove_container, container)
                self._pending.append(removal)

    def remove_all(self) -> None:
        """Remove every container this process started, and wait until they are gone."""
        for name in list(self._containers):
            self.remove(name)
        for removal in self._pending:
            removal.result()
        self._pending.clear()
