"""Throwaway stacks for plugin tests (their image and record helpers serve faults and e2e too).

The stacks are written by `throwaway_stacks`, with the plugin tests' settings.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import docker

from inspections.outputs.record import read_record
from throwaway_stacks import StackImage, write_project

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


PLUGIN_TEST_INI = "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\n"


def write_test_stack(root: Path, owner: str, images: Mapping[str, StackImage]) -> Path:
    """The stack in `root/stack`, an ini file and a git commit under `root`; the stack folder."""
    return write_project(
        root, owner, images, "https://example.org/stack", PLUGIN_TEST_INI, "Stack for a test"
    )


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
    """The run record of the output folder `out`, one entry per image name, read as the
    product reads it (every entry checked by `RecordEntry.from_json`), as JSON data."""
    return {entry.image: entry.to_json() for entry in read_record(out).images}
