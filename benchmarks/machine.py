"""The machine the figures come from: its cores, how busy it was, what changed meanwhile.

The machine may be shared: the load average before each session, and whether the demo
stack's images were rebuilt during the run, say how far the figures can be trusted.
"""

from __future__ import annotations

import os
import platform
import statistics
from typing import Any

import docker

from benchmarks.workspace import PartResult

DEMO_REPOSITORIES = "localhost/demo/"


def demo_image_ids(client: docker.DockerClient) -> dict[str, str]:
    """Tag -> image id of the demo stack's images in the engine now."""
    images = client.images.list(filters={"reference": f"{DEMO_REPOSITORIES}*"})
    return {
        tag: str(image.id)
        for image in images
        for tag in image.tags
        if tag.startswith(DEMO_REPOSITORIES)
    }


def describe(
    parts: list[PartResult], demo_before: dict[str, str], demo_after: dict[str, str]
) -> dict[str, Any]:
    """Cores, Python, the 1-minute load average before the sessions, rebuilt demo images."""
    loads = [
        session.load_average
        for part in parts
        for series in part.series.values()
        for session in series.sessions
    ]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_median": statistics.median(loads) if loads else None,
        "load_average_max": max(loads, default=None),
        "demo_images_rebuilt": sorted(
            tag for tag, image_id in demo_before.items() if demo_after.get(tag) != image_id
        ),
    }


def summary_line(machine: dict[str, Any]) -> str:
    line = f"{machine['cpus']} cores"
    if machine["load_average_median"] is not None:
        line += (
            f"; 1-minute load average before the sessions: median "
            f"{machine['load_average_median']:.1f}, max {machine['load_average_max']:.1f}"
        )
    if machine["demo_images_rebuilt"]:
        line += f"\ndemo images rebuilt during the run: {', '.join(machine['demo_images_rebuilt'])}"
    return line
