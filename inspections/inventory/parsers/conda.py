"""`mamba list`: a conda environment's packages, in mamba 1 (conda) or mamba 2 format.

mamba 1 and conda print `# packages in environment at /opt/conda:` and `# Name Version Build
Channel` comment lines; mamba 2 prints `List of packages in environment: "/opt/conda"`, an
indented header and a rule of box-drawing dashes. Rows are `name version build [channel]`.
Packages that conda saw installed by pip (channel `pypi`) become pypi packages.
"""

from __future__ import annotations

import re

from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import listing_lines, unreadable
from inspections.inventory.purls import conda_package, pypi_package

MAMBA_LIST_COMMAND = "mamba list"

_MAMBA2_TITLE = re.compile(r'^List of packages in environment: ".*"$')
_MAMBA2_HEADER = re.compile(r"^\s*Name\s+Version\s+Build\s+Channel$")
_MAMBA2_RULE = re.compile(r"^\s*─+$")
_ROW = re.compile(r"^\s*(?P<name>\S+)\s+(?P<version>\S+)\s+(?P<build>\S+)(?:\s+(?P<channel>\S+))?$")
_PIP_CHANNEL = "pypi"
_EXPECTED = "'name version build channel' rows, e.g. 'bzip2  1.0.8  hd590300_5  conda-forge'"


def _is_decoration(line: str) -> bool:
    """Comment, title, header and rule lines of either format."""
    return (
        line.startswith("#")
        or bool(_MAMBA2_TITLE.match(line))
        or bool(_MAMBA2_HEADER.match(line))
        or bool(_MAMBA2_RULE.match(line))
    )


def _package(name: str, version: str, build: str, channel: str) -> Package:
    if channel == _PIP_CHANNEL:
        return pypi_package(name, version)
    return conda_package(name, version, build, channel)


def parse_mamba_list(output: str) -> Inventory:
    """The packages of `mamba list` (or `conda list`) output."""
    packages: list[Package] = []
    for number, line in enumerate(listing_lines(output, MAMBA_LIST_COMMAND), start=1):
        if not line.strip() or _is_decoration(line):
            continue
        match = _ROW.match(line)
        if match is None:
            raise unreadable(MAMBA_LIST_COMMAND, number, line, _EXPECTED)
        packages.append(
            _package(match["name"], match["version"], match["build"], match["channel"] or "")
        )
    if not packages:
        raise InventoryError(f"`{MAMBA_LIST_COMMAND}` listed no package; expected {_EXPECTED}")
    return Inventory.of(packages)
