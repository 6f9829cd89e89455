"""The Jupyter Docker Stacks declaration in images/: hierarchy and declared inspections."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from inspections.api import spec_of

IMAGES = Path(__file__).resolve().parents[3] / "images"

PARENTS = {
    "docker-stacks-foundation": "",
    "base-notebook": "docker-stacks-foundation",
    "minimal-notebook": "base-notebook",
    "scipy-notebook": "minimal-notebook",
    "r-notebook": "minimal-notebook",
    "julia-notebook": "minimal-notebook",
    "tensorflow-notebook": "scipy-notebook",
    "pytorch-notebook": "scipy-notebook",
    "datascience-notebook": "scipy-notebook",
    "pyspark-notebook": "scipy-notebook",
    "all-spark-notebook": "pyspark-notebook",
}

DECLARED = {
    "docker-stacks-foundation": [
        "sha_tag",
        "date_tag",
        "os_tag",
        "python_minor_tag",
        "python_version_tag",
        "mamba_tag",
        "conda_tag",
        "conda_packages_manifest",
        "apt_packages_manifest",
    ],
    "base-notebook": ["notebook_tag", "lab_tag", "hub_tag"],
    "minimal-notebook": [],
    "scipy-notebook": [],
    "r-notebook": ["r_tag", "r_packages_manifest"],
    "julia-notebook": ["julia_tag", "julia_packages_manifest"],
    "tensorflow-notebook": ["tensorflow_tag"],
    "pytorch-notebook": ["pytorch_tag"],
    "datascience-notebook": [
        "r_tag",
        "julia_tag",
        "r_packages_manifest",
        "julia_packages_manifest",
    ],
    "pyspark-notebook": ["spark_tag", "java_tag", "spark_info_manifest"],
    "all-spark-notebook": ["r_tag", "r_packages_manifest"],
}


def image_config(name: str) -> dict[str, object]:
    """The parsed image.toml of the image called `name`."""
    with (IMAGES / name / "image.toml").open("rb") as file:
        return tomllib.load(file)


def inspect_module(name: str) -> ModuleType:
    """The inspect_<name>.py of the image called `name`, loaded on its own."""
    path = IMAGES / name / f"inspect_{name.replace('-', '_')}.py"
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def declared(name: str, *kinds: str) -> list[str]:
    """Names of the inspections of `kinds` the image `name` declares, in declaration order."""
    return [
        attribute
        for attribute, obj in vars(inspect_module(name)).items()
        if (spec := spec_of(obj)) is not None and spec.kind in kinds
    ]


def test_every_folder_is_a_known_image() -> None:
    folders = {path.parent.name for path in IMAGES.glob("*/image.toml")}
    assert folders == set(PARENTS)


@pytest.mark.parametrize("name", PARENTS)
def test_parent(name: str) -> None:
    assert image_config(name)["parent"] == PARENTS[name]


def test_gpu_variants() -> None:
    variants = {name: image_config(name).get("variants") for name in PARENTS}
    assert variants.pop("pytorch-notebook") == ["cuda12", "cuda13"]
    assert variants.pop("tensorflow-notebook") == ["cuda"]
    assert set(variants.values()) == {None}


def test_stack_names_the_registry_and_repository() -> None:
    with (IMAGES / "stack.toml").open("rb") as file:
        stack = tomllib.load(file)
    assert stack == {
        "registry": "quay.io",
        "owner": "jupyter",
        "repository": "https://github.com/jupyter/docker-stacks",
    }


@pytest.mark.parametrize("name", PARENTS)
def test_declared_inspections_in_order(name: str) -> None:
    """The taggers and manifest pieces of the Jupyter Docker Stacks' own hierarchy."""
    assert declared(name, "tag", "manifest") == DECLARED[name]


# Each manifest piece that lists packages, and the inventory read from the same listing.
INVENTORY_OF = {
    "conda_packages_manifest": "conda_inventory",
    "apt_packages_manifest": "apt_inventory",
    "r_packages_manifest": "r_inventory",
    "julia_packages_manifest": "julia_inventory",
}


@pytest.mark.parametrize("name", PARENTS)
def test_every_listing_piece_has_its_inventory(name: str) -> None:
    pieces = [piece for piece in DECLARED[name] if piece in INVENTORY_OF]
    assert declared(name, "inventory") == [INVENTORY_OF[piece] for piece in pieces]


@pytest.mark.parametrize("name", PARENTS)
def test_no_lineage_declares_an_inspection_twice(name: str) -> None:
    lineage: list[str] = []
    ancestor = name
    while ancestor:
        lineage += DECLARED[ancestor]
        ancestor = PARENTS[ancestor]
    assert len(lineage) == len(set(lineage))
