"""Packages and inventories: validation, JSON round trips, one-line errors on hostile input."""

from __future__ import annotations

import json

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory, Package
from inspections.inventory.purls import pypi_package

from .support import minimal_notebook_inventory


def test_inventory_survives_a_json_round_trip() -> None:
    inventory = minimal_notebook_inventory(changed=False)
    wire = json.loads(json.dumps(inventory.to_json()))
    assert Inventory.from_json(wire) == inventory
    assert {package["ecosystem"] for package in wire["packages"]} == {"deb", "pypi"}


def test_only_deb_packages_carry_an_architecture() -> None:
    packages = minimal_notebook_inventory(changed=False).to_json()["packages"]
    assert all(("arch" in package) == (package["ecosystem"] == "deb") for package in packages)


def test_merging_keeps_each_purl_once() -> None:
    first = Inventory.of([pypi_package("Jinja2", "3.1.6"), pypi_package("six", "1.17.0")])
    second = Inventory.of([pypi_package("six", "1.17.0"), pypi_package("six", "1.16.0")])
    merged = Inventory.merged(first, second)
    assert [(p.name, p.version) for p in merged.packages] == [
        ("Jinja2", "3.1.6"),
        ("six", "1.16.0"),
        ("six", "1.17.0"),
    ]


GOOD = {"ecosystem": "pypi", "name": "six", "version": "1.17.0", "purl": "pkg:pypi/six@1.17.0"}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("six", "must be an object"),
        ({**GOOD, "licence": "MIT"}, "unknown keys 'licence'"),
        ({**GOOD, "version": 17}, "'version' must be a string, got int"),
        ({key: value for key, value in GOOD.items() if key != "purl"}, "'purl' must be a string"),
        ({**GOOD, "name": "six\n## injected"}, "whitespace or control characters"),
        ({**GOOD, "version": "1.0\x1b[31m"}, "whitespace or control characters"),
        ({**GOOD, "name": ""}, "the name is empty"),
        ({**GOOD, "ecosystem": "PyPI"}, "not a purl type"),
        ({**GOOD, "purl": "six@1.17.0"}, "is not a package URL"),
        ({**GOOD, "purl": "pkg:npm/six@1.17.0"}, "is of type 'npm', not 'pypi'"),
        ({**GOOD, "name": "x" * 600}, "longer than 512"),
        ({**GOOD, "purl": "pkg:pypi/numpy@1.17.0"}, "is of 'numpy' version '1.17.0', not 'six'"),
        ({**GOOD, "purl": "pkg:pypi/six@9.9"}, "is of 'six' version '9.9', not 'six' version"),
        ({**GOOD, "purl": "pkg:pypi/six"}, "is of 'six' version '', not 'six' version '1.17.0'"),
        (
            {**GOOD, "ecosystem": "deb", "purl": "pkg:deb/debian/six@1.17.0?arch=amd64"},
            "is for the architecture 'amd64', not ''",
        ),
        (
            {**GOOD, "ecosystem": "deb", "purl": "pkg:deb/debian/six@1.17.0", "arch": "all"},
            "is for the architecture '', not 'all'",
        ),
    ],
)
def test_hostile_package_documents_give_one_line(document: object, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        Inventory.from_json({"packages": [GOOD, document]})
    message = str(raised.value)
    assert fragment in message
    assert "inventory package 1" in message
    assert "\n" not in message


@pytest.mark.parametrize("document", [[GOOD], {"packages": GOOD}, {"packages": [], "x": 1}, None])
def test_an_inventory_must_be_an_object_with_a_package_list(document: object) -> None:
    with pytest.raises(InventoryError, match="inventory"):
        Inventory.from_json(document)


def test_a_purl_names_its_package_as_its_type_normalizes_names() -> None:
    package = Package.from_json(
        {**GOOD, "name": "Jupyter_Server", "purl": "pkg:pypi/jupyter-server@1.17.0"}
    )
    assert package.name == "Jupyter_Server"
    with pytest.raises(InventoryError, match=r"is of 'mass' version '1\.17\.0', not 'MASS'"):
        Package.from_json(
            {**GOOD, "ecosystem": "cran", "name": "MASS", "purl": "pkg:cran/mass@1.17.0"}
        )


def test_a_scoped_name_is_the_purls_namespace_and_name() -> None:
    scoped = {"ecosystem": "npm", "name": "@types/node", "version": "22.1.0"}
    purl = "pkg:npm/%40types/node@22.1.0"
    assert Package.from_json({**scoped, "purl": purl}).name == "@types/node"
    assert Package.from_json({**scoped, "name": "node", "purl": purl}).name == "node"
    with pytest.raises(InventoryError, match=r"is of 'node' version '22\.1\.0', not '@evil/node'"):
        Package.from_json({**scoped, "name": "@evil/node", "purl": purl})


def test_names_with_markdown_characters_are_valid_data() -> None:
    package = Package.from_json(
        {"ecosystem": "npm", "name": "a|b`c", "version": "1.0.0", "purl": "pkg:npm/a%7Cb%60c@1.0.0"}
    )
    assert package.name == "a|b`c"
