"""Versions of every installed Python distribution, listed by one command per container.

Every tagger of a Python package reads the same listing, so the command runs once per image
(a `jupyter-lab --version` per app would cost seconds each).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from inspections import InspectionError, output_of
from inspections.inventory.parsers.pip import DISTRIBUTIONS_COMMAND
from inspections.inventory.purls import normalize_pypi_name as normalize_name
from inspections.library.protocols import Host
from inspections.text import lines_of


def parse_distributions(output: str) -> dict[str, str]:
    """Normalized name to version, from the JSON list of `[name, version]` pairs.

    Pairs come in `sys.path` order; when two distributions share a name the first wins, as it
    is the one Python imports. Entries with broken metadata (no name or version) are skipped.
    """
    listing = next((line for line in reversed(lines_of(output)) if line.startswith("[")), None)
    if listing is None:
        raise InspectionError(
            "the Python distributions listing printed no JSON list; expected "
            f"[[name, version], ...] from `{DISTRIBUTIONS_COMMAND}`"
        )
    try:
        pairs = json.loads(listing)
    except json.JSONDecodeError as error:
        raise InspectionError(
            f"the Python distributions listing is not valid JSON ({error}); "
            f"expected [[name, version], ...] from `{DISTRIBUTIONS_COMMAND}`"
        ) from error
    versions: dict[str, str] = {}
    for pair in pairs:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            name, version = pair
            versions.setdefault(normalize_name(name), version)
    return versions


def pick_version(versions: Mapping[str, str], *names: str) -> str:
    """The version of the first of `names` that is installed."""
    for name in names:
        version = versions.get(normalize_name(name))
        if version:
            return version
    wanted = " or ".join(repr(name) for name in names)
    raise InspectionError(
        f"no Python distribution {wanted} is installed: the image's `python` lists none by "
        "that name in importlib.metadata"
    )


def distribution_version(host: Host, *names: str) -> str:
    """The version of the first of `names` installed in the container, e.g. `4.2.5`."""
    return pick_version(parse_distributions(output_of(host, DISTRIBUTIONS_COMMAND)), *names)
