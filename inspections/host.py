"""A testinfra host on an inspection container: each distinct command once, within a deadline."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import testinfra.host
from testinfra.backend.base import CommandResult
from testinfra.backend.docker import DockerBackend

from inspections.errors import InspectionError


class CommandTimeoutError(InspectionError):
    """A command outlived its inspection's deadline; the container was removed."""


class CachingDockerBackend(DockerBackend):
    """testinfra's docker backend, remembering results and keeping deadlines for inspections.

    Inspections only read the image, so a command's output is the same for all of them:
    while caching is on, each distinct command line runs once. Image tests may change the
    container, so their commands always run. A command still running at the deadline is
    abandoned and `on_timeout` is called (it removes the container, which ends the command).
    """

    def __init__(self, container_id: str, on_timeout: Callable[[], None]) -> None:
        super().__init__(container_id)
        self.caching = False
        self.deadline: float | None = None
        self.on_timeout = on_timeout
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
        result = self._execute(line)
        if self.caching:
            self._results[line] = result
        return result

    def _execute(self, line: str) -> CommandResult:
        user = ["--user", self.user] if self.user is not None else []
        argv = ["docker", "exec", *user, self.name, "/bin/sh", "-c", line]
        remaining = None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)
        try:
            completed = subprocess.run(argv, capture_output=True, timeout=remaining, check=False)
        except subprocess.TimeoutExpired as error:
            self.on_timeout()
            raise CommandTimeoutError(
                f"`{line}` still ran at the inspection timeout: the container was removed; "
                "raise --inspection-timeout or make the command finish"
            ) from error
        return self.result(
            completed.returncode, self.encode(line), completed.stdout, completed.stderr
        )


def host_for(container_id: str, on_timeout: Callable[[], None]) -> testinfra.host.Host:
    """A testinfra host on the container, backed by a CachingDockerBackend."""
    backend = CachingDockerBackend(container_id, on_timeout)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host


@contextmanager
def inspecting(host: Any, timeout: float | None) -> Iterator[None]:
    """Reuse command results on `host` and stop its commands after `timeout` seconds."""
    backend = getattr(host, "backend", None)
    if not isinstance(backend, CachingDockerBackend):
        yield
        return
    backend.caching = True
    backend.deadline = None if timeout is None else time.monotonic() + timeout
    try:
        yield
    finally:
        backend.caching = False
        backend.deadline = None
