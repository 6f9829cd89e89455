"""The R tagger and the "R Packages" manifest piece."""

from __future__ import annotations

import re

from inspections import manifest, tagger
from inspections.library.parsing import search_version
from inspections.library.pieces import combined_output, quoted_outputs
from inspections.library.protocols import Host

R_VERSION_COMMAND = "R --version"
# The packages of R's own library, name and version columns, as the Jupyter manifests list them.
R_PACKAGES_COMMAND = "R --silent -e 'installed.packages(.Library)[, c(1,3)]'"

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
