"""Version ordering per ecosystem: which of two versions of a package is newer.

`compare_versions(ecosystem, a, b)` is negative when `a` is older, positive when newer, zero
when the ecosystem counts them equal, and None when it cannot tell (a version its rules
cannot read, or an ecosystem without known rules).
"""

from __future__ import annotations

from collections.abc import Callable

from inspections.inventory.versions.conda import compare_conda
from inspections.inventory.versions.debian import compare_debian
from inspections.inventory.versions.pep440 import compare_pep440
from inspections.inventory.versions.r import compare_r
from inspections.inventory.versions.semver import compare_julia, compare_semver

Comparison = Callable[[str, str], "int | None"]

ORDERINGS: dict[str, Comparison] = {
    "deb": compare_debian,
    "pypi": compare_pep440,
    "conda": compare_conda,
    "cran": compare_r,
    "julia": compare_julia,
    "npm": compare_semver,
}


def compare_versions(ecosystem: str, a: str, b: str) -> int | None:
    """-1, 0 or 1 as `a` is older than, equal to or newer than `b`; None when undecidable."""
    comparison = ORDERINGS.get(ecosystem)
    return comparison(a, b) if comparison else None
