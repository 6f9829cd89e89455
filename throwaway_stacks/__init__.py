"""Throwaway stacks for the tests and the benchmarks: written into a scratch folder, committed.

Not part of the product (the wheel holds only `inspections`). The tests and the benchmarks
both write stacks: this is their one writer, so that neither imports the other's helpers.
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import docker

# The demo stack's Debian base image: every throwaway image is a tag of it, or built FROM it.
BASE_IMAGE = "localhost/demo/bookworm-minbase:latest"
PYTEST_INI = "[pytest]\naddopts = --import-mode=importlib\n"
GIT_IDENTITY = ("-c", "user.name=t", "-c", "user.email=t@example.org")


@dataclass(frozen=True)
class StackImage:
    """One image of a throwaway stack: its parent and the files of its folder."""

    parent: str = ""
    files: Mapping[str, str] = field(default_factory=dict)  # name -> text, dedented
    variants: tuple[str, ...] = ()
    build_args: Mapping[str, str] = field(default_factory=dict)  # image.toml's [build-args]
    declaration: str | None = None  # image.toml as written, instead of the fields above

    def image_toml(self) -> str:
        if self.declaration is not None:
            return self.declaration
        variants = ", ".join(f'"{variant}"' for variant in self.variants)
        text = f'parent = "{self.parent}"\nvariants = [{variants}]\n'
        if self.build_args:
            text += "[build-args]\n"
            text += "".join(f'{name} = "{value}"\n' for name, value in self.build_args.items())
        return text


def one_step_dockerfile(command: str) -> str:
    """A Dockerfile of one `RUN` step on the image `docker build` is given as `BASE_IMAGE`."""
    return f"ARG BASE_IMAGE\nFROM $BASE_IMAGE\nRUN {command}\n"


def write_stack(
    folder: Path,
    owner: str,
    images: Mapping[str, StackImage],
    repository: str = "",
    registry: str = "localhost",
) -> Path:
    """The stack folder `folder`: a `stack.toml` naming `<registry>/<owner>` (and `repository`,
    if given), and a folder per image (see `write_image`); returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = f'registry = "{registry}"\nowner = "{owner}"\n'
    if repository:
        settings += f'repository = "{repository}"\n'
    (folder / "stack.toml").write_text(settings)
    for name, image in images.items():
        write_image(folder, name, image)
    return folder


def write_image(stack: Path, name: str, image: StackImage) -> None:
    """The image folder `stack/name`: its `image.toml` and its files (`gpu/Dockerfile` in a
    subfolder)."""
    (stack / name).mkdir()
    (stack / name / "image.toml").write_text(image.image_toml())
    for relative, text in image.files.items():
        path = stack / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def write_project(
    root: Path,
    owner: str,
    images: Mapping[str, StackImage],
    repository: str,
    ini: str = PYTEST_INI,
    message: str = "A throwaway stack",
) -> Path:
    """A git repository at `root` holding the stack in `root/stack` and a `pytest.ini`, as one
    commit; returns the stack folder."""
    stack = write_stack(root / "stack", owner, images, repository)
    (root / "pytest.ini").write_text(ini)
    commit_all(root, message)
    return stack


def commit_all(folder: Path, message: str) -> None:
    """Make `folder` a git repository (if it is not one) and commit everything in it."""
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(["git", *GIT_IDENTITY, *command], cwd=folder, check=True)


def tag_images(client: docker.DockerClient, owner: str, names: list[str]) -> None:
    """Make each image `localhost/<owner>/<name>:latest` a tag of the Debian base image."""
    base = client.images.get(BASE_IMAGE)
    for name in names:
        base.tag(f"localhost/{owner}/{name}", "latest")
