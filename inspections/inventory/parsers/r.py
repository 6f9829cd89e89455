"""`R --silent -e 'installed.packages(.Library)[, c(1,3)]'`: R's library packages and versions.

R echoes the command after a `> ` prompt, prints a character matrix (row names, then quoted
`Package` and `Version` cells) and ends with empty prompts. When rows are wider than R's
line width, R prints the matrix in blocks of columns: first every row's `Package`, then
every row's `Version`, each block under its own header line.
"""

from __future__ import annotations

import re

from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.lines import listing_lines, unreadable
from inspections.inventory.purls import cran_package

R_PACKAGES_COMMAND = "R --silent -e 'installed.packages(.Library)[, c(1,3)]'"

_COLUMNS = ("Package", "Version")
_HEADER = re.compile(r"^\s+(?:Package|Version)(?:\s+(?:Package|Version))*$")
_ROW = re.compile(r'^(?P<row>\S+)(?P<cells>(?:\s+"(?:[^"\\]|\\.)*")+)$')
_CELL = re.compile(r'"((?:[^"\\]|\\.)*)"')
_EXPECTED = 'a matrix of quoted "Package" and "Version" cells under a header line'


def parse_r_packages(output: str) -> Inventory:
    """The cran packages of the R matrix, whether printed in one block or wrapped."""
    cells: dict[str, dict[str, str]] = {}
    columns: list[str] = []
    for number, line in enumerate(listing_lines(output, R_PACKAGES_COMMAND), start=1):
        if not line.strip() or line == ">" or line.startswith("> "):
            continue
        if _HEADER.match(line):
            columns = line.split()
            continue
        match = _ROW.match(line)
        values = _CELL.findall(match["cells"]) if match else []
        if match is None or not columns or len(values) != len(columns):
            raise unreadable(R_PACKAGES_COMMAND, number, line, _EXPECTED)
        row = cells.setdefault(match["row"], {})
        row.update(zip(columns, values, strict=True))
    if not cells:
        raise InventoryError(f"`{R_PACKAGES_COMMAND}` printed no package; expected {_EXPECTED}")
    packages = []
    for row_name, row in cells.items():
        missing = [column for column in _COLUMNS if column not in row]
        if missing:
            raise InventoryError(
                f"`{R_PACKAGES_COMMAND}` printed no {' or '.join(missing)} for {row_name!r}; "
                f"expected {_EXPECTED}"
            )
        packages.append(cran_package(row["Package"], row["Version"]))
    return Inventory.of(packages)
