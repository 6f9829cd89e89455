"""The Docker resources of one process: each image looked up once, its container started on
first use, testinfra's host on it, and what an inspection may be given.

Containers of sessions that ended are swept before this process starts its first one; at the
end, the controller sweeps the run's own when a process may have left some (a worker died).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from inspections.build_info import BuildInfo
from inspections.errors import DockerUnavailableError, StackInspectionError
from inspections.runtime.container_exec import InspectionContainer
from inspections.runtime.containers import ContainerPool
from inspections.runtime.engine import Engine, ResolvedImage

if TYPE_CHECKING:
    import testinfra.host
    from docker.models.containers import Container

# What an inspection can be given outside pytest's fixture setup (`ImageResources.argument`).
ARGUMENTS = frozenset({"host", "container", "image", "build_info"})


@dataclass(frozen=True)
class ImageSource:
    """Where an image of the stack comes from: its local reference and its folder."""

    reference: str
    folder: str
    tests_reference: str | None = None  # the image the project's own tests start, if known


class ImageResources:
    """Images, containers and hosts of this process; safe to use from several threads."""

    def __init__(
        self,
        sources: Mapping[str, ImageSource],
        build: BuildInfo,
        run_id: str,
        controller_pid: int,
    ) -> None:
        self._engine = Engine()
        self._pool = ContainerPool(self._start_container)
        self._sources = sources
        self._build = build
        self._run_id = run_id
        self._controller_pid = controller_pid
        self._lock = threading.Lock()
        self._hosts: dict[str, testinfra.host.Host] = {}
        self._resolved: dict[str, ResolvedImage | StackInspectionError] = {}
        self._tests_image_ids: dict[str, str] = {}
        self._swept = False
        self._containers_left = False

    def resolve(self, image: str) -> ResolvedImage:
        """The local image for `image`, looked up once per process (errors included)."""
        if image not in self._resolved:
            source = self._sources[image]
            try:
                self._resolved[image] = self._engine.resolve_image(
                    image, source.reference, source.folder
                )
            except StackInspectionError as error:
                self._resolved[image] = error
        found = self._resolved[image]
        if isinstance(found, StackInspectionError):
            raise found
        return found

    def tests_image(self, image: str) -> dict[str, str] | None:
        """The image the project's own tests start for `image`: its reference and id (empty
        when the engine has none), looked up once per process; None where it is not known."""
        source = self._sources[image]
        reference = source.tests_reference
        if reference is None:
            return None
        if reference not in self._tests_image_ids:
            try:
                found = self._engine.resolve_image(image, reference, source.folder)
            except StackInspectionError:
                self._tests_image_ids[reference] = ""
            else:
                self._tests_image_ids[reference] = found.id
        return {"reference": reference, "id": self._tests_image_ids[reference]}

    def failed_to_resolve(self, image: str) -> bool:
        """Whether looking up `image` failed already."""
        return isinstance(self._resolved.get(image), StackInspectionError)

    def _start_container(self, image: ResolvedImage) -> InspectionContainer:
        with self._lock:
            if not self._swept:
                self._swept = True
                self._engine.sweep()  # containers of sessions that ended
        return self._engine.start_container(image, self._run_id, self._controller_pid)

    def host(self, image: ResolvedImage) -> testinfra.host.Host:
        """The testinfra host on `image`'s container, which starts on its first command."""
        from inspections.runtime.host import lazy_host

        with self._lock:
            if image.name not in self._hosts:
                self._hosts[image.name] = lazy_host(
                    image.name,
                    container=lambda: self._pool.get(image),
                    stopped_because=lambda: self._pool.stopped_because(image.name),
                )
            return self._hosts[image.name]

    def container(self, image: ResolvedImage) -> Container:
        """The docker SDK's view of `image`'s inspection container, started if needed."""
        return self._engine.client().containers.get(self._pool.get(image).id)

    def stop(self, image: str, reason: str) -> None:
        """Remove `image`'s container now; later commands on it fail with `reason`."""
        self._pool.stop(image, reason)

    def release(self, image: str) -> None:
        """Start removing `image`'s container, if one runs: the session moved on."""
        self._pool.release(image)

    def tag(self, image_id: str, references: list[str]) -> None:
        """Tag the local image `image_id` with every fully qualified reference."""
        self._engine.tag(image_id, references)

    def argument(self, image: ResolvedImage, name: str) -> Any:
        """What a fixture named `name` (one of ARGUMENTS) gives an inspection on `image`."""
        if name == "host":
            return self.host(image)
        if name == "container":
            return self.container(image)
        if name == "image":
            return image
        if name == "build_info":
            return self._build
        raise KeyError(name)

    def timing(self, image: str) -> dict[str, Any]:
        """What `image`'s inspections cost here so far: container start and each command."""
        backend = getattr(self._hosts.get(image), "backend", None)
        return {
            "container_start_seconds": self._pool.start_seconds.get(image),
            "commands_executed": list(getattr(backend, "executed", [])),
            "command_seconds": dict(getattr(backend, "seconds", {})),
        }

    def note_lost_worker(self) -> None:
        """A worker died: the containers it held are left for the run's sweep at the end."""
        self._containers_left = True

    def close(self, sweep_run: bool) -> None:
        """Remove this process's containers; with `sweep_run` (only ever on the controller: the
        run id is shared by every worker), also those the run's processes left."""
        self._pool.close()
        if sweep_run and (self._swept or self._containers_left):
            with contextlib.suppress(DockerUnavailableError):
                self._engine.sweep(self._run_id)
