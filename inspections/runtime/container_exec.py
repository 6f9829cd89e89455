"""A running inspection container: commands executed in it, their output read frame by frame.

The container lives while its attached stdin is held open (see `engine`); removing it closes
that stdin too. The docker SDK is imported only when a container is removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from inspections.errors import InspectionError
from inspections.runtime.unix_socket import Dialer

MAX_OUTPUT_BYTES = 256 * 1024 * 1024
CONFLICT = 409  # the engine is already removing the container


class OutputTooLargeError(InspectionError):
    """A command printed more than an inspection can hold."""


@dataclass
class AttachedStdin:
    """The attached stdin socket and the client whose connection it is (kept alive with it)."""

    client: Any
    socket: Any

    def close(self) -> None:
        self.socket.close()
        if self.client is not None:
            self.client.close()


@dataclass
class InspectionContainer:
    """A running inspection container, alive while its stdin connection is held open."""

    id: str
    api: Any  # docker.APIClient
    stdin: AttachedStdin  # the attached stdin whose closing ends the container
    dialer: Dialer | None  # own connections to the engine, where it listens on a unix socket
    _removed: bool = field(default=False, init=False)

    def exec(self, line: str, user: str | None) -> tuple[int, bytes, bytes]:
        """Exit status, stdout and stderr of `line` run through `/bin/sh -c`.

        Output is read frame by frame in linear time, up to MAX_OUTPUT_BYTES.
        """
        execution = self.api.exec_create(self.id, ["/bin/sh", "-c", line], user=user or "")
        streams: dict[int, list[bytes]] = {1: [], 2: []}
        total = 0
        for stream, chunk in self._frames(execution["Id"]):
            total += len(chunk)
            if total > MAX_OUTPUT_BYTES:
                raise OutputTooLargeError(
                    f"`{line}` printed more than {MAX_OUTPUT_BYTES // 2**20} MiB: make it "
                    "print less (filter or summarise its output)"
                )
            streams.setdefault(stream, []).append(chunk)
        status = self.api.exec_inspect(execution["Id"])["ExitCode"]
        code = int(status) if status is not None else -1
        return code, b"".join(streams[1]), b"".join(streams[2])

    def _frames(self, execution_id: str) -> Iterator[tuple[int, bytes]]:
        """The execution's output frames: (1 for stdout or 2 for stderr, bytes)."""
        if self.dialer is None:
            for stdout, stderr in self.api.exec_start(execution_id, stream=True, demux=True):
                yield (1, stdout) if stdout is not None else (2, stderr)
            return
        body = b'{"Detach": false, "Tty": false}'
        connection = self.dialer.upgrade(f"/exec/{execution_id}/start", body)
        try:
            reader = connection.makefile("rb", buffering=1 << 16)
            while len(header := reader.read(8)) == 8:
                length = int.from_bytes(header[4:], "big")
                chunk = reader.read(length)
                yield header[0], chunk
                if len(chunk) < length:
                    return
        finally:
            connection.close()

    def remove(self) -> None:
        """Remove the container with its anonymous volumes; one already gone is fine."""
        if self._removed:
            return
        self._removed = True
        try:
            remove_quietly(self.api, self.id)
        finally:
            self.stdin.close()


def remove_quietly(api: Any, container_id: str) -> bool:
    """Remove a container and its anonymous volumes; False when it was already gone."""
    import docker.errors

    try:
        api.remove_container(container_id, force=True, v=True)
    except docker.errors.NotFound:
        return False
    except docker.errors.APIError as error:
        if error.status_code != CONFLICT:
            raise
        return False
    return True
