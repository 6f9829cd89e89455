"""The Docker engine: a client, local image resolution, and labelled inspection containers."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
from docker.models.containers import Container

from inspections.errors import DockerUnavailableError, ImageNotAvailableError

RUN_LABEL = "org.stack-inspections.run"
IMAGE_LABEL = "org.stack-inspections.image"
CONTROLLER_PID_LABEL = "org.stack-inspections.controller-pid"
CONTROLLER_HOST_LABEL = "org.stack-inspections.controller-host"

INSPECTION_HOSTNAME = "inspected"

PLATFORMS = {"amd64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True)
class ResolvedImage:
    """An image of the stack as found in the local engine."""

    name: str
    reference: str
    id: str
    platform: str
    size_bytes: int
    repo_digests: tuple[str, ...]


def connect() -> docker.DockerClient:
    """A client of the local engine, or DockerUnavailableError saying how to start one."""
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as error:
        raise DockerUnavailableError(
            f"Docker engine not reachable ({error}): start dockerd or set DOCKER_HOST"
        ) from error
    return client


def platform_of(architecture: str) -> str:
    """`x86_64` or `aarch64` for an image architecture as Docker reports it."""
    return PLATFORMS.get(architecture, architecture)


def resolve_image(
    client: docker.DockerClient, name: str, reference: str, folder: str
) -> ResolvedImage:
    """Find `reference` locally; never pull. A missing image says how to build it."""
    try:
        found = client.images.get(reference)
    except docker.errors.ImageNotFound as error:
        raise ImageNotAvailableError(
            f"image {reference} not found locally: build it first, "
            f"e.g. docker build -t {reference} {folder}"
        ) from error
    attrs: dict[str, Any] = found.attrs
    return ResolvedImage(
        name=name,
        reference=reference,
        id=str(found.id),
        platform=platform_of(str(attrs.get("Architecture", ""))),
        size_bytes=int(attrs.get("Size", 0)),
        repo_digests=tuple(attrs.get("RepoDigests") or ()),
    )


def start_container(
    client: docker.DockerClient, image: ResolvedImage, run_id: str, controller_pid: int
) -> Container:
    """A detached, network-less container of `image` that idles until removed.

    Its labels name the run and the controlling pytest process, so leftovers can be swept.
    """
    return client.containers.run(
        image.id,
        entrypoint=["sleep"],
        command=["infinity"],
        detach=True,
        network_mode="none",
        # Without a network Docker does not map the hostname; JVM tools need it to resolve.
        hostname=INSPECTION_HOSTNAME,
        extra_hosts={INSPECTION_HOSTNAME: "127.0.0.1"},
        labels={
            RUN_LABEL: run_id,
            IMAGE_LABEL: image.reference,
            CONTROLLER_PID_LABEL: str(controller_pid),
            CONTROLLER_HOST_LABEL: socket.gethostname(),
        },
    )


CONFLICT = 409  # the engine is already removing the container


def remove_container(container: Container) -> None:
    """Remove `container` at once; one already gone, or going, is fine."""
    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        return
    except docker.errors.APIError as error:
        if error.status_code != CONFLICT:
            raise


def _controller_alive(labels: dict[str, str]) -> bool:
    """Whether the pytest process that started a container may still need it.

    Containers of another machine sharing this engine are left to that machine.
    """
    if labels.get(CONTROLLER_HOST_LABEL, socket.gethostname()) != socket.gethostname():
        return True
    pid_label = labels.get(CONTROLLER_PID_LABEL, "")
    if not pid_label.isdigit():
        return False
    try:
        os.kill(int(pid_label), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_containers(client: docker.DockerClient, run_id: str | None = None) -> int:
    """Remove this run's containers (or, without a run id, those of dead runs); return the count."""
    label = f"{RUN_LABEL}={run_id}" if run_id else RUN_LABEL
    removed = 0
    # Containers may go while being listed (other runs remove theirs): skip those.
    found = client.containers.list(all=True, filters={"label": label}, ignore_removed=True)
    for container in found:
        if run_id is None and _controller_alive(container.labels):
            continue
        remove_container(container)
        removed += 1
    return removed
