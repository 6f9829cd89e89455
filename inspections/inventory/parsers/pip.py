"""Python distributions: pip's table, which the manifests quote, and the library's JSON
list of distributions, which inventories and the taggers of Python packages read.

- `python -m pip list --disable-pip-version-check`, which the manifests quote: a table whose
  dashed rule gives each column's width, so a row is cut into cells at those widths, never
  at the spaces a name or version might hold. pip shows each version as the distribution's
  metadata has it.
- The distributions listing (`DISTRIBUTIONS_COMMAND`): every distribution `importlib.metadata`
  finds, in `sys.path` order, by the name and version of its metadata. pip's own JSON
  listing is not read: it takes each version from the name of the dist-info folder, which a
  hand-made folder (`foo-1.0.dist-info` holding `Version: 2.0`) can make disagree with what
  is installed. An inventory normalizes versions as PEP 440 does (the version as written
  when it is no PEP 440 version), from either listing, so both give the same packages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from packaging.version import Version

from inspections.bounded_json import parse_json
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import in_listing, listing_lines, unreadable
from inspections.inventory.purls import normalize_pypi_name, pypi_package

PIP_LIST_COMMAND = "python -m pip list --disable-pip-version-check"
# Every installed distribution as JSON: the taggers of Python packages read it too.
DISTRIBUTIONS_COMMAND = (
    "python -c 'import importlib.metadata as m, json; "
    'print(json.dumps([[d.metadata.get("Name"), d.version] for d in m.distributions()]))\''
)

_RULE = re.compile(r"-+(?: -+)+")
# pip's own messages, on stderr, which a manifest quotes above the table.
_MESSAGE_PREFIXES = ("WARNING: ", "DEPRECATION: ")
_LISTING = "the Python distributions listing"
_EXPECTED_PAIRS = f"expected [[name, version], ...] from `{DISTRIBUTIONS_COMMAND}`"


def pip_version(version: str) -> str:
    """`version` as an inventory holds it: PEP 440 normalized when it is one, as pip writes it."""
    try:
        return str(Version(version))
    except ValueError:  # InvalidVersion, or a number past Python's 4,300 digits
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


@dataclass(frozen=True)
class Distribution:
    """An installed Python distribution: the name and version of its metadata, and the item
    of the distributions listing that lists it."""

    name: str
    version: str
    item: int


def _listed_pairs(output: str) -> list[tuple[int, object, object]]:
    """(item, name, version) of each entry of the distributions listing, as printed: a JSON
    list of `[name, version]` pairs. Lines printed before the listing (a `sitecustomize` that
    talks) are skipped."""
    lines = listing_lines(output, DISTRIBUTIONS_COMMAND)
    listing = next((line for line in reversed(lines) if line.startswith("[")), None)
    try:
        pairs = parse_json(listing.encode()) if listing is not None else None
    except ValueError as error:  # JSONDecodeError, JsonTooDeepError
        problem = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise InventoryError(
            f"{_LISTING} is not valid JSON ({problem}); {_EXPECTED_PAIRS}"
        ) from None
    if not isinstance(pairs, list):
        raise InventoryError(f"{_LISTING} printed no JSON list; {_EXPECTED_PAIRS}")
    listed: list[tuple[int, object, object]] = []
    for item, pair in enumerate(pairs):
        if not isinstance(pair, list) or len(pair) != 2:
            raise InventoryError(
                f"{_LISTING} has item {item} {shown(json.dumps(pair))}; expected a "
                "[name, version] pair"
            )
        listed.append((item, pair[0], pair[1]))
    return listed


def _first_of_each_name(
    listed: list[tuple[int, object, object]],
) -> dict[str, Distribution]:
    """Normalized name -> the first distribution of that name with a name and a version."""
    distributions: dict[str, Distribution] = {}
    for item, name, version in listed:
        if isinstance(name, str) and isinstance(version, str) and name and version:
            distributions.setdefault(normalize_pypi_name(name), Distribution(name, version, item))
    return distributions


def parse_distributions(output: str) -> dict[str, Distribution]:
    """Normalized name (PEP 503) -> the distribution Python imports by that name, from the
    distributions listing (in `sys.path` order), for the taggers.

    When two distributions share a name the first wins, as it is the one Python imports and
    pip lists. Entries without a name or version (broken metadata) are left out: a tagger
    asks for named distributions only.
    """
    return _first_of_each_name(_listed_pairs(output))


def distributions_inventory(output: str) -> Inventory:
    """The pypi packages of the distributions listing: each distribution Python imports, by
    the name and version its metadata gives, the version normalized as pip writes it.

    A distribution whose metadata lacks its name or version is refused: pip's table still
    lists it (by its folder's name), so leaving it out would make the SBOM lie."""
    listed = _listed_pairs(output)
    for item, name, version in listed:
        if not (isinstance(name, str) and name and isinstance(version, str) and version):
            missing = "Name" if not (isinstance(name, str) and name) else "Version"
            raise InventoryError(
                f"`{DISTRIBUTIONS_COMMAND}` item {item}: a distribution "
                f"{shown(json.dumps([name, version]))} whose metadata has no {missing}; "
                "repair or remove that distribution in the image"
            )
    return Inventory.of(
        in_listing(
            DISTRIBUTIONS_COMMAND,
            f"item {found.item}",
            pypi_package,
            found.name,
            pip_version(found.version),
        )
        for found in _first_of_each_name(listed).values()
    )
