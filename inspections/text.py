"""Text from images made safe to show on a terminal."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls: escape sequences start with these.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character but tab and newline written as a `\\xNN` escape."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def one_line(text: str) -> str:
    """`text` as one printable line: line breaks and tabs become single spaces."""
    return printable(" ".join(text.split()))
