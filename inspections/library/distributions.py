"""Versions of every installed Python distribution, listed by one command per container.

Every tagger of a Python package reads the same listing, so the command runs once per image
(a `jupyter-lab --version` per app would cost seconds each). The pip inventory reads it too.
"""

from __future__ import annotations

from collections.abc import Mapping

from inspections import InspectionError, output_of
from inspections.inventory.parsers.pip import (
    DISTRIBUTIONS_COMMAND,
    Distribution,
    parse_distributions,
)
from inspections.inventory.purls import normalize_pypi_name as normalize_name
from inspections.library.protocols import Host


def pick_version(distributions: Mapping[str, Distribution], *names: str) -> str:
    """The version, as its metadata gives it, of the first of `names` that is installed."""
    for name in names:
        found = distributions.get(normalize_name(name))
        if found is not None:
            return found.version
    wanted = " or ".join(repr(name) for name in names)
    raise InspectionError(
        f"no Python distribution {wanted} is installed: the image's `python` lists none by "
        "that name in importlib.metadata"
    )


def distribution_version(host: Host, *names: str) -> str:
    """The version of the first of `names` installed in the container, e.g. `4.2.5`."""
    return pick_version(parse_distributions(output_of(host, DISTRIBUTIONS_COMMAND)), *names)
