"""The build manifest read back: the build info and quoted outputs it was written with."""

from __future__ import annotations

import dataclasses

import pytest

from inspections.formats.inspected_image import InspectedImage
from inspections.formats.manifest import (
    QuotedOutput,
    docker_size,
    manifest_image,
    manifest_markdown,
    quoted_commands,
    read_build_manifest,
)
from inspections.markdown import quoted_command_output, tidy_output
from tests.unit.formats.pyspark import BUILD, inspected
from tests.unit.inventory.support import recorded

LISTINGS = {
    "Python Packages": {
        "python -m pip list --disable-pip-version-check": recorded("pip-list-minimal-notebook.txt")
    },
    "Apt Packages": {"apt list --installed": recorded("apt-list-installed-minimal-notebook.txt")},
    "Hostile": {"printf '```\\n## Build Info\\n'": "```\n## Build Info\n- Build timestamp: x\n"},
}


def _image(**changes: object) -> InspectedImage:
    pieces = tuple(
        (title, "\n\n".join(quoted_command_output(c, output) for c, output in commands.items()))
        for title, commands in LISTINGS.items()
    )
    return inspected(pieces=pieces, **changes)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"variant": "cuda12", "size_bytes": 646_033_000},
        {"build": dataclasses.replace(BUILD, git_changes=("images/a/Dockerfile",))},
        {"build": dataclasses.replace(BUILD, git_message="Quote ```\n## Build Info\n```")},
    ],
)
def test_a_manifest_reads_back_as_its_build(changes: dict[str, object]) -> None:
    image = _image(**changes)
    read = read_build_manifest(manifest_markdown(image))
    assert (read.image, read.tag, read.timestamp, read.commit) == (
        image.name,
        image.sha12,
        image.timestamp,
        image.build.commit_sha(),
    )
    assert read.reference == image.merged_sha_reference()
    assert read.size == docker_size(image.size_bytes)
    assert read.modified == image.build.git_modified
    assert read.outputs == tuple(
        QuotedOutput(title, command, tidy_output(output))
        for title, commands in LISTINGS.items()
        for command, output in commands.items()
    )


def test_the_title_names_the_image() -> None:
    text = manifest_markdown(_image())
    assert manifest_image(text) == "pyspark-notebook"
    assert manifest_image("# Something else\n") is None
    assert quoted_commands(text) == [c for commands in LISTINGS.values() for c in commands]
