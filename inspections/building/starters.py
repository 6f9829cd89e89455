"""Starter inspections: library inspections picked for what each image's Dockerfile installs.

An image's tools are found in the `RUN` and `ENV` instructions of its last build stage and
the stages it is built on (and, for a root, in the image it starts from: `FROM python:3.12`
has Python). Each inspection is declared only at the first image of the hierarchy that has
its tool, since every image below inherits it. Every root gets the build's sha and date tags
and the OS tag. These are guesses for a person to edit, not a declaration to trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.building.derive import DerivedImage, DerivedStack

KINDS = ("tags", "manifests", "inventories")  # the order inspections are declared in


def _words(*alternatives: str) -> re.Pattern[str]:
    """Any of `alternatives` as a whole word (`jupyterlab`, not `jupyterlab-git`)."""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")


@dataclass(frozen=True)
class Tool:
    """Something an image may have, how its Dockerfile shows it, and what inspects it."""

    name: str
    found_by: re.Pattern[str] | None  # None: every root has it
    module: str
    tags: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()
    inventories: tuple[str, ...] = ()


TOOLS = (
    Tool("build", None, "build", tags=("sha_tag", "date_tag")),
    Tool("system", None, "system", tags=("os_tag",)),
    Tool(
        "python",
        _words("python3?", "pip3?", "micromamba", "mamba", "conda"),
        "python",
        tags=("python_minor_tag", "python_version_tag"),
    ),
    Tool(
        "conda",
        _words("micromamba", "mamba", "conda"),
        "conda",
        ("mamba_tag", "conda_tag"),
        ("conda_packages_manifest",),
        ("conda_inventory",),
    ),
    # pip's packages, where conda does not list them already
    Tool(
        "pip",
        _words(r"pip3?\s+install"),
        "python",
        (),
        ("pip_packages_manifest",),
        ("pip_inventory",),
    ),
    Tool(
        "apt",
        _words(r"apt(?:-get)?\s+(?:-\S+\s+)*install"),
        "apt",
        (),
        ("apt_packages_manifest",),
        ("apt_inventory",),
    ),
    Tool("notebook", _words("notebook"), "jupyter", tags=("notebook_tag",)),
    Tool("jupyterlab", _words("jupyterlab"), "jupyter", tags=("lab_tag",)),
    Tool("jupyterhub", _words("jupyterhub(?:-singleuser)?"), "jupyter", tags=("hub_tag",)),
    Tool(
        "r", _words("r-base(?:-core)?"), "r", ("r_tag",), ("r_packages_manifest",), ("r_inventory",)
    ),
    Tool(
        "julia",
        re.compile("julia"),
        "julia",
        ("julia_tag",),
        ("julia_packages_manifest",),
        ("julia_inventory",),
    ),
    Tool("spark", re.compile("spark"), "spark", ("spark_tag",), ("spark_info_manifest",)),
    Tool("java", re.compile(r"openjdk|(?<![\w-])(?:java|jdk|jre)(?![\w-])"), "java", ("java_tag",)),
    Tool("tensorflow", re.compile("tensorflow"), "tensorflow", tags=("tensorflow_tag",)),
    Tool("pytorch", _words("torch"), "pytorch", tags=("pytorch_tag",)),
)


@dataclass(frozen=True)
class Pick:
    """One library inspection declared for an image: `name = module.name`."""

    module: str
    name: str


def _installed_text(image: DerivedImage) -> str:
    """What the image's Dockerfile runs and sets, lower case, for the tools' patterns."""
    parts = [
        instruction.arguments
        for stage in image.base.stages
        for instruction in stage.instructions
        if instruction.keyword in ("RUN", "ENV")
    ]
    if not image.parent:
        parts.append(image.base.reference)
    return "\n".join(parts).lower()


def _tools_of(image: DerivedImage, inherited: set[str]) -> set[str]:
    """The tools the image has, counting those of its ancestors (`inherited`)."""
    text = _installed_text(image)
    found = {
        tool.name
        for tool in TOOLS
        if (tool.found_by is None and not image.parent)
        or (tool.found_by is not None and tool.found_by.search(text))
    }
    if "conda" in found | inherited:
        found.discard("pip")  # conda's listing has pip's packages too
    return found | inherited


def pick_inspections(stack: DerivedStack) -> dict[str, list[Pick]]:
    """Per image, the library inspections it declares first in its lineage, in order."""
    tools: dict[str, set[str]] = {}
    picked: dict[str, list[Pick]] = {}
    for name, image in stack.images.items():  # parents first
        inherited = tools.get(image.parent, set())
        tools[name] = _tools_of(image, inherited)
        added = [tool for tool in TOOLS if tool.name in tools[name] - inherited]
        picked[name] = [
            Pick(tool.module, inspection)
            for kind in KINDS
            for tool in added
            for inspection in getattr(tool, kind)
        ]
    return picked


def starter_module(image: str, picks: list[Pick]) -> str:
    """The text of the image's starter `inspect_<image>.py`."""
    if not picks:
        return (
            f'"""{image}: it has the inspections of its ancestors.\n'
            "\n"
            "stack-init found nothing in its Dockerfile that they do not inspect already. "
            'Declare its\nown inspections here (see the README, "Writing an inspection").\n'
            '"""\n'
        )
    modules = ", ".join(sorted({pick.module for pick in picks}))
    lines = [f"{pick.name} = {pick.module}.{pick.name}" for pick in picks]
    return (
        f'"""{image}: inspections stack-init picked for what its Dockerfile installs.\n'
        "\n"
        "Edit them: each one named here applies to this image and every image built on it, in\n"
        "the order of the lines (tags, then manifest pieces, then inventories).\n"
        '"""\n'
        "\n"
        f"from inspections.library import {modules}\n"
        "\n" + "\n".join(lines) + "\n"
    )


def starter_file_name(image: str) -> str:
    """`inspect_base_notebook.py` for base-notebook."""
    return "inspect_" + re.sub(r"[.-]", "_", image) + ".py"
