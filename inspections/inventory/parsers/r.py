"""The packages of R's own library (`.Library`) and their versions, from two listings.

- `R --silent -e 'installed.packages(.Library)[, c(1,3)]'`, which the manifests quote: R
  echoes the command after a `> ` prompt, prints a character matrix (row names, then quoted
  `Package` and `Version` cells) and ends with empty prompts. When rows are wider than R's
  line width, R prints the matrix in blocks of columns: first every row's `Package`, then
  every row's `Version`, each block under its own header line.
- A table of the same two columns, tab-separated, what an inventory reads. Its cells are
  escaped by `encodeString`, as R escapes the matrix's cells (a tab or a line break in a
  name shows as `\\t` or `\\n`), so both listings give the same packages.
"""

from __future__ import annotations

import re

from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.lines import in_listing, listing_lines, unreadable
from inspections.inventory.purls import cran_package

R_PACKAGES_COMMAND = "R --silent -e 'installed.packages(.Library)[, c(1,3)]'"
R_PACKAGES_TABLE_COMMAND = (
    'Rscript -e \'packages <- installed.packages(.Library)[, c("Package", "Version"), '
    'drop = FALSE]; write.table(encodeString(packages), sep = "\\t", quote = FALSE, '
    "row.names = FALSE, col.names = FALSE)'"
)

_COLUMNS = ("Package", "Version")
_HEADER = re.compile(r" +(?:Package|Version)(?: +(?:Package|Version))*")
_ROW = re.compile(r'(?P<row>[^ ]+)(?P<cells>(?: +"(?:[^"\\]|\\.)*")+)')
_CELL = re.compile(r'"((?:[^"\\]|\\.)*)"')
_EXPECTED = 'a matrix of quoted "Package" and "Version" cells under a header line'


def parse_r_packages(output: str) -> Inventory:
    """The cran packages of the R matrix, whether printed in one block or wrapped."""
    cells: dict[str, dict[str, str]] = {}
    columns: list[str] = []
    for number, line in enumerate(listing_lines(output, R_PACKAGES_COMMAND), start=1):
        if not line.strip() or line == ">" or line.startswith("> "):
            continue
        if _HEADER.fullmatch(line):
            columns = line.split()
            continue
        match = _ROW.fullmatch(line)
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
        if row["Package"] != row_name:
            raise InventoryError(
                f"`{R_PACKAGES_COMMAND}` printed the row {shown(row_name)} for package "
                f"{shown(row['Package'])}; R names each row by its package"
            )
        where = f"row {shown(row_name)}"
        fields = (row["Package"], row["Version"])
        packages.append(in_listing(R_PACKAGES_COMMAND, where, cran_package, *fields))
    return Inventory.of(packages)


def parse_r_table(output: str) -> Inventory:
    """The cran packages of the tab-separated table: one `package<TAB>version` row each."""
    packages = []
    for number, line in enumerate(listing_lines(output, R_PACKAGES_TABLE_COMMAND), start=1):
        fields = line.split("\t")
        if len(fields) != 2:
            raise unreadable(R_PACKAGES_TABLE_COMMAND, number, line, "'package<TAB>version' rows")
        where = f"line {number}"
        packages.append(in_listing(R_PACKAGES_TABLE_COMMAND, where, cran_package, *fields))
    if not packages:
        raise InventoryError(f"`{R_PACKAGES_TABLE_COMMAND}` printed no package")
    return Inventory.of(packages)
