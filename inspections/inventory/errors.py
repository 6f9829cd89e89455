"""The one error this package raises: a complete, one-line message that says how to fix it."""

from __future__ import annotations

from inspections.errors import InspectionError


class InventoryError(InspectionError):
    """Input that cannot become an inventory, a build's facts or a change report.

    A subclass of the plugin's InspectionError, so that an inspection that parses a listing
    fails with this one line rather than a traceback.
    """


def shown(text: str, limit: int = 80) -> str:
    """`text` quoted for an error message: repr'd (so control characters show) and cut short."""
    if len(text) > limit:
        return repr(text[:limit]) + "…"
    return repr(text)
