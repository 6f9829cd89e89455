"""Which parser reads which command's output: how an inventory is found in a build manifest,
and which of the library's inventories reads the packages of the listing a piece quotes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from inspections.inventory.distro import Distro
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.apt import APT_LIST_COMMAND, parse_apt_list
from inspections.inventory.parsers.conda import MAMBA_LIST_COMMAND, parse_mamba_list
from inspections.inventory.parsers.julia import JULIA_PACKAGES_COMMAND, parse_julia_status
from inspections.inventory.parsers.pip import (
    DISTRIBUTIONS_COMMAND,
    PIP_LIST_COMMAND,
    distributions_inventory,
    parse_pip_list,
)
from inspections.inventory.parsers.r import R_PACKAGES_COMMAND, parse_r_packages


@dataclass(frozen=True)
class ListingParser:
    """A listing command and the function that turns its output into an inventory; for the
    listings the library's manifest pieces quote, that piece and the library's inventory of
    the same packages (names in `inspections.library`)."""

    command: str
    parse: Callable[[str, Distro], Inventory]
    piece: str = ""
    inventory: str = ""


LISTING_PARSERS: dict[str, ListingParser] = {
    parser.command: parser
    for parser in (
        ListingParser(APT_LIST_COMMAND, parse_apt_list, "apt_packages_manifest", "apt_inventory"),
        ListingParser(
            PIP_LIST_COMMAND,
            lambda output, _distro: parse_pip_list(output),
            "pip_packages_manifest",
            "pip_inventory",
        ),
        ListingParser(
            DISTRIBUTIONS_COMMAND, lambda output, _distro: distributions_inventory(output)
        ),
        ListingParser(
            MAMBA_LIST_COMMAND,
            lambda output, _distro: parse_mamba_list(output),
            "conda_packages_manifest",
            "conda_inventory",
        ),
        ListingParser(
            R_PACKAGES_COMMAND,
            lambda output, _distro: parse_r_packages(output),
            "r_packages_manifest",
            "r_inventory",
        ),
        ListingParser(
            JULIA_PACKAGES_COMMAND,
            lambda output, _distro: parse_julia_status(output),
            "julia_packages_manifest",
            "julia_inventory",
        ),
    )
}


def inventory_of(command: str, output: str, distro: Distro) -> Inventory | None:
    """The inventory in `command`'s output, or None when `command` lists no packages."""
    parser = LISTING_PARSERS.get(command)
    return parser.parse(output, distro) if parser else None


def library_inventories(commands: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(inventory, piece) of the library for each listing among `commands` that one of its
    manifest pieces quotes, in order, each once."""
    found = [LISTING_PARSERS.get(command) for command in commands]
    pairs = [(parser.inventory, parser.piece) for parser in found if parser and parser.inventory]
    return tuple(dict.fromkeys(pairs))
