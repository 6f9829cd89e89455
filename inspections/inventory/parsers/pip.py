"""Python distributions: pip's two listings, and the library's JSON list of distributions.

- `python -m pip list --disable-pip-version-check`, which the manifests quote: a table whose
  dashed rule gives each column's width, so a row is cut into cells at those widths, never
  at the spaces a name or version might hold.
- `python -m pip list --format=json`, what an inventory reads: pip writes each name as its
  metadata has it and each version as PEP 440 normalizes it (the version as written when it
  is no PEP 440 version). Versions read from the table are normalized the same way, so both
  listings give the same packages.
"""

from __future__ import annotations

import json
import re

from packaging.version import InvalidVersion, Version

from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import in_listing, listing_lines, unreadable
from inspections.inventory.purls import pypi_package
from inspections.text import lines_of

PIP_LIST_COMMAND = "python -m pip list --disable-pip-version-check"
PIP_JSON_COMMAND = "python -m pip list --format=json --disable-pip-version-check"
# Every installed distribution as JSON: the taggers of Python packages read it too.
DISTRIBUTIONS_COMMAND = (
    "python -c 'import importlib.metadata as m, json; "
    'print(json.dumps([[d.metadata.get("Name"), d.version] for d in m.distributions()]))\''
)

_RULE = re.compile(r"-+(?: -+)+")
# pip's own messages, on stderr, which a manifest quotes above the table.
_MESSAGE_PREFIXES = ("WARNING: ", "DEPRECATION: ")
_EXPECTED_JSON = '[{"name": ..., "version": ...}, ...]'


def pip_version(version: str) -> str:
    """`version` as `pip list --format=json` writes it: PEP 440 normalized when it is one."""
    try:
        return str(Version(version))
    except InvalidVersion:
        return version


def _cells(line: str, widths: list[int]) -> list[str] | None:
    """The cells of a table row, cut at the column widths; None when a cell overflows."""
    if len(line) > sum(widths) + len(widths) - 1:
        return None
    cells, start = [], 0
    for width in widths:
        end = start + width
        if line[end : end + 1] not in ("", " "):
            return None
        cells.append(line[start:end].rstrip(" "))
        start = end + 1
    return cells


def parse_pip_list(output: str) -> Inventory:
    """The pypi packages of `pip list` output (header, dashed rule, one row per package)."""
    lines = [line for line in listing_lines(output, PIP_LIST_COMMAND) if line]
    while lines and lines[0].startswith(_MESSAGE_PREFIXES):
        lines.pop(0)
    widths = [len(dashes) for dashes in lines[1].split(" ")] if len(lines) > 1 else []
    header = _cells(lines[0], widths) if widths and _RULE.fullmatch(lines[1]) else None
    if header is None or header[:2] != ["Package", "Version"]:
        first = lines[0] if lines else ""
        raise InventoryError(
            f"`{PIP_LIST_COMMAND}` printed {shown(first) if first else 'nothing'} first; "
            "expected a 'Package  Version' header and a dashed rule"
        )
    packages: list[Package] = []
    for number, line in enumerate(lines[2:], start=3):
        cells = _cells(line, widths)
        if cells is None or not cells[0] or not cells[1]:
            raise unreadable(PIP_LIST_COMMAND, number, line, "'name version' columns")
        name, version = cells[0], pip_version(cells[1])
        packages.append(in_listing(PIP_LIST_COMMAND, f"line {number}", pypi_package, name, version))
    return Inventory.of(packages)


def parse_pip_json(output: str) -> Inventory:
    """The pypi packages of `pip list --format=json`: a JSON list of name and version objects."""
    try:
        listing = json.loads(output)
    except json.JSONDecodeError as error:
        raise InventoryError(
            f"`{PIP_JSON_COMMAND}` printed no JSON ({error.msg}); expected {_EXPECTED_JSON}"
        ) from None
    if not isinstance(listing, list):
        raise InventoryError(
            f"`{PIP_JSON_COMMAND}` printed a JSON {type(listing).__name__}; "
            f"expected {_EXPECTED_JSON}"
        )
    packages: list[Package] = []
    for index, item in enumerate(listing):
        fields = [item.get(key) for key in ("name", "version")] if isinstance(item, dict) else []
        if not fields or not all(isinstance(field, str) for field in fields):
            raise InventoryError(
                f"`{PIP_JSON_COMMAND}` has item {index} {shown(json.dumps(item))}; expected an "
                "object with a string name and version"
            )
        packages.append(in_listing(PIP_JSON_COMMAND, f"item {index}", pypi_package, *fields))
    return Inventory.of(packages)


def parse_distributions(output: str) -> Inventory:
    """The pypi packages of the distributions listing (a JSON list of `[name, version]`).

    Entries without a name or version (broken metadata) identify no package and are left out.
    """
    listing = next((line for line in reversed(lines_of(output)) if line.startswith("[")), "")
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
            where = f"item {index}"
            packages.append(in_listing(DISTRIBUTIONS_COMMAND, where, pypi_package, name, version))
    return Inventory.of(packages)
