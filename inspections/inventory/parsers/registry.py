"""Which parser reads which command's output: how an inventory is found in a build manifest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inspections.inventory.distro import Distro
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.apt import APT_LIST_COMMAND, parse_apt_list
from inspections.inventory.parsers.conda import MAMBA_LIST_COMMAND, parse_mamba_list
from inspections.inventory.parsers.julia import JULIA_PACKAGES_COMMAND, parse_julia_status
from inspections.inventory.parsers.pip import (
    DISTRIBUTIONS_COMMAND,
    PIP_LIST_COMMAND,
    parse_distributions,
    parse_pip_list,
)
from inspections.inventory.parsers.r import R_PACKAGES_COMMAND, parse_r_packages


@dataclass(frozen=True)
class ListingParser:
    """A listing command and the function that turns its output into an inventory."""

    command: str
    parse: Callable[[str, Distro], Inventory]


LISTING_PARSERS: dict[str, ListingParser] = {
    parser.command: parser
    for parser in (
        ListingParser(APT_LIST_COMMAND, parse_apt_list),
        ListingParser(PIP_LIST_COMMAND, lambda output, _distro: parse_pip_list(output)),
        ListingParser(DISTRIBUTIONS_COMMAND, lambda output, _distro: parse_distributions(output)),
        ListingParser(MAMBA_LIST_COMMAND, lambda output, _distro: parse_mamba_list(output)),
        ListingParser(R_PACKAGES_COMMAND, lambda output, _distro: parse_r_packages(output)),
        ListingParser(JULIA_PACKAGES_COMMAND, lambda output, _distro: parse_julia_status(output)),
    )
}


def inventory_of(command: str, output: str, distro: Distro) -> Inventory | None:
    """The inventory in `command`'s output, or None when `command` lists no packages."""
    parser = LISTING_PARSERS.get(command)
    return parser.parse(output, distro) if parser else None
