"""Recorded outputs and the build facts the inventory tests share."""

from __future__ import annotations

from pathlib import Path

from packageurl import PackageURL

from inspections.inventory.builds import BuildFacts
from inspections.inventory.distro import Distro, parse_os_release
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.apt import parse_apt_list
from inspections.inventory.parsers.pip import parse_pip_list
from inspections.inventory.sizes import ImageSize

RECORDED = Path(__file__).resolve().parent.parent / "recorded"


def recorded(name: str) -> str:
    """The text of a recorded output in tests/unit/recorded/."""
    return (RECORDED / name).read_text(encoding="utf-8")


def npm_package(name: str, version: str) -> Package:
    """An npm package as an inventory of one's own makes it: `@types/node` has the namespace
    `@types` and the name `node` in its package URL."""
    scope, _, bare = name.rpartition("/")
    return Package(
        "npm", name, version, PackageURL("npm", scope or None, bare, version).to_string()
    )


def debian_12() -> Distro:
    return parse_os_release(recorded("os-release-debian-12.txt"))


def minimal_notebook_inventory(changed: bool) -> Inventory:
    """The demo minimal-notebook's apt and pip packages, as built or after the recorded changes."""
    apt = "apt-list-installed-minimal-notebook" + ("-backports" if changed else "") + ".txt"
    pip = "pip-list-minimal-notebook" + ("-changed" if changed else "") + ".txt"
    return Inventory.merged(
        parse_apt_list(recorded(apt), debian_12()), parse_pip_list(recorded(pip))
    )


def minimal_notebook_build(
    changed: bool, tags: tuple[str, ...] = (), size: ImageSize | None = None
) -> BuildFacts:
    """Build facts of the demo minimal-notebook: the first build, or the changed second one."""
    return BuildFacts(
        image="minimal-notebook",
        platform="x86_64",
        variant="default",
        commit=("b" if changed else "a") * 40,
        timestamp="2026-11-27T10:00:00Z" if changed else "2026-11-20T10:00:00Z",
        tags=tags,
        size=size,
        inventory=minimal_notebook_inventory(changed),
        reference="localhost/demo/minimal-notebook",
    )


def data_lines(text: str, skipped_prefixes: tuple[str, ...]) -> list[str]:
    """The non-empty lines of a listing that do not start with one of `skipped_prefixes`."""
    return [
        line for line in text.splitlines() if line.strip() and not line.startswith(skipped_prefixes)
    ]
