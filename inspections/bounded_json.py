"""JSON from files anyone may have written: nesting bounded before parsing, in linear time.

Python's JSON parser recurses once per nested array or object, so a file of 100 000 `[`
ends in RecursionError. `parse_json` counts the nesting first, with byte operations only,
and refuses a document deeper than `MAX_DEPTH` with a ValueError, as it refuses bad JSON.
An object that names a key twice is refused too: Python keeps the last value, other readers
the first, so two readers of one file could see two different things.
The size of a file is bounded where it is read (`files.read_contained`).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # the run record nests 7 levels deep
_OPENING, _CLOSING = b"[{", b"]}"
_BRACKETS_AND_QUOTES = b'"' + _OPENING + _CLOSING
_ELSE = bytes(sorted(set(range(256)) - set(_BRACKETS_AND_QUOTES)))
_AS_PARENTHESES = bytes.maketrans(_OPENING + _CLOSING, b"(())")
_STRING = re.compile(rb'"[^"]*"')


class JsonTooDeepError(ValueError):
    """A JSON document nests arrays and objects deeper than MAX_DEPTH."""


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of `pairs`; DuplicateKeyError naming the first key it holds twice."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = repr(key[:40]) + ("…" if len(key) > 40 else "")
                raise DuplicateKeyError(f"an object has the key {shown} twice")
            seen.add(key)
    return found


def _structure(data: bytes) -> bytes:
    """The document's brackets outside strings, as `(` and `)`.

    Escaped backslashes and quotes go first, so every quote left opens or closes a string.
    Every other character goes next; then a `""` left is an empty string, or the end of one
    string and the start of the next, and removing it keeps each string's brackets inside one.
    """
    kept = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(_AS_PARENTHESES, _ELSE)
    return _STRING.sub(b"", kept.replace(b'""', b""))


def check_depth(data: bytes, limit: int = MAX_DEPTH) -> None:
    """JsonTooDeepError when `data`'s arrays and objects nest deeper than `limit` levels.

    Each pass removes the innermost pairs, so a document `limit` deep is gone after `limit`
    passes. In a malformed one, brackets that never close count as one level each, on top.
    """
    structure = _structure(data)
    passes = 0
    while b"()" in structure and passes <= limit:
        structure = structure.replace(b"()", b"")
        passes += 1
    if passes + structure.count(b"(") > limit:
        raise JsonTooDeepError(f"its arrays and objects nest deeper than {limit} levels")


def parse_json(data: bytes) -> Any:
    """The JSON document `data` (UTF-8); ValueError (JSONDecodeError, JsonTooDeepError,
    DuplicateKeyError, UnicodeDecodeError) when it is not one, nests too deep or names a key
    twice in one object."""
    check_depth(data)
    return json.loads(data.decode("utf-8"), object_pairs_hook=_object)
