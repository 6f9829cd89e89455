"""Throwaway stacks for the benchmark: written into a scratch folder, committed to git."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import docker

BASE_IMAGE = "localhost/demo/bookworm-minbase:latest"
GIT_IDENTITY = ("-c", "user.name=benchmark", "-c", "user.email=benchmark@example.org")


@dataclass(frozen=True)
class StackImage:
    """One image of a throwaway stack: its parent and the inspection files in its folder."""

    parent: str = ""
    files: dict[str, str] = field(default_factory=dict)


def commit_all(folder: Path) -> None:
    """Make `folder` a git repository holding one commit of everything in it."""
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Benchmark stack"]):
        subprocess.run(["git", *GIT_IDENTITY, *command], cwd=folder, check=True)


def write_stack(root: Path, owner: str, images: dict[str, StackImage]) -> Path:
    """A repository at `root` with the stack in `root/stack`, named by its `pytest.ini`."""
    stack = root / "stack"
    stack.mkdir(parents=True)
    (stack / "stack.toml").write_text(
        f'registry = "localhost"\nowner = "{owner}"\n'
        'repository = "https://example.org/benchmark-stack"\n'
    )
    for name, image in images.items():
        folder = stack / name
        folder.mkdir()
        (folder / "image.toml").write_text(f'parent = "{image.parent}"\n')
        for file_name, code in image.files.items():
            (folder / file_name).write_text(textwrap.dedent(code))
    (root / "pytest.ini").write_text("[pytest]\ninspections_stack = stack\n")
    commit_all(root)
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
    commit_all(target)
    return target


class TaggedImages:
    """`localhost/<owner>/<name>:latest` for each name, as tags of the Debian base image.

    Other sessions on the engine may rebuild the base image and remove the old one with all
    its tags: `ensure` tags the current base again before each session.
    """

    def __init__(self, client: docker.DockerClient, owner: str, names: list[str]) -> None:
        self.client = client
        self.repositories = [f"localhost/{owner}/{name}" for name in names]

    def ensure(self) -> None:
        base = self.client.images.get(BASE_IMAGE)
        for repository in self.repositories:
            base.tag(repository, "latest")

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
