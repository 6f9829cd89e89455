"""One inspection container per image per process, started on first use."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from docker.models.containers import Container

from inspections import docker_engine
from inspections.docker_engine import ResolvedImage


class ContainerPool:
    """Starts an image's container when a command first needs it; removes it on release.

    Inspections run concurrently (see `prefetch`), so `get` is safe to call from threads.
    An image whose values all come from the cache never starts a container.
    """

    def __init__(self, start: Callable[[ResolvedImage], Container]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._containers: dict[str, Container] = {}
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
        """Remove the container of image `name`, if one runs (e.g. after a timeout)."""
        with self._lock:
            container = self._containers.pop(name, None)
        if container is not None:
            docker_engine.remove_container(container)

    def remove_all(self) -> None:
        """Remove every container this process started."""
        for name in list(self._containers):
            self.remove(name)
