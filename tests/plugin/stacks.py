"""Throwaway stacks for plugin tests (their git and image helpers serve faults and e2e too)."""

from __future__ import annotations

import json
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker

BASE_IMAGE = "localhost/demo/bookworm-minbase:latest"
RUN_LABEL = "org.stack-inspections.run"
IMAGE_LABEL = "org.stack-inspections.image"

MakeStack = Callable[..., Path]

# A tagger and a manifest piece any Debian image answers: the root of most test stacks.
OS_INSPECTIONS = """
    from inspections import manifest, output_of, quoted_output, tagger

    @tagger
    def os_tag(host):
        return output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")

    @manifest("OS Release")
    def os_release(host):
        return quoted_output(host, "cat /etc/os-release")
"""


# The library's OS tag and Debian image listings: its apt and pip pieces and inventories.
LIBRARY_PIECES = """
    from inspections.library import apt, python, system

    os_tag = system.os_tag
    apt_packages_manifest = apt.apt_packages_manifest
    pip_packages_manifest = python.pip_packages_manifest
"""
LIBRARY_INVENTORIES = (
    LIBRARY_PIECES
    + """
    apt_inventory = apt.apt_inventory
    pip_inventory = python.pip_inventory
"""
)


@dataclass
class StackImage:
    """One image of a throwaway stack: its parent and the Python files in its folder."""

    parent: str = ""
    files: dict[str, str] = field(default_factory=dict)
    variants: tuple[str, ...] = ()


def write_stack(root: Path, owner: str, images: dict[str, StackImage]) -> Path:
    """Write the stack folder, an ini file and a git commit under `root`."""
    stack = root / "stack"
    stack.mkdir(exist_ok=True)
    (stack / "stack.toml").write_text(
        f'registry = "localhost"\nowner = "{owner}"\nrepository = "https://example.org/stack"\n'
    )
    for name, image in images.items():
        folder = stack / name
        folder.mkdir()
        variants = ", ".join(f'"{variant}"' for variant in image.variants)
        (folder / "image.toml").write_text(f'parent = "{image.parent}"\nvariants = [{variants}]\n')
        for file_name, code in image.files.items():
            (folder / file_name).write_text(textwrap.dedent(code))
    (root / "pytest.ini").write_text(
        "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\n"
    )
    commit_all(root, "Stack for a test")
    return stack


def commit_all(folder: Path, message: str) -> None:
    """Make `folder` a git repository holding one commit of everything in it."""
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *command],
            cwd=folder,
            check=True,
        )


def tag_images(client: docker.DockerClient, owner: str, names: list[str]) -> None:
    """Make each image of the stack a local tag of the Debian base image."""
    base = client.images.get(BASE_IMAGE)
    for name in names:
        base.tag(f"localhost/{owner}/{name}", "latest")


def remove_tags_of(client: docker.DockerClient, owner: str, *, noprune: bool) -> None:
    """Remove the `localhost/<owner>/...` tags, never another tag of the same image."""
    for image in client.images.list(name=f"localhost/{owner}/*"):
        for tag in image.tags:
            if tag.startswith(f"localhost/{owner}/"):
                client.images.remove(tag, noprune=noprune)


def labelled_containers(client: docker.DockerClient, owner: str) -> list[str]:
    """Ids of the inspection containers of `owner`'s images (other tests may run beside)."""
    found = client.containers.list(all=True, filters={"label": RUN_LABEL}, ignore_removed=True)
    prefix = f"localhost/{owner}/"
    return [str(c.id) for c in found if c.labels.get(IMAGE_LABEL, "").startswith(prefix)]


def git_sha(folder: Path) -> str:
    """The HEAD commit of the repository holding `folder`."""
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=True
    ).stdout.strip()


def record_of(out: Path) -> dict[str, dict[str, Any]]:
    """The run record of the output folder `out`, one entry per image name."""
    document = json.loads((out / "inspections.json").read_text(encoding="utf-8"))
    return {entry["image"]: entry for entry in document["images"]}
