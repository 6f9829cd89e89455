"""The Julia tagger and the "Julia Packages" manifest piece."""

from __future__ import annotations

import re

from inspections import manifest, output_of, packages, tagger
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.julia import JULIA_PACKAGES_COMMAND, parse_julia_status
from inspections.library.parsing import search_version
from inspections.library.pieces import combined_output, quoted_outputs
from inspections.library.protocols import Host

JULIA_VERSION_COMMAND = "julia --version"
JULIA_VERSIONINFO_COMMAND = "julia -E 'using InteractiveUtils; versioninfo()'"

_JULIA_VERSION = re.compile(r"^julia version (?P<version>\d+\.\d+\.\d+\S*)\s*$", re.MULTILINE)


def parse_julia_version(output: str) -> str:
    """The version from `julia --version` output, e.g. `1.11.1` from `julia version 1.11.1`."""
    return search_version(
        _JULIA_VERSION, output, JULIA_VERSION_COMMAND, "a line like 'julia version 1.11.1'"
    )


@tagger
def julia_tag(host: Host) -> str:
    """The Julia version, e.g. `julia-1.11.1`."""
    return "julia-" + parse_julia_version(output_of(host, JULIA_VERSION_COMMAND))


@manifest("Julia Packages")
def julia_packages_manifest(host: Host) -> str:
    """Julia's build and platform details and the packages of its default environment."""
    return quoted_outputs(host, JULIA_VERSIONINFO_COMMAND, JULIA_PACKAGES_COMMAND)


@packages
def julia_inventory(host: Host) -> Inventory:
    """The packages of Julia's default environment as data: `pkg:julia/<name>@<version>`."""
    return parse_julia_status(combined_output(host, JULIA_PACKAGES_COMMAND))
