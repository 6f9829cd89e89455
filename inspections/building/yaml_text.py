"""YAML text for generated files: block mappings and lists whose every string reads back as itself.

A string is written plain only when it is simple text that no YAML reader (1.1 or 1.2) takes
for anything but a string; a multi-line script as a literal block (`|`) when it survives one
unchanged; other printable ASCII text in quotes; anything else double-quoted with every
character outside printable ASCII escaped. Mappings keep their insertion order, so the same
data always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeAlias

Value: TypeAlias = str | int | bool | Sequence["Value"] | Mapping[str, "Value"]

INDENT = "  "
# A letter first, then only characters that mean nothing to YAML here (no `:`, `#`, quotes
# or brackets), not ending in a blank.
PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 _./@(),+=-]*[A-Za-z0-9_./@()+=-])?")
# Words YAML 1.1 readers take for booleans or null (YAML 1.2 ones take fewer of them).
RESERVED_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_document(data: Mapping[str, Value], header: Sequence[str] = ()) -> str:
    """The YAML text of `data`, after `header` as comment lines (printable text each: a line
    break would end the comment and start YAML of its own)."""
    for line in header:
        if not line.isprintable():
            raise ValueError(f"a comment line must be printable text, not {line!r}")
    comments = [f"# {line}".rstrip() for line in header]
    return "\n".join([*comments, *_mapping_lines(data, 0)]) + "\n"


def _mapping_lines(data: Mapping[str, Value], depth: int) -> list[str]:
    lines = []
    for key, value in data.items():
        lines += _entry_lines(f"{INDENT * depth}{_scalar(key)}:", value, depth + 1)
    return lines


def _entry_lines(lead: str, value: Value, depth: int) -> list[str]:
    """`lead` (`key:` or `-`) followed by `value`, nested at `depth`."""
    if isinstance(value, Mapping) and value:
        return [lead, *_mapping_lines(value, depth)]
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return [lead, *_sequence_lines(value, depth)]
    if isinstance(value, str) and _fits_literal_block(value):
        indicator = "|" if value.endswith("\n") else "|-"
        body = [f"{INDENT * depth}{line}" if line else "" for line in value.splitlines()]
        return [f"{lead} {indicator}", *body]
    return [f"{lead} {_inline(value)}"]


def _sequence_lines(items: Sequence[Value], depth: int) -> list[str]:
    dash = f"{INDENT * depth}-"
    lines = []
    for item in items:
        if isinstance(item, Mapping) and item:
            first, *rest = _mapping_lines(item, depth + 1)
            lines += [f"{dash} {first.lstrip()}", *rest]
        else:
            lines += _entry_lines(dash, item, depth + 1)
    return lines


def _inline(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _scalar(value)
    return "{}" if isinstance(value, Mapping) else "[]"


def _scalar(text: str) -> str:
    """`text` plain when that is safe, else in the quotes that need the fewest escapes."""
    if PLAIN.fullmatch(text) and text.lower() not in RESERVED_WORDS:
        return text
    if PRINTABLE_ASCII.fullmatch(text):
        if "'" not in text:
            return f"'{text}'"  # single quotes: no escapes at all
        if '"' not in text and "\\" not in text:
            return f'"{text}"'
    return '"' + "".join(_escaped(character) for character in text) + '"'


def _escaped(character: str) -> str:
    if character in SHORT_ESCAPES:
        return SHORT_ESCAPES[character]
    code = ord(character)
    if 0x20 <= code < 0x7F:
        return character
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"{character!r} is half of a surrogate pair, not a character")
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _fits_literal_block(text: str) -> bool:
    """Whether a literal block holds `text` unchanged: several lines of printable ASCII, the
    first not starting with a blank, and at most one newline at the end. Lines with trailing
    blanks are quoted instead, since editors and pre-commit hooks strip those."""
    lines = text.removesuffix("\n").split("\n")
    return (
        len(lines) > 1
        and not text.endswith("\n\n")
        and not lines[0].startswith(" ")
        and lines[0] != ""
        and all(PRINTABLE_ASCII.fullmatch(line) and line == line.rstrip() for line in lines)
    )
