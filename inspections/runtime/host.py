"""A testinfra host on an image's container that runs each distinct command once for inspections.

The container is asked for (and so started) on the first command, so values served from the
cache cost none. Output that is not UTF-8 is decoded with replacement characters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, Protocol

import testinfra.host
from testinfra.backend.base import CommandResult
from testinfra.backend.docker import DockerBackend

from inspections.errors import InspectionError
from inspections.text import one_line


class Container(Protocol):
    """What commands run in (an `InspectionContainer`)."""

    def exec(self, line: str, user: str | None) -> tuple[int, bytes, bytes]:
        """Exit status, stdout and stderr of `line` run through `/bin/sh -c`."""


class InspectionBackend(DockerBackend):
    """testinfra's docker backend over the engine's API, sharing results between inspections.

    Inspections only read the image, so a command's output is the same for all of them: in a
    thread that runs an inspection, each distinct command line runs once, even when several
    inspections ask at the same time (later callers wait for the first). Image tests may
    change the container, so their commands always run.
    """

    def __init__(
        self,
        label: str,
        container: Callable[[], Container],
        stopped_because: Callable[[], str],
    ) -> None:
        super().__init__(label)
        self.container = container
        self.stopped_because = stopped_because
        self.executed: list[str] = []  # command lines run for inspections, in order
        self.seconds: dict[str, float] = {}  # each of those lines' own wall time
        self._results: dict[str, Future[CommandResult]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def sharing(self) -> bool:
        """Whether this thread runs an inspection: then command results are shared."""
        return bool(getattr(self._local, "sharing", False))

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Share command results in this thread while the block runs."""
        self._local.sharing = True
        try:
            yield
        finally:
            self._local.sharing = False

    def get_encoding(self) -> str:
        """Containers of the stack speak UTF-8; asking them costs an extra command."""
        return "utf-8"

    def decode(self, data: bytes) -> str:
        """Command output as text; bytes that are not UTF-8 become replacement characters."""
        return data.decode("utf-8", errors="replace")

    def run(self, command: str, *args: str, **kwargs: Any) -> CommandResult:
        """Run `command` in the container, or share its result in an inspection's thread."""
        line = self.get_command(command, *args)
        if not self.sharing:
            return self._execute(line)
        with self._lock:
            shared = self._results.get(line)
            if shared is None:
                self._results[line] = future = Future[CommandResult]()
                self.executed.append(line)
        if shared is not None:
            return shared.result()
        try:
            result = self._execute(line)
        except BaseException as error:
            future.set_exception(error)
            raise
        future.set_result(result)
        return result

    def _execute(self, line: str) -> CommandResult:
        """`line` through `/bin/sh -c` in the container, over the engine's API (no CLI).

        An inspection's command is timed from when its container runs: starting the container
        (on the first command) is timed apart.
        """
        began = None
        try:
            container = self.container()
            began = time.perf_counter()
            rc, stdout, stderr = container.exec(line, self.user)
        except InspectionError:
            raise
        except Exception as error:
            reason = self.stopped_because()
            if reason:
                raise InspectionError(reason) from error
            raise InspectionError(
                f"`{line}` could not run in the container ({one_line(str(error))})"
            ) from error
        finally:
            if began is not None and self.sharing:
                self.seconds[line] = time.perf_counter() - began
        reason = self.stopped_because()
        if reason:  # the container was removed under the command: its result means nothing
            raise InspectionError(reason)
        return self.result(rc, self.encode(line), stdout, stderr)


def lazy_host(
    label: str, container: Callable[[], Container], stopped_because: Callable[[], str]
) -> testinfra.host.Host:
    """A testinfra host whose container is asked for (and so started) on its first command."""
    backend = InspectionBackend(label, container, stopped_because)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host


@contextmanager
def inspecting(host: Any) -> Iterator[None]:
    """Share command results on `host` in this thread while an inspection runs."""
    backend = getattr(host, "backend", None)
    if not isinstance(backend, InspectionBackend):
        yield
        return
    with backend.shared():
        yield
