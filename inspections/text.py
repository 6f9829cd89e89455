"""Text from images: split into the lines it really has, and made safe to show on a terminal."""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL, and C1 controls: escape sequences start with these.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters a terminal does not show as themselves: format characters (bidirectional
# overrides, zero-width ones) and the Unicode line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})


def lines_of(text: str) -> list[str]:
    """The lines of `text`, split at `\\n` only (a `\\r` before it goes too).

    `str.splitlines` also splits at `\\x1c`-`\\x1e`, `\\x85`, `\\u2028` and `\\u2029`, which text
    from an image may hold to make one line of a listing look like two. Like `splitlines`, a
    final newline starts no further line.
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines[-1] == "":
        lines.pop()
    return lines


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character but tab and newline written as an escape
    (`\\x1b`), and so are format characters and line separators (`\\u202e`, `\\u2028`)."""
    shown = _CONTROL.sub(lambda match: _escaped(match.group()), text)
    if shown.isascii():
        return shown
    return "".join(
        _escaped(character)
        if not character.isascii() and unicodedata.category(character) in _INVISIBLE_CATEGORIES
        else character
        for character in shown
    )


def one_line(text: str) -> str:
    """`text` as one printable line: line breaks and tabs become single spaces."""
    return printable(" ".join(text.split()))
