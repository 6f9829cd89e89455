"""`python -m pip list` (a columns table) and the library's JSON list of Python distributions."""

from __future__ import annotations

import json
import re

from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import listing_lines, unreadable
from inspections.inventory.purls import pypi_package

PIP_LIST_COMMAND = "python -m pip list --disable-pip-version-check"
# Every installed distribution as JSON: the taggers of Python packages read it too.
DISTRIBUTIONS_COMMAND = (
    "python -c 'import importlib.metadata as m, json; "
    'print(json.dumps([[d.metadata.get("Name"), d.version] for d in m.distributions()]))\''
)

_HEADER = re.compile(r"^Package\s+Version(?:\s+.*)?$")
_RULE = re.compile(r"^-+(?: +-+)+$")
# name version [editable project location, which may hold spaces]
_ROW = re.compile(r"^(?P<name>\S+)\s+(?P<version>\S+)(?:\s+(?P<location>\S.*))?$")


def parse_pip_list(output: str) -> Inventory:
    """The pypi packages of `pip list` output (header, dashed rule, one row per package)."""
    lines = [line for line in listing_lines(output, PIP_LIST_COMMAND) if line]
    if len(lines) < 2 or not _HEADER.match(lines[0]) or not _RULE.match(lines[1]):
        first = lines[0] if lines else ""
        raise InventoryError(
            f"`{PIP_LIST_COMMAND}` printed {shown(first) if first else 'nothing'} first; "
            "expected a 'Package  Version' header and a dashed rule"
        )
    packages: list[Package] = []
    for number, line in enumerate(lines[2:], start=3):
        match = _ROW.match(line)
        if match is None:
            raise unreadable(PIP_LIST_COMMAND, number, line, "'name version' columns")
        packages.append(pypi_package(match["name"], match["version"]))
    return Inventory.of(packages)


def parse_distributions(output: str) -> Inventory:
    """The pypi packages of the distributions listing (a JSON list of `[name, version]`).

    Entries without a name or version (broken metadata) identify no package and are left out.
    """
    listing = next((line for line in reversed(output.splitlines()) if line.startswith("[")), "")
    try:
        pairs = json.loads(listing) if listing else None
    except json.JSONDecodeError as error:
        raise InventoryError(
            f"the Python distributions listing is not valid JSON ({error.msg}); "
            "expected [[name, version], ...]"
        ) from None
    if not isinstance(pairs, list):
        raise InventoryError(
            "the Python distributions listing printed no JSON list; expected [[name, version], ...]"
        )
    packages = []
    for index, pair in enumerate(pairs):
        if not isinstance(pair, list) or len(pair) != 2:
            raise InventoryError(
                f"the Python distributions listing has item {index} {shown(str(pair))}; "
                "expected a [name, version] pair"
            )
        name, version = pair
        if isinstance(name, str) and isinstance(version, str) and name and version:
            packages.append(pypi_package(name, version))
    return Inventory.of(packages)
