"""The library's inventories, and the manifest pieces that quote the listings they read."""

from __future__ import annotations

import importlib
import pkgutil

import inspections.library
from inspections.api import spec_of
from inspections.inventory.parsers.registry import LISTING_PARSERS, library_inventories


def _library_inspections() -> dict[str, str]:
    """Name -> kind of every inspection the library's modules define."""
    found: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(inspections.library.__path__):
        module = importlib.import_module(f"inspections.library.{module_info.name}")
        for name, value in vars(module).items():
            spec = spec_of(value)
            if spec is not None and value.__module__ == module.__name__:
                found[name] = spec.kind
    return found


def test_each_listing_names_a_library_piece_and_the_inventory_of_its_packages() -> None:
    declared = _library_inspections()
    named = [parser for parser in LISTING_PARSERS.values() if parser.inventory]
    assert {parser.inventory for parser in named} == {
        name for name, kind in declared.items() if kind == "inventory"
    }
    assert all(declared[parser.piece] == "manifest" for parser in named)


def test_the_inventories_to_declare_follow_the_listings_quoted() -> None:
    quoted = ["conda info", "mamba info", "mamba list", "R --version", "apt list --installed"]
    assert library_inventories([*quoted, "mamba list"]) == (
        ("conda_inventory", "conda_packages_manifest"),
        ("apt_inventory", "apt_packages_manifest"),
    )
