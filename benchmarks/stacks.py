"""Throwaway stacks for the benchmark (written by `throwaway_stacks`) and their images."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import docker

from throwaway_stacks import StackImage, commit_all, tag_images, write_project

COMMIT_MESSAGE = "Benchmark stack"


def write_benchmark_stack(root: Path, owner: str, images: Mapping[str, StackImage]) -> Path:
    """A repository at `root` with the stack in `root/stack`, named by its `pytest.ini`."""
    ini = "[pytest]\ninspections_stack = stack\n"
    repository = "https://example.org/benchmark-stack"
    write_project(root, owner, images, repository, ini, COMMIT_MESSAGE)
    return root


def copy_demo(repository: Path, target: Path) -> Path:
    """A copy of the demo stack's tracked files at `target`, committed in its own repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "demo"], cwd=repository, capture_output=True, check=True
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        destination = target / Path(relative).relative_to("demo")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repository / relative, destination)
    commit_all(target, COMMIT_MESSAGE)
    return target


class TaggedImages:
    """`localhost/<owner>/<name>:latest` for each name, as tags of the Debian base image.

    Other sessions on the engine may rebuild the base image and remove the old one with all
    its tags: `ensure` tags the current base again before each session.
    """

    def __init__(self, client: docker.DockerClient, owner: str, names: list[str]) -> None:
        self.client = client
        self.owner = owner
        self.names = names
        self.repositories = [f"localhost/{owner}/{name}" for name in names]

    def ensure(self) -> None:
        tag_images(self.client, self.owner, self.names)

    def remove(self) -> None:
        for repository in self.repositories:
            try:
                self.client.images.remove(f"{repository}:latest", noprune=True)
            except docker.errors.ImageNotFound:
                continue


@contextmanager
def tagged_images(
    client: docker.DockerClient, owner: str, names: list[str]
) -> Iterator[TaggedImages]:
    """The images tagged for the block, and untagged after it, whatever ends it."""
    images = TaggedImages(client, owner, names)
    try:
        images.ensure()
        yield images
    finally:
        images.remove()
