"""Version orderings per ecosystem, on real edge cases and against the tools' own verdicts."""

from __future__ import annotations

from itertools import pairwise

import pytest

from inspections.inventory.versions import compare_versions

from .support import recorded

VERDICTS = {"<": -1, "=": 0, ">": 1}


def _verdicts(name: str) -> list[tuple[str, int, str]]:
    lines = [line.split() for line in recorded(name).splitlines() if line.strip()]
    return [(a, VERDICTS[op], b) for a, op, b in lines]


@pytest.mark.parametrize(("a", "verdict", "b"), _verdicts("dpkg-compare-versions.txt"))
def test_debian_order_agrees_with_dpkg(a: str, verdict: int, b: str) -> None:
    assert compare_versions("deb", a, b) == verdict
    assert compare_versions("deb", b, a) == -verdict


@pytest.mark.parametrize(("a", "verdict", "b"), _verdicts("R-compare-versions.txt"))
def test_r_order_agrees_with_r(a: str, verdict: int, b: str) -> None:
    assert compare_versions("cran", a, b) == verdict
    assert compare_versions("cran", b, a) == -verdict


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("3.0", "1:2.0"),  # an epoch wins
        ("1.0~rc1", "1.0"),  # a tilde sorts before everything
        ("1.47.2-3~bpo12+1", "1.47.2-3"),  # a backport before its source version
        ("12.4+deb12u9", "12.4+deb12u15"),  # stable updates count numerically
    ],
)
def test_debian_edge_cases(older: str, newer: str) -> None:
    assert compare_versions("deb", older, newer) == -1


PEP440_ASCENDING = ["1.0.dev0", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0+cpu", "1.0.post1", "1.1"]


@pytest.mark.parametrize(("older", "newer"), list(pairwise(PEP440_ASCENDING)))
def test_pep440_order(older: str, newer: str) -> None:
    assert compare_versions("pypi", older, newer) == -1


def test_pep440_local_versions_order_by_their_label() -> None:
    """2.4.1+cpu and 2.4.1+cu121 are both 2.4.1; PEP 440 orders their local labels."""
    assert compare_versions("pypi", "2.4.1+cpu", "2.4.1+cu121") == -1
    assert compare_versions("pypi", "2.4.1", "2.4.1+cu121") == -1
    assert compare_versions("pypi", "2026.10.19.post1", "2026.10.18") == 1
    assert compare_versions("pypi", "26.4", "26.0rc3") == 1


def test_invalid_pep440_versions_cannot_be_ordered() -> None:
    assert compare_versions("pypi", "2.0-beta-local", "2.0") is None
    assert compare_versions("pypi", "2.0", "2.0-beta-local") is None


# conda's own documented order (conda.models.version.VersionOrder), each strictly ascending.
CONDA_DOCUMENTED = [
    *("0.4", "0.4.1.rc", "0.4.1", "0.5a1", "0.5b3", "0.5C1", "0.5", "0.9.6", "0.960923", "1.0"),
    *("1.1dev1", "1.1_", "1.1a1", "1.1.0dev1", "1.1.a1", "1.1.0rc1", "1.1.0", "1.1.0post1"),
    *("1.1post1", "1996.07.12", "1!0.4.1", "1!3.1.1.6", "2!0.4.1"),
]


@pytest.mark.parametrize(("older", "newer"), list(pairwise(CONDA_DOCUMENTED)))
def test_conda_documented_order(older: str, newer: str) -> None:
    assert compare_versions("conda", older, newer) == -1
    assert compare_versions("conda", newer, older) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("0.4", "0.4.0"), ("0.4.1.rc", "0.4.1.RC"), ("1.1.0dev1", "1.1.dev1"), ("1.1.0", "1.1")],
)
def test_conda_documented_equalities(a: str, b: str) -> None:
    assert compare_versions("conda", a, b) == 0


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.0a1", "1.0"),
        ("1.1dev", "1.1"),
        ("1.0.1", "1.0.1_1"),  # a build-style suffix after an underscore counts as a component
        ("1.0.1_1", "1.0.2"),
        ("2023c", "2023.1"),  # tzdata's letters are pre-release-like
        ("14.2.4", "14.2.4.post0"),  # reproc, recorded in conda-list-23.11.txt
        ("6.4", "6.4.20240210"),  # ncurses, recorded in mamba-list-2.txt
    ],
)
def test_conda_edge_cases(older: str, newer: str) -> None:
    assert compare_versions("conda", older, newer) == -1


@pytest.mark.parametrize("invalid", ["1.0$", "1!2!3", "x!1.0", "1..2", "+local"])
def test_invalid_conda_versions_cannot_be_ordered(invalid: str) -> None:
    assert compare_versions("conda", invalid, "1.0") is None


def test_r_package_versions() -> None:
    assert compare_versions("cran", "1.10-2", "1.9-10") == 1
    assert compare_versions("cran", "4.2.2", "4.2.10") == -1
    assert compare_versions("cran", "1", "1.0") is None  # R refuses a one-part package version


JULIA_ASCENDING = [
    "0.9.9",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-beta.2",
    "1.0.0-rc1",
    "1.0.0",
    "1.0.0+1",
    "1.0.1",
]


@pytest.mark.parametrize(("older", "newer"), list(pairwise(JULIA_ASCENDING)))
def test_julia_version_number_order(older: str, newer: str) -> None:
    assert compare_versions("julia", older, newer) == -1


def test_semver_ignores_build_metadata_but_julia_does_not() -> None:
    assert compare_versions("npm", "1.0.0", "1.0.0+build.5") == 0
    assert compare_versions("julia", "1.0.0", "1.0.0+build.5") == -1
    assert compare_versions("npm", "1.0.0-alpha.10", "1.0.0-alpha.9") == 1


def test_unknown_ecosystems_and_unreadable_versions_cannot_be_ordered() -> None:
    assert compare_versions("gem", "1.0", "2.0") is None
    assert compare_versions("deb", "1.0 beta", "1.0") is None
    assert compare_versions("julia", "latest", "1.0.0") is None
