"""PEP 440 ordering of Python distribution versions, by `packaging`."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version


def compare_pep440(a: str, b: str) -> int | None:
    """PEP 440 order, e.g. `1.0.dev0` < `1.0a1` < `1.0rc1` < `1.0` < `1.0.post1`.

    A version that is not PEP 440 (some very old distributions) gives None: the change is then
    reported as a change of version, never guessed as an upgrade or a downgrade.
    """
    try:
        left, right = Version(a), Version(b)
    except InvalidVersion:
        return None
    return (left > right) - (left < right)
