"""The R tagger, the "R Packages" manifest piece and the R packages as an inventory."""

from __future__ import annotations

import re

from inspections import manifest, output_of, packages, tagger
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.r import (
    R_PACKAGES_COMMAND,
    R_PACKAGES_TABLE_COMMAND,
    parse_r_table,
)
from inspections.library.parsing import search_version
from inspections.library.pieces import combined_output, quoted_outputs
from inspections.library.protocols import Host

R_VERSION_COMMAND = "R --version"

_R_VERSION = re.compile(r"^R version (?P<version>\d+\.\d+\.\d+)\b", re.MULTILINE)


def parse_r_version(output: str) -> str:
    """The version from `R --version` output, e.g. `4.4.1` from `R version 4.4.1 (2024-06-14)`."""
    return search_version(
        _R_VERSION, output, R_VERSION_COMMAND, "a first line like 'R version 4.4.1 (2024-06-14)'"
    )


@tagger
def r_tag(host: Host) -> str:
    """The R version, e.g. `r-4.4.1`."""
    return "r-" + parse_r_version(combined_output(host, R_VERSION_COMMAND))


@manifest("R Packages")
def r_packages_manifest(host: Host) -> str:
    """The R version and every package of R's own library with its version."""
    return quoted_outputs(host, R_VERSION_COMMAND, R_PACKAGES_COMMAND)


@packages
def r_inventory(host: Host) -> Inventory:
    """The packages of the manifest piece as data, read from a tab-separated table of the
    same library: `pkg:cran/<name>@<version>`."""
    return parse_r_table(output_of(host, R_PACKAGES_TABLE_COMMAND))
