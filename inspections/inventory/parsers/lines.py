"""Shared helpers for parsing a listing line by line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Package
from inspections.text import lines_of

_MAX_OUTPUT_CHARS = 50_000_000


def listing_lines(output: str, command: str) -> list[str]:
    """The lines of `output` (split at newlines only), without trailing blanks.

    Only spaces are stripped (R and pip pad their tables): any other character at the end of a
    line is part of what the listing printed, and the grammars judge it.

    Refuses output that is absurdly large or holds NUL bytes (binary, not a listing).
    """
    if len(output) > _MAX_OUTPUT_CHARS:
        raise InventoryError(
            f"`{command}` printed {len(output)} characters; expected a package listing of at "
            f"most {_MAX_OUTPUT_CHARS}"
        )
    if "\x00" in output:
        raise InventoryError(f"`{command}` printed binary data (NUL bytes); expected text")
    return [line.rstrip(" ") for line in lines_of(output)]


def unreadable(command: str, number: int, line: str, expected: str) -> InventoryError:
    """The error for line `number` (1-based) of `command`'s output that is not a package line."""
    return InventoryError(f"`{command}` printed line {number} {shown(line)}; expected {expected}")


def in_listing(command: str, where: str, build: Callable[..., Package], *fields: Any) -> Package:
    """`build(*fields)`, the package that `where` (`line 12`) of `command`'s output lists; a
    package its ecosystem's rules refuse fails with the listing, the place and the reason."""
    try:
        return build(*fields)
    except InventoryError as error:
        raise InventoryError(
            f"`{command}` {where}: {error}; remove or repair that package in the image"
        ) from None
