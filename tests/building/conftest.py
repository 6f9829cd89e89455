"""Tiny real stacks for stack-build, built FROM the demo stack's Debian base image.

Each test gets an owner of its own (`localhost/stack-build-<random>/…`); every image tagged
under it is removed afterwards. stack-build runs as a user runs it, in a new Python process,
with its durations file in the test's own folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from tests.plugin.stacks import remove_tags_of
from throwaway_stacks import BASE_IMAGE, StackImage, write_image, write_stack

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 300
STACK_BUILD = "import sys; from inspections.building.build_command import main; sys.exit(main())"
# Files the plugin keeps in an image folder, left out of every build context.
PLUGIN_FILES_LEFT_OUT = "inspect_*.py\ntest_*.py\nimage.toml\n"


def as_in_a_terminal() -> None:
    """Ctrl-C reaches the child as it does from a terminal, even when tests run in background."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class TinyStack:
    """A stack folder, the owner of its images, and how to run stack-build on it."""

    folder: Path
    owner: str
    scratch: Path

    def reference(self, image: str, tag: str = "latest") -> str:
        return f"localhost/{self.owner}/{image}:{tag}"

    def add(
        self,
        name: str,
        parent: str,
        dockerfile: str,
        variants: tuple[str, ...] = (),
        **build_args: str,
    ) -> None:
        """An image folder: image.toml, a Dockerfile, a .dockerignore for the plugin's files.

        A root starts from the demo's base image (`BASE_IMAGE` in its `[build-args]`).
        """
        build_args = build_args if parent else {"BASE_IMAGE": BASE_IMAGE, **build_args}
        files = {"Dockerfile": dockerfile, ".dockerignore": PLUGIN_FILES_LEFT_OUT}
        write_image(self.folder, name, StackImage(parent, files, variants, build_args))

    @property
    def environment(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(self.scratch)}

    def command(self, *arguments: str) -> list[str]:
        logs = ("--logs", str(self.scratch / "logs"))
        return [sys.executable, "-c", STACK_BUILD, "--stack", str(self.folder), *logs, *arguments]

    def build(self, *arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
        """Run stack-build to its end; never raises on its status."""
        return subprocess.run(
            self.command(*arguments),
            cwd=self.scratch,
            env={**self.environment, **environment},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )

    def start(self, *arguments: str, **environment: str) -> subprocess.Popen[str]:
        """stack-build in its own process group, not waited for."""
        return subprocess.Popen(
            self.command(*arguments),
            cwd=self.scratch,
            env={**self.environment, **environment},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=as_in_a_terminal,
        )


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    client = docker.from_env()
    client.ping()
    if not client.images.list(name=BASE_IMAGE):
        pytest.fail(f"{BASE_IMAGE} is not built: run python demo/build.py first")
    return client


@pytest.fixture
def tiny(tmp_path: Path, docker_client: docker.DockerClient) -> Iterator[TinyStack]:
    """An empty stack (add images with `add`) whose image tags are removed afterwards."""
    owner = f"stack-build-{uuid.uuid4().hex[:8]}"
    folder = write_stack(tmp_path / "stack", owner, {})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    yield TinyStack(folder, owner, scratch)
    remove_tags_of(docker_client, owner, noprune=False)
