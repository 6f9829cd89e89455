"""The state of one inspection run, shared by the plugin's hooks and fixtures in a process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docker
from docker.models.containers import Container

from inspections import docker_engine
from inspections.build_info import BuildInfo
from inspections.docker_engine import ResolvedImage
from inspections.plan import InspectionPlan
from inspections.stack import DEFAULT_VARIANT, Stack


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
    shared_tests: tuple[Path, ...] = ()
    inspection_timeout: float = 300.0

    def reference(self, image: str) -> str:
        """The local reference the image under test is built as."""
        tag = "latest" if self.variant == DEFAULT_VARIANT else f"{self.variant}-latest"
        return f"{self.registry}/{self.owner}/{image}:{tag}"


@dataclass
class RunContext:
    """One process's view of the run: stack, plan, build facts and its Docker resources."""

    options: RunOptions
    stack: Stack
    plan: InspectionPlan
    build: BuildInfo
    run_id: str
    controller_pid: int
    _client: docker.DockerClient | None = None
    _resolved: dict[str, ResolvedImage] = field(default_factory=dict)

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

    def start_container(self, image: ResolvedImage) -> Container:
        """A labelled container of `image` for this run."""
        return docker_engine.start_container(self.docker(), image, self.run_id, self.controller_pid)

    def images_for(self, path: Path) -> list[str] | None:
        """The selected images a test file applies to; None when the file is not the stack's.

        A file in an image folder applies to that image and its descendants; a file under one
        of the shared test folders applies to every image.
        """
        owner = self.stack.image_owning(path)
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
