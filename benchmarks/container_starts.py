"""Counting the inspection containers a pytest process starts, from the engine's events."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import docker

from inspections.runtime.engine import CONTROLLER_PID_LABEL, IMAGE_LABEL, RUN_LABEL

GONE_OR_GOING = (404, 409)  # the engine no longer has the container, or is removing it


@dataclass(frozen=True)
class Start:
    """One inspection container start: which session, which run, which image."""

    controller_pid: str
    run_id: str
    image: str


class ContainerStarts:
    """The start events of inspection containers, gathered while a session runs.

    Other sessions may share the engine: each container is labelled with the pid of the
    pytest process that controls its run, so a session's own starts are told apart by it.
    """

    def __init__(self) -> None:
        self._starts: list[Start] = []
        self._lock = threading.Lock()

    def note(self, event: dict[str, Any]) -> None:
        labels = event.get("Actor", {}).get("Attributes", {})
        start = Start(
            labels.get(CONTROLLER_PID_LABEL, ""),
            labels.get(RUN_LABEL, ""),
            labels.get(IMAGE_LABEL, ""),
        )
        with self._lock:
            self._starts.append(start)

    def _of(self, pid: int) -> list[Start]:
        with self._lock:
            return [start for start in self._starts if start.controller_pid == str(pid)]

    def per_image(self, pid: int) -> dict[str, int]:
        """Image reference -> containers started for it by the session of process `pid`."""
        return dict(Counter(start.image for start in self._of(pid)))

    def run_ids(self, pid: int) -> set[str]:
        """The run ids of the session of process `pid`."""
        return {start.run_id for start in self._of(pid)}


@contextmanager
def watching_container_starts(client: docker.DockerClient) -> Iterator[ContainerStarts]:
    """Gather inspection container starts from now until the block ends."""
    starts = ContainerStarts()
    stream = client.events(
        filters={"type": "container", "event": "start", "label": RUN_LABEL}, decode=True
    )

    def gather() -> None:
        try:
            for event in stream:
                starts.note(event)
        except Exception:  # the stream was closed under the reader: gathering is over
            return

    reader = threading.Thread(target=gather, name="container-starts", daemon=True)
    reader.start()
    try:
        yield starts
    finally:
        stream.close()
        reader.join()


def remove_run_containers(client: docker.DockerClient, run_ids: set[str]) -> None:
    """Remove what a stopped session may have left of its runs' containers."""
    for run_id in run_ids:
        found = client.containers.list(
            all=True, filters={"label": f"{RUN_LABEL}={run_id}"}, ignore_removed=True
        )
        for container in found:
            try:
                container.remove(force=True)
            except docker.errors.APIError as error:
                if error.status_code not in GONE_OR_GOING:
                    raise
