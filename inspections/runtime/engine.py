"""The Docker engine: local images, and inspection containers that live as long as their session.

An inspection container runs `read` in the image's own `/bin/sh`, with its stdin attached to
this process before it starts. While the process lives, the read waits; when the process ends
in any way (even SIGKILL, in any PID namespace, on any host sharing the engine), the engine
sees stdin close, the shell exits and the engine removes the container with its anonymous
volumes. So a running inspection container always belongs to a live session, and a sweep
only ever removes containers that are no longer running.

The docker SDK is imported when the engine is first used, not when the plugin loads. A running
container's commands are in `container_exec`; requests of our own over the engine's unix
socket in `unix_socket`.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from inspections.errors import DockerUnavailableError, ImageNotAvailableError, InspectionError
from inspections.runtime.container_exec import AttachedStdin, InspectionContainer, remove_quietly
from inspections.runtime.unix_socket import Dialer, unix_socket_of

if TYPE_CHECKING:
    import docker

RUN_LABEL = "org.stack-inspections.run"
IMAGE_LABEL = "org.stack-inspections.image"
# Who holds the container; earlier versions' sweeps judge liveness by these two.
CONTROLLER_PID_LABEL = "org.stack-inspections.controller-pid"
CONTROLLER_HOST_LABEL = "org.stack-inspections.controller-host"

INSPECTION_HOSTNAME = "inspected"
# Runs until stdin closes: only a shell builtin, so the image needs no `sleep` or init.
KEEP_ALIVE = ["/bin/sh", "-c", "read _"]
# A container created but never started (its session died in between) is swept after this.
UNSTARTED_GRACE_SECONDS = 120.0

PLATFORMS = {"amd64": "x86_64", "arm64": "aarch64"}
OK = 200
NOT_FOUND = 404


@dataclass(frozen=True)
class ResolvedImage:
    """An image of the stack as found in the local engine."""

    name: str
    reference: str
    id: str
    platform: str
    size_bytes: int
    repo_digests: tuple[str, ...]


def platform_of(architecture: str) -> str:
    """`x86_64` or `aarch64` for an image architecture as Docker reports it."""
    return PLATFORMS.get(architecture, architecture)


class Engine:
    """The local Docker engine, connected on first use; safe to use from several threads."""

    def __init__(self) -> None:
        self._client: docker.DockerClient | None = None
        self._lock = threading.Lock()

    def client(self) -> docker.DockerClient:
        """The engine's client, or DockerUnavailableError saying how to start one."""
        with self._lock:
            if self._client is None:
                import docker
                import docker.errors

                try:
                    client = docker.from_env()
                    # requests would read proxy settings by iterating os.environ on every
                    # call, from our threads, while pytest sets PYTEST_CURRENT_TEST in the
                    # main thread: a KeyError at random. The engine is not reached by proxy.
                    client.api.trust_env = False
                    client.ping()
                except docker.errors.DockerException as error:
                    raise DockerUnavailableError(
                        f"Docker engine not reachable ({error}): start dockerd or set DOCKER_HOST"
                    ) from error
                self._client = client
            return self._client

    def resolve_image(self, name: str, reference: str, folder: str) -> ResolvedImage:
        """Find `reference` locally; never pull. A missing image says how to build it.

        On an engine's unix socket the lookup is one request of our own, so that a session
        served from the value cache never imports the docker SDK.
        """
        missing = ImageNotAvailableError(
            f"image {reference} not found locally: build it first, "
            f"e.g. docker build -t {reference} {folder}"
        )
        path = unix_socket_of(os.environ)
        if path is not None:
            status, body = Dialer(path).get(f"/images/{quote(reference, safe='/:@')}/json")
            if status == NOT_FOUND:
                raise missing
            if status != OK:
                message = body.decode("utf-8", errors="replace").strip()
                raise DockerUnavailableError(
                    f"the Docker engine could not look up {reference} ({status}: {message}): "
                    "check the engine's log"
                )
            attrs: dict[str, Any] = json.loads(body)
        else:
            import docker.errors

            try:
                attrs = self.client().images.get(reference).attrs
            except docker.errors.ImageNotFound as error:
                raise missing from error
        return ResolvedImage(
            name=name,
            reference=reference,
            id=str(attrs["Id"]),
            platform=platform_of(str(attrs.get("Architecture", ""))),
            size_bytes=int(attrs.get("Size", 0)),
            repo_digests=tuple(attrs.get("RepoDigests") or ()),
        )

    def start_container(
        self, image: ResolvedImage, run_id: str, controller_pid: int
    ) -> InspectionContainer:
        """A network-less container of `image`, bound to this process (see the module doc)."""
        import docker.errors

        api = self.client().api
        host_config = api.create_host_config(
            network_mode="none",
            auto_remove=True,
            # Without a network Docker does not map the hostname; JVM tools need it to resolve.
            extra_hosts={INSPECTION_HOSTNAME: "127.0.0.1"},
        )
        created = api.create_container(
            image.id,
            entrypoint=KEEP_ALIVE,
            command=[],
            hostname=INSPECTION_HOSTNAME,
            # Not detached, stdin open: the SDK then sets StdinOnce, which closes stdin when
            # the one attached client (this process) goes away.
            stdin_open=True,
            labels={
                RUN_LABEL: run_id,
                IMAGE_LABEL: image.reference,
                CONTROLLER_PID_LABEL: str(controller_pid),
                CONTROLLER_HOST_LABEL: socket.gethostname(),
            },
            host_config=host_config,
        )
        container_id = str(created["Id"])
        dialer = self._dialer()
        stdin = None
        try:
            stdin = self._attach_stdin(container_id, dialer)
            api.start(container_id)
        except docker.errors.APIError as error:
            if stdin is not None:
                stdin.close()
            remove_quietly(api, container_id)
            raise InspectionError(_start_failure(image.reference, error)) from error
        return InspectionContainer(container_id, api, stdin, dialer)

    def _dialer(self) -> Dialer | None:
        """Own connections to the engine, when it listens on a unix socket."""
        path = unix_socket_of(os.environ)
        return None if path is None else Dialer(path, self.client().api.api_version)

    def _attach_stdin(self, container_id: str, dialer: Dialer | None) -> AttachedStdin:
        """The container's stdin, attached over a connection of its own (see `Dialer`).

        An engine reached over TCP, TLS or SSH is attached through a client of its own.
        """
        params = "stream=1&stdin=1"
        if dialer is not None:
            return AttachedStdin(
                None, dialer.upgrade(f"/containers/{container_id}/attach?{params}", b"")
            )
        import docker
        from docker.utils import kwargs_from_env

        own = docker.APIClient(**kwargs_from_env(), version=self.client().api.api_version)
        return AttachedStdin(own, own.attach_socket(container_id, params={"stdin": 1, "stream": 1}))

    def sweep(self, run_id: str | None = None) -> int:
        """Remove this run's containers, or (without a run id) those no session holds any more.

        A running inspection container is always held by a live session, so without a run id
        only stopped ones go, and created ones older than UNSTARTED_GRACE_SECONDS.
        """
        label = f"{RUN_LABEL}={run_id}" if run_id else RUN_LABEL
        api = self.client().api
        removed = 0
        for summary in api.containers(all=True, filters={"label": label}):
            state = summary.get("State", "")
            age = time.time() - float(summary.get("Created", 0))
            if run_id is None and (
                state in ("running", "paused", "restarting")
                or (state == "created" and age < UNSTARTED_GRACE_SECONDS)
            ):
                continue
            if remove_quietly(api, str(summary["Id"])):
                removed += 1
        return removed

    def tag(self, image_id: str, references: list[str]) -> None:
        """Tag the local image `image_id` with every fully qualified reference."""
        import docker.errors

        client = self.client()
        try:
            found = client.images.get(image_id)
        except docker.errors.ImageNotFound as error:
            raise ImageNotAvailableError(
                f"image {image_id} is no longer in the local engine: build it and run again"
            ) from error
        for reference in references:
            repository, _, tag = reference.rpartition(":")
            try:
                found.tag(repository, tag)
            except docker.errors.APIError as error:
                raise InspectionError(
                    f"tagging {image_id} as {reference} failed ({error.explanation}): "
                    "check the engine's log"
                ) from error


def _start_failure(reference: str, error: Exception) -> str:
    """One line saying why a container of `reference` did not start."""
    explanation = str(getattr(error, "explanation", "") or error)
    if "/bin/sh" in explanation and ("no such file" in explanation or "not found" in explanation):
        return (
            f"image {reference} has no /bin/sh: inspections run their commands through a POSIX "
            "shell; add one to the image (e.g. busybox)"
        )
    return f"cannot start a container of {reference} ({' '.join(explanation.split())})"
