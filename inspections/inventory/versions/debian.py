"""Debian version ordering (epochs, `~` before anything, revisions), by python-debian."""

from __future__ import annotations

from debian.debian_support import Version, version_compare


def compare_debian(a: str, b: str) -> int | None:
    """dpkg's order of two Debian versions, e.g. `1:2.0` > `3.0`, `1.0~rc1` < `1.0`."""
    try:
        Version(a)
        Version(b)
    except ValueError:
        return None
    result = version_compare(a, b)
    return (result > 0) - (result < 0)
