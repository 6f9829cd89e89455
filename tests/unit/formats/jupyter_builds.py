"""Builds of the Jupyter Docker Stacks declared in `images/`, as a two-platform CI records them.

The tags are those their taggers give (sha, date, OS, Python, mamba, conda, the Jupyter
applications, R, Julia, Spark, Java, the frameworks), for every image and every variant it
declares, on x86_64 and aarch64: the biggest diagram the stack makes.
"""

from __future__ import annotations

from pathlib import Path

from inspections.formats.stack_diagram import DiagramBuild
from inspections.stack import Stack, load_stack, tag_prefix

IMAGES = Path(__file__).resolve().parents[3] / "images"
PLATFORMS = ("x86_64", "aarch64")
SHA, DATE = "95157f9d3e14", "2025-11-24"
OWN_TAGS = {
    "docker-stacks-foundation": (
        "ubuntu-24.04",
        "python-3.12",
        "python-3.12.11",
        "mamba-2.3.2",
        "conda-25.7.0",
    ),
    "base-notebook": ("notebook-7.4.5", "lab-4.4.7", "hub-5.3.0"),
    "r-notebook": ("r-4.4.3",),
    "julia-notebook": ("julia-1.11.6",),
    "datascience-notebook": ("r-4.4.3", "julia-1.11.6"),
    "pyspark-notebook": ("spark-4.0.0", "java-17.0.16"),
    "pytorch-notebook": ("pytorch-2.8.0",),
    "tensorflow-notebook": ("tensorflow-2.19.0",),
}


def jupyter_stack() -> Stack:
    return load_stack(IMAGES)


def jupyter_builds(stack: Stack) -> list[DiagramBuild]:
    """A passed build of every image and variant of `stack` on both platforms."""
    builds = []
    for position, spec in enumerate(stack.images.values()):
        own = [tag for name in stack.lineage_names(spec.name) for tag in OWN_TAGS.get(name, ())]
        for variant in ("default", *spec.variants):
            for platform in PLATFORMS:
                prefix = tag_prefix(platform, variant)
                tags = ["latest", SHA, DATE, *own]
                builds.append(
                    DiagramBuild(
                        image=spec.name,
                        variant=variant,
                        platform=platform,
                        outcome="passed",
                        tags=tuple(f"{prefix}-{tag}" for tag in tags),
                        size_bytes=(position + 1) * 612_345_678,
                        parent=spec.parent,
                    )
                )
    return builds
