"""`apt list --installed`: every installed Debian package with its version and architecture."""

from __future__ import annotations

import re

from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import listing_lines, unreadable
from inspections.inventory.purls import deb_package

APT_LIST_COMMAND = "apt list --installed"

# adduser/oldstable,now 3.134 all [installed]
# binutils/now 2.42-4ubuntu2.5 amd64 [installed,upgradable to: 2.42-4ubuntu2.6]
_PACKAGE = re.compile(
    r"^(?P<name>[^/\s]+)/(?P<suites>\S*) (?P<version>\S+) (?P<arch>\S+) "
    r"\[(?P<status>installed[^\]]*)\]$"
)
_HEADER = re.compile(r"^Listing\.\.\.(?: Done)?$")
# apt's warning goes to stderr; a listing recorded with 2>&1 has it on top.
_WARNING = "WARNING: apt does not have a stable CLI interface. Use with caution in scripts."
_EXPECTED = (
    "'name/suites version arch [installed...]', e.g. 'adduser/oldstable,now 3.134 all [installed]'"
)


def parse_apt_list(output: str, distro: Distro) -> Inventory:
    """The deb packages of `apt list --installed` output, with purls in `distro`'s namespace."""
    packages: list[Package] = []
    for number, line in enumerate(listing_lines(output, APT_LIST_COMMAND), start=1):
        if not line or line == _WARNING or _HEADER.match(line):
            continue
        match = _PACKAGE.match(line)
        if match is None:
            raise unreadable(APT_LIST_COMMAND, number, line, _EXPECTED)
        packages.append(deb_package(match["name"], match["version"], match["arch"], distro))
    if not packages:
        raise InventoryError(f"`{APT_LIST_COMMAND}` listed no package; expected {_EXPECTED}")
    return Inventory.of(packages)


def guess_distro(output: str) -> Distro:
    """Debian or Ubuntu, guessed from an apt listing when no os-release is at hand.

    Ubuntu's own packages carry `ubuntu` in their versions; the release stays unknown.
    """
    return Distro("ubuntu") if re.search(r"\d+ubuntu\d", output) else Distro("debian")
