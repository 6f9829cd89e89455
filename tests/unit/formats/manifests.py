"""Build manifests and history lines of demo stack builds, from recordings, written by the
plugin's own writers (the bytes of those writers are pinned in `test_jupyter_formats`)."""

from __future__ import annotations

from datetime import datetime

from inspections.build_info import TIMESTAMP_FORMAT, BuildInfo
from inspections.formats.history_line import history_line
from inspections.formats.inspected_image import InspectedImage
from inspections.formats.manifest import manifest_markdown
from inspections.markdown import quoted_command_output
from tests.unit.inventory.support import recorded

REPOSITORY = "https://github.com/example/demo-stack"


def demo_build(
    image: str,
    commit: str,
    timestamp: str,
    size_bytes: int = 649_000_000,
    pieces: dict[str, list[str]] | None = None,
    message: str = "Rebuild",
    tags: tuple[str, ...] = (),
) -> InspectedImage:
    """A build of `image` of the demo stack (`localhost/demo`) on x86_64, default variant.

    `pieces`: each manifest piece's title and its sections (joined by blank lines).
    """
    return InspectedImage(
        name=image,
        platform="x86_64",
        variant="default",
        registry="localhost",
        owner="demo",
        repository=REPOSITORY,
        dockerfile=f"images/{image}/Dockerfile",
        size_bytes=size_bytes,
        tags=tags,
        pieces=tuple((title, "\n\n".join(parts)) for title, parts in (pieces or {}).items()),
        build=BuildInfo(
            timestamp=datetime.strptime(timestamp + "+0000", TIMESTAMP_FORMAT + "%z"),
            git_toplevel="/repo",
            git_commit=commit,
            git_message=message,
        ),
    )


def manifest(
    image: str,
    commit: str,
    timestamp: str,
    size_bytes: int,
    pieces: dict[str, list[str]],
    message: str,
) -> str:
    return manifest_markdown(demo_build(image, commit, timestamp, size_bytes, pieces, message))


def minimal_notebook_manifest(changed: bool, commit: str, timestamp: str, size_bytes: int) -> str:
    """The demo minimal-notebook's manifest with its recorded pip and apt listings."""
    pip = "pip-list-minimal-notebook" + ("-changed" if changed else "") + ".txt"
    apt = "apt-list-installed-minimal-notebook" + ("-backports" if changed else "") + ".txt"
    pieces = {
        "Python Packages": [
            recorded("python-version.txt").strip(),
            quoted_command_output("python -m pip list --disable-pip-version-check", recorded(pip)),
        ],
        "Apt Packages": [quoted_command_output("apt list --installed", recorded(apt))],
    }
    return manifest("minimal-notebook", commit, timestamp, size_bytes, pieces, "Rebuild")


def history_row(image: str, commit: str, timestamp: str, tags: list[str]) -> str:
    """The history line of a build of `image` with these tags (without prefix)."""
    return history_line(demo_build(image, commit, timestamp, tags=tuple(tags)))
