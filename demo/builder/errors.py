"""The builder's one error type."""

from __future__ import annotations


class BuildError(Exception):
    """A failure that ends the run with a one-line message."""
