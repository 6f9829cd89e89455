"""What the end of a session did with its outputs (see `finish`), for the summaries to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspections.inventory.changes import ChangeReport


@dataclass
class OutputsOutcome:
    """Files written and changes per image, images whose previous build could not be compared
    (the notes say why), notes, and the exit status writing calls for (0: none)."""

    written: dict[str, list[str]] = field(default_factory=dict)
    changes: dict[str, ChangeReport] = field(default_factory=dict)
    not_compared: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    exit_status: int = 0
