"""The state of one inspection run, shared by the plugin's hooks and fixtures in a process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import testinfra.host
from docker.models.containers import Container

from inspections import docker_engine
from inspections.build_info import BuildInfo
from inspections.cache import ValueCache
from inspections.containers import ContainerPool
from inspections.docker_engine import ResolvedImage
from inspections.errors import DockerUnavailableError
from inspections.evaluation import Evaluation, Inspection
from inspections.host import lazy_host
from inspections.plan import InspectionPlan
from inspections.stack import Stack, inspected_tag


@dataclass(frozen=True)
class RunOptions:
    """The command-line options, with the stack's defaults filled in."""

    images: tuple[str, ...]
    registry: str
    owner: str
    variant: str
    repository: str
    emit_dir: Path | None
    test_gate: bool
    shared_tests: tuple[Path, ...]
    inspection_timeout: float
    cache_dir: Path | None
    inspections_only: bool
    apply_tags: bool

    def reference(self, image: str) -> str:
        """The local reference the image under test is built as."""
        return f"{self.registry}/{self.owner}/{image}:{inspected_tag(self.variant)}"


@dataclass
class RunContext:
    """One process's view of the run: stack, plan, build facts and its Docker resources."""

    options: RunOptions
    stack: Stack
    plan: InspectionPlan
    build: BuildInfo
    run_id: str
    controller_pid: int
    cache: ValueCache | None = None
    _client: docker.DockerClient | None = None
    _pool: ContainerPool | None = None
    _resolved: dict[str, ResolvedImage] = field(default_factory=dict)
    _hosts: dict[str, testinfra.host.Host] = field(default_factory=dict)
    _owners: dict[Path, str | None] = field(default_factory=dict)
    _images_for: dict[Path, list[str] | None] = field(default_factory=dict)
    inspections_of: dict[str, list[Inspection]] = field(default_factory=dict)
    evaluations: dict[str, dict[str, Evaluation]] = field(default_factory=dict)

    def sweep(self, run_id: str | None) -> None:
        """Remove leftover containers (this run's, or dead runs'); no engine has none."""
        try:
            docker_engine.sweep_containers(self.docker(), run_id)
        except DockerUnavailableError:
            return

    def docker(self) -> docker.DockerClient:
        """The engine's client, connected on first use."""
        if self._client is None:
            self._client = docker_engine.connect()
        return self._client

    def resolve(self, image: str) -> ResolvedImage:
        """The local image for `image`, looked up once per process."""
        if image not in self._resolved:
            folder = self.stack.images[image].folder
            self._resolved[image] = docker_engine.resolve_image(
                self.docker(), image, self.options.reference(image), str(folder)
            )
        return self._resolved[image]

    @property
    def pool(self) -> ContainerPool:
        """This process's inspection containers, one per image."""
        if self._pool is None:
            self._pool = ContainerPool(self._start_container)
        return self._pool

    def _start_container(self, image: ResolvedImage) -> Container:
        return docker_engine.start_container(self.docker(), image, self.run_id, self.controller_pid)

    def host(self, image: ResolvedImage) -> testinfra.host.Host:
        """The testinfra host on `image`'s container, which starts on its first command."""
        if image.name not in self._hosts:
            self._hosts[image.name] = lazy_host(
                image.name,
                container=lambda: self.pool.get(image),
                on_timeout=lambda: self.pool.remove(image.name),
            )
        return self._hosts[image.name]

    def timing(self, image: str) -> dict[str, Any]:
        """What `image`'s inspections cost here so far: container start and each command."""
        host = self._hosts.get(image)
        backend = getattr(host, "backend", None)
        return {
            "container_start_seconds": self.pool.start_seconds.get(image),
            "commands_executed": list(getattr(backend, "executed", [])),
            "command_seconds": dict(getattr(backend, "seconds", {})),
        }

    def argument(self, image: ResolvedImage, name: str) -> Any:
        """What a fixture named `name` gives an inspection on `image`."""
        if name == "host":
            return self.host(image)
        if name == "container":
            return self.pool.get(image)
        if name == "image":
            return image
        if name == "build_info":
            return self.build
        raise KeyError(name)

    def owner_of(self, path: Path) -> str | None:
        """The image whose folder holds the test file `path` (asked once per file)."""
        if path not in self._owners:
            self._owners[path] = self.stack.image_owning(path)
        return self._owners[path]

    def images_for(self, path: Path) -> list[str] | None:
        """The selected images a test file applies to; None when the file is not the stack's.

        A file in an image folder applies to that image and its descendants; a file under one
        of the shared test folders applies to every image. Asked once per file.
        """
        if path not in self._images_for:
            self._images_for[path] = self._find_images_for(path)
        return self._images_for[path]

    def _find_images_for(self, path: Path) -> list[str] | None:
        owner = self.owner_of(path)
        if owner is not None:
            return [name for name in self.plan.images if owner in self.stack.lineage_names(name)]
        resolved = path.resolve()
        if any(resolved.is_relative_to(folder.resolve()) for folder in self.options.shared_tests):
            return list(self.plan.images)
        return None

    def dockerfile_path(self, image: str) -> str:
        """The image's Dockerfile relative to the repository root, for links."""
        folder = self.stack.images[image].folder.resolve()
        if self.build.git_toplevel:
            folder = folder.relative_to(Path(self.build.git_toplevel).resolve())
        return f"{folder.as_posix()}/Dockerfile"
