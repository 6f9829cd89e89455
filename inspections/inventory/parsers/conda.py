"""`mamba list`: a conda environment's packages, in mamba 1 (conda) or mamba 2 format.

mamba 1 and conda print `# packages in environment at /opt/conda:` and `# Name Version Build
Channel` comment lines, then fixed-width rows: the name padded to 25 characters, the version
to 15, the build right-aligned in 15, then the features and the channel after two spaces each
(conda leaves the channel out for its `defaults`). mamba 2 prints `List of packages in
environment: "/opt/conda"`, an indented header, a rule of box-drawing dashes, then rows whose
columns start where the header's words do. Each row is read by its format's layout, so a
name that holds a space does not shift the columns into another package. Packages that conda
saw installed by pip (channel `pypi`) become pypi packages.
"""

from __future__ import annotations

import re

from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.lines import in_listing, listing_lines, unreadable
from inspections.inventory.purls import conda_package, pypi_package

MAMBA_LIST_COMMAND = "mamba list"

_MAMBA2_TITLE = re.compile(r'List of packages in environment: ".*"')
_MAMBA2_HEADER = re.compile(r" *Name +Version +Build +Channel")
_MAMBA2_RULE = re.compile(r" *─+")
_CONDA_TAIL = re.compile(r"(?:  (?P<features>\[[^\]]*\])?(?:  (?P<channel>[^ ]+))?)?")
_PIP_CHANNEL = "pypi"
_EXPECTED = "'name version build channel' rows, e.g. 'bzip2  1.0.8  hd590300_5  conda-forge'"

Row = tuple[str, str, str, str]


def _is_decoration(line: str) -> bool:
    """Comment, title and rule lines of either format."""
    return line.startswith("#") or bool(
        _MAMBA2_TITLE.fullmatch(line) or _MAMBA2_RULE.fullmatch(line)
    )


def _conda_row(line: str) -> Row | None:
    """Name, version, build and channel of a mamba 1 (conda) row; None when it is not one."""
    tokens = [token for token in line.split(" ") if token]
    if len(tokens) < 3:
        return None
    name, version, build = tokens[:3]
    fixed = f"{name:<25} {version:<15} {build:>15}"
    tail = _CONDA_TAIL.fullmatch(line[len(fixed) :]) if line.startswith(fixed) else None
    return (name, version, build, tail["channel"] or "") if tail else None


def _mamba2_row(line: str, starts: list[int]) -> Row | None:
    """Name, version, build and channel of a mamba 2 row, cut where the header's columns
    start; None when a cell runs into the next column or starts before its own."""
    if line[: starts[0]].strip(" ") or any(
        line[start - 1 : start] not in ("", " ") for start in starts[1:]
    ):
        return None
    ends = [*starts[1:], len(line)]
    cells = [line[start:end].rstrip(" ") for start, end in zip(starts, ends, strict=True)]
    if any(cell != cell.lstrip(" ") for cell in cells) or not all(cells[:3]):
        return None
    name, version, build, channel = cells
    return name, version, build, channel


def _package(name: str, version: str, build: str, channel: str) -> Package:
    if channel == _PIP_CHANNEL:
        return pypi_package(name, version)
    return conda_package(name, version, build, channel)


def parse_mamba_list(output: str) -> Inventory:
    """The packages of `mamba list` (or `conda list`) output."""
    packages: list[Package] = []
    starts: list[int] = []  # where mamba 2's columns start, once its header was read
    for number, line in enumerate(listing_lines(output, MAMBA_LIST_COMMAND), start=1):
        if not line.strip(" ") or _is_decoration(line):
            continue
        if _MAMBA2_HEADER.fullmatch(line):
            starts = [word.start() for word in re.finditer(r"[^ ]+", line)]
            continue
        row = _mamba2_row(line, starts) if starts else _conda_row(line)
        if row is None:
            raise unreadable(MAMBA_LIST_COMMAND, number, line, _EXPECTED)
        packages.append(in_listing(MAMBA_LIST_COMMAND, f"line {number}", _package, *row))
    if not packages:
        raise InventoryError(f"`{MAMBA_LIST_COMMAND}` listed no package; expected {_EXPECTED}")
    return Inventory.of(packages)
