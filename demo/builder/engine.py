"""The Docker client: Debian's ``/usr/bin/docker``, the engine check, image inspection."""

from __future__ import annotations

import json
import os
import subprocess

from .errors import BuildError

DOCKER = "/usr/bin/docker"


def find_docker() -> str:
    """Debian's docker client: the preinstalled newer client here has no buildx."""
    if not os.access(DOCKER, os.X_OK):
        raise BuildError(
            f"{DOCKER} not found: BuildKit builds need Debian's client, "
            "install docker.io (apt-get install docker.io)"
        )
    return DOCKER


def check_engine(docker: str) -> None:
    """Fail with one line when the Docker engine does not answer."""
    try:
        subprocess.run(
            [docker, "info", "--format", "{{.ServerVersion}}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise BuildError("Docker engine not reachable: start dockerd (see README)") from error


def inspect_image(docker: str, ref: str) -> dict[str, object] | None:
    """``docker image inspect`` of a local image, or None when there is none."""
    completed = subprocess.run(
        [docker, "image", "inspect", ref], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        return None
    found: list[dict[str, object]] = json.loads(completed.stdout)
    return found[0] if found else None


def image_labels(info: dict[str, object]) -> dict[str, str]:
    """The labels of an inspected image (an empty dict when it has none)."""
    config = info.get("Config")
    labels = config.get("Labels") if isinstance(config, dict) else None
    return dict(labels) if isinstance(labels, dict) else {}


def image_size(info: dict[str, object] | None) -> int | None:
    """The size in bytes of an inspected image, parent layers included."""
    size = info.get("Size") if info else None
    return size if isinstance(size, int) else None


def remove_if_dangling(docker: str, image_id: str) -> None:
    """Remove an image a rebuild replaced, if it has no tag left (best effort, no force)."""
    info = inspect_image(docker, image_id)
    if info is not None and not info.get("RepoTags"):
        subprocess.run([docker, "image", "rm", image_id], capture_output=True, check=False)
