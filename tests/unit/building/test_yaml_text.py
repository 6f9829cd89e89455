"""YAML text: whatever a string holds, YAML readers read back the same data."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from ruamel.yaml import YAML

from inspections.building.yaml_text import Value, yaml_document

# Strings that YAML would read as something else, or that need escaping or special layout.
AWKWARD = [
    *["on", "On", "ON", "off", "yes", "No", "y", "n", "true", "False", "null", "NULL", "~"],
    *["3.10", "12", "0x1F", "1e3", "010", ".inf", ".nan", "-.5", "1_000", "2001-12-14", "12:30"],
    *["", " ", "-", "- a", "a: b", "a:b", "a #b", "#x", "&a", "*a", "!x", "%x", "@x", "`x"],
    *["|", ">", "'", '"', "\\", "'a'", '"a"', "{a}", "[a]", "a,b", "?", ":", "<<", "="],
    *[" lead", "trail ", "\t", "a\tb", "\n", "a\nb", "a\nb\n", "a\n\nb\n", "\nlead", " a\nb"],
    *["a \nb", "a\nb\n\n", "a\r\nb", "a\rb", "é", "\u2028", "\x85", "\ufeff", "😀", "\x00"],
    *["\x7f", "\x1b[31m", "key: value\n- item\n", "${{ github.ref }}", 'it\'s "quoted" \\'],
    *["echo 'one'\necho \"two\"\n", "printf '%s\\n' x", "a  b", "name (x86_64)", "x86_64"],
]
ALPHABET = "ab :#-'\"\\\n\t{}[],&*!|>%@`?~\u2028é😀 \x00"


def read_back(text: str, version: tuple[int, int]) -> Any:
    """`text` as a YAML reader of `version` (1.1 or 1.2) reads it."""
    reader = YAML(typ="safe", pure=True)
    reader.version = version
    return reader.load(io.StringIO(text))


def document_of(value: Value) -> dict[str, Value]:
    """A document that holds `value` as a key, as a mapping value, and in lists."""
    return {
        "value": value,
        "nested": {"deeper": {"value": value}},
        "list": [value, {"value": value, "other": 1}, [value]],
        str(value) if isinstance(value, str) else "key": "as key",
    }


@pytest.mark.parametrize("version", [(1, 1), (1, 2)], ids=["yaml-1.1", "yaml-1.2"])
@pytest.mark.parametrize("text", AWKWARD, ids=repr)
def test_an_awkward_string_reads_back_as_itself(text: str, version: tuple[int, int]) -> None:
    document = document_of(text)

    assert read_back(yaml_document(document), version) == document


@pytest.mark.parametrize("version", [(1, 1), (1, 2)], ids=["yaml-1.1", "yaml-1.2"])
def test_random_strings_read_back_as_themselves(version: tuple[int, int]) -> None:
    generator = random.Random(20261127)
    for _ in range(300):
        text = "".join(generator.choices(ALPHABET, k=generator.randint(0, 12)))
        document = document_of(text)
        assert read_back(yaml_document(document), version) == document, repr(text)


def test_other_values_read_back_as_themselves() -> None:
    document: dict[str, Value] = {
        "true": True,
        "false": False,
        "number": 30,
        "empty mapping": {},
        "empty list": [],
        "list of mappings": [{"a": "1", "b": [{"c": True}]}, {}],
    }

    assert read_back(yaml_document(document), (1, 2)) == document


def test_a_script_is_a_literal_block_and_simple_words_stay_plain() -> None:
    text = yaml_document(
        {"steps": [{"name": "Build it", "run": "make\nmake test\n", "with": {"path": "out/"}}]}
    )

    assert text == (
        "steps:\n"
        "  - name: Build it\n"
        "    run: |\n"
        "      make\n"
        "      make test\n"
        "    with:\n"
        "      path: out/\n"
    )


def test_the_header_becomes_comment_lines() -> None:
    text = yaml_document({"a": "b"}, ["Generated.", "", "  indented"])

    assert text == "# Generated.\n#\n#   indented\na: b\n"


@pytest.mark.parametrize("line", ["in a\nb: c", "in a\rb", "in a\x85b", "in a\u2028b"])
def test_a_header_line_that_would_end_its_comment_is_refused(line: str) -> None:
    with pytest.raises(ValueError, match="a comment line must be printable text"):
        yaml_document({"a": "b"}, [line])


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        yaml_document({"run": "bad \udcff byte"})
