"""CycloneDX SBOMs: valid against the schema (the library's validator), one component a package,
the same BOM that cyclonedx-python-lib's own writer makes of the same facts, and read back as
those facts."""

from __future__ import annotations

import dataclasses
import json

import pytest

from inspections.formats.sbom import SPEC_VERSION, read_sbom, sbom_json
from inspections.inventory.builds import BuildFacts
from inspections.inventory.distro import parse_os_release
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.apt import parse_apt_list
from inspections.inventory.parsers.conda import parse_mamba_list
from inspections.inventory.parsers.julia import parse_julia_status
from inspections.inventory.parsers.pip import distributions_inventory
from inspections.inventory.parsers.r import parse_r_packages
from inspections.inventory.sizes import ImageSize
from tests.unit.formats.cyclonedx_reference import library_sbom, normalised
from tests.unit.inventory.support import minimal_notebook_inventory, npm_package, recorded


def schema_errors(text: str) -> object:
    """What CycloneDX's own JSON schema (strict) finds wrong with `text`: None for nothing.

    Imported here: its validator loads jsonschema, most of a second, in the tests only."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.from_version(SPEC_VERSION)).validate_str(text)


IMAGE_ID = "sha256:" + "4" * 64


def _facts(inventory: Inventory) -> BuildFacts:
    return BuildFacts(
        image="datascience-notebook",
        platform="aarch64",
        variant="cuda12",
        commit="c" * 40,
        timestamp="2026-11-27T14:50:46Z",
        tags=("aarch64-cuda12-latest", "aarch64-cuda12-python-3.12", "aarch64-cuda12-r-4.2.2"),
        inventory=inventory,
        reference="quay.io/jupyter/datascience-notebook",
        image_id=IMAGE_ID,
    )


INVENTORIES = {
    "debian apt and pip": minimal_notebook_inventory(changed=True),
    "ubuntu apt": parse_apt_list(
        recorded("apt-list-installed-ubuntu-24.04.txt"),
        parse_os_release(recorded("os-release-ubuntu-24.04.txt")),
    ),
    "conda, r, julia, torch": Inventory.merged(
        parse_mamba_list(recorded("conda-list-23.11.txt")),
        parse_r_packages(recorded("R-library-packages-wrapped.txt")),
        parse_julia_status(recorded("julia-pkg-status-stdlib.txt")),
        distributions_inventory(recorded("python-distributions-pytorch-notebook.json")),
    ),
    "empty": Inventory(),
}


@pytest.mark.parametrize("name", sorted(INVENTORIES))
def test_sboms_validate_with_one_component_per_package(name: str) -> None:
    inventory = INVENTORIES[name]
    text = sbom_json(_facts(inventory), version="0.1.0")
    assert schema_errors(text) is None
    document = json.loads(text)
    assert document["specVersion"] == "1.7"
    components = document.get("components", [])
    assert len(components) == len(inventory)
    assert sorted(c["purl"] for c in components) == sorted(p.purl for p in inventory.packages)
    assert all(c["bom-ref"] == c["purl"] and c["type"] == "library" for c in components)


def test_the_image_is_the_main_component() -> None:
    document = json.loads(sbom_json(_facts(INVENTORIES["debian apt and pip"]), version="0.1.0"))
    metadata = document["metadata"]
    image = metadata["component"]
    assert (image["type"], image["name"], image["version"]) == (
        "container",
        "quay.io/jupyter/datascience-notebook",
        IMAGE_ID,
    )
    properties = {(p["name"], p["value"]) for p in image["properties"]}
    assert ("stack-inspections:platform", "aarch64") in properties
    assert ("stack-inspections:variant", "cuda12") in properties
    assert ("stack-inspections:commit", "c" * 40) in properties
    assert ("stack-inspections:tag", "aarch64-cuda12-python-3.12") in properties
    assert ("stack-inspections:tag", "aarch64-cuda12-latest") not in properties
    assert metadata["timestamp"] == "2026-11-27T14:50:46Z"
    assert metadata["tools"]["components"] == [
        {"name": "stack-inspections", "type": "application", "version": "0.1.0"}
    ]
    dependencies = {d["ref"]: d.get("dependsOn", []) for d in document["dependencies"]}
    assert len(dependencies["image"]) == len(document["components"])


def test_known_purls_are_in_the_sbom() -> None:
    purls = {
        c["purl"]
        for c in json.loads(sbom_json(_facts(INVENTORIES["conda, r, julia, torch"])))["components"]
    }
    assert "pkg:conda/python@3.10.13?build=hbbe8eec_0_cpython&channel=conda-forge" in purls
    assert "pkg:pypi/ipython@8.20.0" in purls  # a pypi row of conda's listing
    assert "pkg:cran/MASS@7.3-58.2" in purls
    assert "pkg:julia/Random" in purls
    assert "pkg:pypi/torch@2.13.0%2Bcpu" in purls


def test_the_same_facts_give_the_same_bytes() -> None:
    facts = _facts(INVENTORIES["debian apt and pip"])
    first, second = sbom_json(facts, version="0.1.0"), sbom_json(facts, version="0.1.0")
    assert first == second
    other = sbom_json(_facts(INVENTORIES["ubuntu apt"]), version="0.1.0")
    assert json.loads(first)["serialNumber"] != json.loads(other)["serialNumber"]


def test_hostile_names_still_give_a_valid_sbom() -> None:
    names = ['quote"name', "pipe|name", "tick`name", "<script>", "ünïcødé", "back\\slash"]
    inventory = Inventory.of(npm_package(name, "1.0.0") for name in names)
    text = sbom_json(_facts(inventory), version="0.1.0")
    assert schema_errors(text) is None
    assert sorted(c["name"] for c in json.loads(text)["components"]) == sorted(names)


@pytest.mark.parametrize("name", sorted(INVENTORIES))
def test_the_sbom_is_the_one_cyclonedx_python_lib_writes(name: str) -> None:
    facts = _facts(INVENTORIES[name])
    ours = json.loads(sbom_json(facts, version="0.1.0"))
    theirs = library_sbom(facts, ours["serialNumber"], "0.1.0")
    assert normalised(ours) == normalised(theirs)


@pytest.mark.parametrize("name", sorted(INVENTORIES))
def test_an_sbom_reads_back_as_its_facts(name: str) -> None:
    facts = _facts(INVENTORIES[name])
    assert read_sbom(sbom_json(facts)) == facts


def test_an_sbom_holds_every_fact_but_the_size() -> None:
    facts = dataclasses.replace(
        _facts(INVENTORIES["ubuntu apt"]), size=ImageSize(646_033_000), reference="", image_id=""
    )
    read = read_sbom(sbom_json(facts))
    assert read == dataclasses.replace(facts, size=None)
    assert read.inventory is not None
    assert {p.arch for p in read.inventory.packages if p.ecosystem == "deb"} >= {"amd64"}


def test_hostile_names_read_back() -> None:
    names = ['quote"name', "pipe|name", "tick`name", "<script>", "ünïcødé", "back\\slash"]
    inventory = Inventory.of(npm_package(name, "1.0.0") for name in names)
    assert read_sbom(sbom_json(_facts(inventory))).inventory == inventory


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not json", "SBOM: not JSON"),
        ("[1]", "SBOM: the document is not an object"),
        ('{"bomFormat": "SPDX"}', "not a CycloneDX document"),
        ('{"bomFormat": "CycloneDX", "metadata": {"component": {"properties": []}}}', "no image"),
        ("[" * 100_000, "SBOM: not JSON"),
    ],
)
def test_anything_else_gives_one_line(text: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        read_sbom(text)
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)
