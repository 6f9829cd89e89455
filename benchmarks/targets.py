"""Speed targets: a measure, its figure, the bound it should keep, and whether it does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One target as checked in this run."""

    measure: str
    figure: str
    target: str
    met: bool


def at_most(measure: str, value: float, bound: float, unit: str = "") -> Target:
    """`value` should not exceed `bound`."""
    return Target(measure, f"{value:.2f}{unit}", f"≤ {bound:g}{unit}", value <= bound)
