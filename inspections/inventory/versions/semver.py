"""Semantic versions: Julia's VersionNumber order, and SemVer 2.0 (npm).

Both order `major.minor.patch` numerically, put a pre-release (`-rc.1`) before its release,
and compare pre-release identifiers one by one (numbers numerically and before words,
fewer identifiers first). Julia also orders build metadata (`+build`), a version without
one first; SemVer ignores it.
"""

from __future__ import annotations

import re

_SEMVER = re.compile(
    r"v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)

Identifiers = tuple[int | str, ...]


def _identifiers(text: str | None) -> Identifiers:
    if not text:
        return ()
    return tuple(int(part) if part.isdigit() else part for part in text.split("."))


def _compare_identifiers(left: Identifiers, right: Identifiers) -> int:
    for x, y in zip(left, right, strict=False):
        if x == y:
            continue
        if isinstance(x, int) != isinstance(y, int):
            return -1 if isinstance(x, int) else 1
        return -1 if x < y else 1  # type: ignore[operator]
    return (len(left) > len(right)) - (len(left) < len(right))


def _parse(version: str) -> tuple[tuple[int, int, int], Identifiers, Identifiers] | None:
    match = _SEMVER.fullmatch(version)
    if match is None:
        return None
    release = (int(match["major"]), int(match["minor"] or 0), int(match["patch"] or 0))
    return release, _identifiers(match["pre"]), _identifiers(match["build"])


def _compare(a: str, b: str, *, with_build: bool) -> int | None:
    left, right = _parse(a), _parse(b)
    if left is None or right is None:
        return None
    if left[0] != right[0]:
        return -1 if left[0] < right[0] else 1
    if left[1] != right[1]:
        if not left[1] or not right[1]:  # a release comes after its pre-releases
            return 1 if not left[1] else -1
        return _compare_identifiers(left[1], right[1])
    if with_build and left[2] != right[2]:
        if not left[2] or not right[2]:  # no build metadata comes first
            return -1 if not left[2] else 1
        return _compare_identifiers(left[2], right[2])
    return 0


def compare_julia(a: str, b: str) -> int | None:
    """Julia's VersionNumber order, e.g. `1.0.0-rc1` < `1.0.0` < `1.0.0+1`; None if invalid."""
    return _compare(a, b, with_build=True)


def compare_semver(a: str, b: str) -> int | None:
    """SemVer 2.0 order (build metadata ignored); None if invalid."""
    return _compare(a, b, with_build=False)
