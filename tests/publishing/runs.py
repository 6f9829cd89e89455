"""Run folders as `pytest --emit-manifests` writes them, rendered by the plugin's own code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inspections.build_info import BuildInfo
from inspections.outputs import rendered_files, write_atomically
from inspections.render import InspectedImage, tag_lines

REPOSITORY_URL = "https://github.com/jupyter/docker-stacks"


@dataclass(frozen=True)
class Build:
    """One image build of a run: what the plugin would have inspected."""

    image: str
    platform: str = "x86_64"
    variant: str = "default"
    tags: tuple[str, ...] = ("python-3.11.2", "lab-4.6.6")
    registry: str = "localhost"
    owner: str = "demo"
    pieces: tuple[tuple[str, str], ...] = (
        ("Apt Packages", "`apt list --installed`:\n\n```text\nbash/now 5.2\n```"),
    )


def inspected(build: Build, timestamp: datetime, commit: str) -> InspectedImage:
    """The plugin's record of `build`, in a run at `timestamp` of `commit` (40 hex digits)."""
    return InspectedImage(
        name=build.image,
        platform=build.platform,
        variant=build.variant,
        registry=build.registry,
        owner=build.owner,
        repository=REPOSITORY_URL,
        dockerfile=f"images/{build.image}/Dockerfile",
        size_bytes=123_456_789,
        tags=build.tags,
        pieces=build.pieces,
        build=BuildInfo(
            timestamp=timestamp,
            git_toplevel="/repo",
            git_commit=commit,
            git_message=f"Commit {commit[:7]}",
        ),
    )


def write_run(folder: Path, timestamp: datetime, commit: str, builds: list[Build]) -> Path:
    """Write the outputs of a run of `builds` below `folder` (tags, manifests, hist_lines)."""
    for build in builds:
        for relative, content in rendered_files(inspected(build, timestamp, commit)).items():
            write_atomically(folder / relative, content)
    return folder


def tags_of(build: Build, timestamp: datetime, commit: str) -> list[str]:
    """The references of `build`'s tags file."""
    return tag_lines(inspected(build, timestamp, commit))
