"""Requests of our own to an engine that listens on a unix socket, outside any connection pool.

The docker SDK is not needed for them: a session served from the value cache looks its images
up this way without importing it.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass

from inspections.errors import DockerUnavailableError, InspectionError

DEFAULT_SOCKET = "/var/run/docker.sock"


def unix_socket_of(environ: Mapping[str, str]) -> str | None:
    """The engine's unix socket as the docker SDK finds it (`DOCKER_HOST`); None for TCP, SSH."""
    host = environ.get("DOCKER_HOST", "").strip() or f"unix://{DEFAULT_SOCKET}"
    for scheme in ("unix://", "http+unix://"):
        if host.startswith(scheme):
            return host.removeprefix(scheme)
    return None


@dataclass(frozen=True)
class Dialer:
    """Connections of their own to an engine's unix socket, outside any connection pool.

    An attach or an exec's output upgrades its HTTP connection to a raw stream. A pooled
    connection can be handed to the next request, or its socket closed by the pool, while
    the stream is still in use; these connections belong to one stream each.
    """

    path: str
    api_version: str = ""  # empty: the engine's own API version

    def _connect(self) -> socket.socket:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(self.path)
        except OSError as error:
            connection.close()
            raise DockerUnavailableError(
                f"Docker engine not reachable at {self.path} ({error.strerror}): start dockerd "
                "or set DOCKER_HOST"
            ) from error
        return connection

    def _versioned(self, path: str) -> str:
        return f"/v{self.api_version}{path}" if self.api_version else path

    def get(self, path: str) -> tuple[int, bytes]:
        """`GET path`: the status code and the whole body (HTTP/1.0: it ends with the body)."""
        connection = self._connect()
        try:
            connection.sendall(
                f"GET {self._versioned(path)} HTTP/1.0\r\nHost: docker\r\n\r\n".encode()
            )
            with connection.makefile("rb") as stream:
                answer = stream.read()
        finally:
            connection.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        status = head.split(b" ", 2)[1:2]
        if not status or not status[0].isdigit():
            raise DockerUnavailableError(
                f"the Docker engine at {self.path} gave no HTTP answer: check that it is one"
            )
        return int(status[0]), body

    def upgrade(self, path: str, body: bytes) -> socket.socket:
        """A raw stream: `POST path` with `body`, upgraded."""
        connection = self._connect()
        try:
            head = (
                f"POST {self._versioned(path)} HTTP/1.1\r\nHost: docker\r\n"
                "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            connection.sendall(head.encode() + body)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = connection.recv(1)  # byte by byte: nothing of the stream is read here
                if not chunk:
                    break
                answer += chunk
            status = answer.split(b" ", 2)[1:2]
            if status not in ([b"101"], [b"200"]):
                first = answer.split(b"\r\n", 1)[0].decode(errors="replace")
                raise InspectionError(f"the Docker engine refused {path} ({first})")
        except BaseException:
            connection.close()
            raise
        return connection
