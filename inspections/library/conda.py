"""mamba and conda taggers and the conda-based "Python Packages" manifest piece."""

from __future__ import annotations

import re

from inspections import manifest, output_of, packages, tagger
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.conda import MAMBA_LIST_COMMAND, parse_mamba_list
from inspections.library.parsing import search_version
from inspections.library.pieces import combined_output, quoted_outputs
from inspections.library.protocols import Host
from inspections.library.python import python_version_line

CONDA_VERSION_COMMAND = "conda --version"
MAMBA_VERSION_COMMAND = "mamba --version"
CONDA_INFO_COMMAND = "conda info"
MAMBA_INFO_COMMAND = "mamba info"

_CONDA_VERSION = re.compile(r"^conda (?P<version>\d+(?:\.\d+)+\S*)\s*$", re.MULTILINE)
# mamba 1 prints "mamba 1.5.8" then "conda 24.3.0"; mamba 2 prints the bare version "2.0.5".
_MAMBA_VERSION = re.compile(r"^(?:mamba )?(?P<version>\d+(?:\.\d+)+\S*)\s*$", re.MULTILINE)


def parse_conda_version(output: str) -> str:
    """The version from `conda --version` output, e.g. `24.9.2` from `conda 24.9.2`."""
    return search_version(
        _CONDA_VERSION, output, CONDA_VERSION_COMMAND, "a line like 'conda 24.9.2'"
    )


def parse_mamba_version(output: str) -> str:
    """The mamba version from `mamba --version` output of mamba 1 or mamba 2."""
    return search_version(
        _MAMBA_VERSION,
        output,
        MAMBA_VERSION_COMMAND,
        "'2.0.5' (mamba 2) or a line like 'mamba 1.5.8' (mamba 1)",
    )


@tagger
def mamba_tag(host: Host) -> str:
    """The mamba version, e.g. `mamba-2.0.5`."""
    return "mamba-" + parse_mamba_version(output_of(host, MAMBA_VERSION_COMMAND))


@tagger
def conda_tag(host: Host) -> str:
    """The conda version, e.g. `conda-24.9.2`."""
    return "conda-" + parse_conda_version(output_of(host, CONDA_VERSION_COMMAND))


@manifest("Python Packages")
def conda_packages_manifest(host: Host) -> str:
    """The Python version line, the conda and mamba setup, and every package of the environment."""
    version = python_version_line(host)
    quoted = quoted_outputs(host, CONDA_INFO_COMMAND, MAMBA_INFO_COMMAND, MAMBA_LIST_COMMAND)
    return f"{version}\n\n{quoted}"


@packages
def conda_inventory(host: Host) -> Inventory:
    """The environment's packages of the manifest piece as data (`pkg:conda/...`, and
    `pkg:pypi/...` for those pip installed)."""
    return parse_mamba_list(combined_output(host, MAMBA_LIST_COMMAND))
