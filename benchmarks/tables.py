"""Plain-text tables of figures that are already formatted (tabulate would re-parse them)."""

from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    return tabulate(rows, headers=headers, disable_numparse=True)
