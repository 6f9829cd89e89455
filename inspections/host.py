"""A testinfra host on an image's container: each distinct command once, within a deadline.

The container is started on the first command, so values served from the cache cost none.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import testinfra.host
from docker.models.containers import Container
from testinfra.backend.base import CommandResult
from testinfra.backend.docker import DockerBackend

from inspections.errors import InspectionError


class CommandTimeoutError(InspectionError):
    """A command outlived its inspection's deadline; the container was removed."""


class CachingDockerBackend(DockerBackend):
    """testinfra's docker backend, sharing results and keeping deadlines for inspections.

    Inspections only read the image, so a command's output is the same for all of them:
    while caching is on, each distinct command line runs once, even when inspections run
    concurrently (later callers wait for the first). Image tests may change the container,
    so their commands always run. A command still running at its inspection's deadline is
    abandoned and `on_timeout` is called (it removes the container, ending the command).
    """

    def __init__(
        self, label: str, container: Callable[[], Container], on_timeout: Callable[[], None]
    ) -> None:
        super().__init__(label)
        self.container = container
        self.on_timeout = on_timeout
        self._sharing = 0  # inspections running now, in any thread
        self.executed: list[str] = []  # command lines run while caching, in order
        self.seconds: dict[str, float] = {}  # each of those lines' own wall time
        self._results: dict[str, Future[CommandResult]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def caching(self) -> bool:
        """Whether an inspection runs now: then command results are shared."""
        return self._sharing > 0

    @contextmanager
    def sharing(self, timeout: float | None) -> Iterator[None]:
        """Share results while the block runs; its thread's commands end after `timeout` s."""
        with self._lock:
            self._sharing += 1
        self.deadline = None if timeout is None else time.monotonic() + timeout
        try:
            yield
        finally:
            self.deadline = None
            with self._lock:
                self._sharing -= 1

    @property
    def deadline(self) -> float | None:
        """The monotonic deadline of the inspection running in this thread, if any."""
        return getattr(self._local, "deadline", None)

    @deadline.setter
    def deadline(self, value: float | None) -> None:
        self._local.deadline = value

    def get_encoding(self) -> str:
        """Containers of the stack speak UTF-8; asking them costs an extra command."""
        return "utf-8"

    def run(self, command: str, *args: str, **kwargs: Any) -> CommandResult:
        """Run `command` in the container, or share its result while caching is on."""
        line = self.get_command(command, *args)
        if not self.caching:
            return self._execute(line)
        with self._lock:
            shared = self._results.get(line)
            if shared is None:
                self._results[line] = future = Future[CommandResult]()
                self.executed.append(line)
        if shared is not None:
            return shared.result()
        began = time.perf_counter()
        try:
            result = self._execute(line)
        except BaseException as error:
            future.set_exception(error)
            raise
        finally:
            self.seconds[line] = time.perf_counter() - began
        future.set_result(result)
        return result

    def _execute(self, line: str) -> CommandResult:
        """`line` through `/bin/sh -c` in the container, over the engine's API (no CLI)."""
        deadline = self.deadline
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        running = _EXECUTIONS.submit(_exec, self.container(), self.user, line)
        try:
            rc, stdout, stderr = running.result(timeout=remaining)
        except TimeoutError as error:
            self.on_timeout()
            raise CommandTimeoutError(
                f"`{line}` still ran at the inspection timeout: the container was removed; "
                "raise --inspection-timeout or make the command finish"
            ) from error
        return self.result(rc, self.encode(line), stdout, stderr)


# Commands wait here, so that one past its deadline can be abandoned by the caller.
_EXECUTIONS = ThreadPoolExecutor(thread_name_prefix="docker-exec")


def _exec(container: Container, user: str | None, line: str) -> tuple[int, bytes, bytes]:
    """Exit status, stdout and stderr of `line` run in `container`."""
    api = container.client.api
    execution = api.exec_create(container.id, ["/bin/sh", "-c", line], user=user or "")
    stdout, stderr = api.exec_start(execution["Id"], demux=True)
    status = api.exec_inspect(execution["Id"])["ExitCode"]
    return int(status if status is not None else -1), stdout or b"", stderr or b""


def lazy_host(
    label: str, container: Callable[[], Container], on_timeout: Callable[[], None]
) -> testinfra.host.Host:
    """A testinfra host whose container is asked for (and so started) on its first command."""
    backend = CachingDockerBackend(label, container, on_timeout)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host


@contextmanager
def inspecting(host: Any, timeout: float | None) -> Iterator[None]:
    """Share command results on `host` and stop this thread's commands after `timeout` s."""
    backend = getattr(host, "backend", None)
    if not isinstance(backend, CachingDockerBackend):
        yield
        return
    with backend.sharing(timeout):
        yield
