"""Finding a version in command output, or failing with what was printed and what was expected."""

from __future__ import annotations

import re

from inspections import InspectionError
from inspections.text import lines_of

_SHOWN_CHARS = 80


def search_version(pattern: re.Pattern[str], output: str, command: str, expected: str) -> str:
    """The `version` group of the first match of `pattern` in the output of `command`.

    Raises InspectionError quoting the start of the output and saying what was `expected`.
    """
    match = pattern.search(output)
    if match is None:
        first_line = next((line.strip() for line in lines_of(output) if line.strip()), "")
        shown = repr(first_line[:_SHOWN_CHARS]) if first_line else "nothing"
        raise InspectionError(f"`{command}` printed {shown}; expected {expected}")
    return match.group("version")
