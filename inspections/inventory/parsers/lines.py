"""Shared helpers for parsing a listing line by line."""

from __future__ import annotations

from inspections.inventory.errors import InventoryError, shown

_MAX_OUTPUT_CHARS = 50_000_000


def listing_lines(output: str, command: str) -> list[str]:
    """The lines of `output`, right-stripped (as build manifests keep them).

    Refuses output that is absurdly large or holds NUL bytes (binary, not a listing).
    """
    if len(output) > _MAX_OUTPUT_CHARS:
        raise InventoryError(
            f"`{command}` printed {len(output)} characters; expected a package listing of at "
            f"most {_MAX_OUTPUT_CHARS}"
        )
    if "\x00" in output:
        raise InventoryError(f"`{command}` printed binary data (NUL bytes); expected text")
    return [line.rstrip() for line in output.splitlines()]


def unreadable(command: str, number: int, line: str, expected: str) -> InventoryError:
    """The error for line `number` (1-based) of `command`'s output that is not a package line."""
    return InventoryError(f"`{command}` printed line {number} {shown(line)}; expected {expected}")
