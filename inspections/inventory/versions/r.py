"""R's `package_version` ordering: non-negative integers separated by `.` or `-`.

As R compares them, `1.10-2` > `1.9-10` and missing trailing components count as zero, so
`1.0` equals `1.0-0` and `1.0.0` (R prints `=` for these; see the recorded comparisons).
"""

from __future__ import annotations

import re
from itertools import zip_longest

_R_VERSION = re.compile(r"\d+(?:[.-]\d+)+")


def _components(version: str) -> list[int] | None:
    if not _R_VERSION.fullmatch(version):
        return None
    return [int(part) for part in re.split(r"[.-]", version)]


def compare_r(a: str, b: str) -> int | None:
    """R's order of two package versions; None when one is not a valid R package version."""
    left, right = _components(a), _components(b)
    if left is None or right is None:
        return None
    for x, y in zip_longest(left, right, fillvalue=0):
        if x != y:
            return -1 if x < y else 1
    return 0
