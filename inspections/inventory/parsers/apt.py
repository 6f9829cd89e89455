"""Every installed Debian package with its version and architecture, from two listings.

- `apt list --installed`, which the manifests quote: `name/suites version arch [installed...]`.
- dpkg's own database through `dpkg-query`, one tab-separated row per package: what an
  inventory reads, since dpkg refuses a database whose names break its rules and prints each
  field as it is, where apt would print a forged line break.

Both give the same packages: apt lists as installed every package whose dpkg status is
neither `not-installed` nor `config-files`, as these parsers keep them.
"""

from __future__ import annotations

import re

from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import in_listing, listing_lines, unreadable
from inspections.inventory.purls import deb_package

APT_LIST_COMMAND = "apt list --installed"
DPKG_QUERY_COMMAND = (
    "dpkg-query --show --showformat "
    "'${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\n'"
)

# adduser/oldstable,now 3.134 all [installed]
# binutils/now 2.42-4ubuntu2.5 amd64 [installed,upgradable to: 2.42-4ubuntu2.6]
_PACKAGE = re.compile(
    r"(?P<name>[^/ ]+)/(?P<suites>[A-Za-z0-9._+-]+(?:,[A-Za-z0-9._+-]+)*) "
    r"(?P<version>[^ ]+) (?P<arch>[^ ]+) \[installed(?:,[^\]]*)?\]"
)
# dpkg statuses of packages that are not (or no longer) installed: apt does not list them.
_NOT_INSTALLED = frozenset({"not-installed", "config-files"})
_DPKG_STATUS = re.compile(r"[a-z-]+")
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
        match = _PACKAGE.fullmatch(line)
        if match is None:
            raise unreadable(APT_LIST_COMMAND, number, line, _EXPECTED)
        fields = (match["name"], match["version"], match["arch"], distro)
        packages.append(in_listing(APT_LIST_COMMAND, f"line {number}", deb_package, *fields))
    if not packages:
        raise InventoryError(f"`{APT_LIST_COMMAND}` listed no package; expected {_EXPECTED}")
    return Inventory.of(packages)


def parse_dpkg_query(output: str, distro: Distro) -> Inventory:
    """The installed deb packages of the `dpkg-query` listing (status, name, version, arch)."""
    expected = "'status<TAB>name<TAB>version<TAB>architecture' rows"
    packages: list[Package] = []
    for number, line in enumerate(listing_lines(output, DPKG_QUERY_COMMAND), start=1):
        fields = line.split("\t")
        if len(fields) != 4 or not _DPKG_STATUS.fullmatch(fields[0]):
            raise unreadable(DPKG_QUERY_COMMAND, number, line, expected)
        status, name, version, arch = fields
        if status not in _NOT_INSTALLED:
            where = f"line {number}"
            packages.append(
                in_listing(DPKG_QUERY_COMMAND, where, deb_package, name, version, arch, distro)
            )
    if not packages:
        raise InventoryError(f"`{DPKG_QUERY_COMMAND}` listed no installed package")
    return Inventory.of(packages)


def guess_distro(output: str) -> Distro:
    """Debian or Ubuntu, guessed from an apt listing when no os-release is at hand.

    Ubuntu's own packages carry `ubuntu` in their versions; the release stays unknown.
    """
    return Distro("ubuntu") if re.search(r"\d+ubuntu\d", output) else Distro("debian")
