"""A testinfra host on an inspection container that runs each distinct command once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import testinfra.host
from testinfra.backend.base import CommandResult
from testinfra.backend.docker import DockerBackend


class CachingDockerBackend(DockerBackend):
    """testinfra's docker backend, remembering results while inspections run.

    Inspections only read the image, so a command's output is the same for all of them:
    while caching is on, each distinct command line runs once. Image tests may change the
    container, so their commands always run.
    """

    def __init__(self, container_id: str) -> None:
        super().__init__(container_id)
        self.caching = False
        self.executed: list[str] = []
        self._results: dict[str, CommandResult] = {}

    def get_encoding(self) -> str:
        """Containers of the stack speak UTF-8; asking them costs an extra command."""
        return "utf-8"

    def run(self, command: str, *args: str, **kwargs: Any) -> CommandResult:
        """Run `command` in the container, or reuse its result while caching is on."""
        line = self.get_command(command, *args)
        if self.caching and line in self._results:
            return self._results[line]
        self.executed.append(line)
        result = super().run(command, *args, **kwargs)
        if self.caching:
            self._results[line] = result
        return result


def host_for(container_id: str) -> testinfra.host.Host:
    """A testinfra host on the container, backed by a CachingDockerBackend."""
    backend = CachingDockerBackend(container_id)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host


@contextmanager
def caching_commands(host: Any) -> Iterator[None]:
    """Reuse command results on `host` for the duration of the block."""
    backend = getattr(host, "backend", None)
    if not isinstance(backend, CachingDockerBackend):
        yield
        return
    backend.caching = True
    try:
        yield
    finally:
        backend.caching = False
