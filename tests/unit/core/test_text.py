"""Text from images: its real lines, and what a terminal shows of it."""

from __future__ import annotations

import pytest

from inspections.commands import output_of
from inspections.errors import InspectionError
from inspections.text import lines_of, one_line, printable
from tests.unit.library.support import FakeHost, Result

SPLITLINES_ONLY = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r"]


@pytest.mark.parametrize(
    "separator", SPLITLINES_ONLY, ids=[f"U+{ord(c):04X}" for c in SPLITLINES_ONLY]
)
def test_only_newlines_end_a_line(separator: str) -> None:
    text = f"ghost 1.0{separator}numpy 7.7\nsix 1.17.0\n"
    assert len(text.splitlines()) == 3  # what the listings were split by before
    assert lines_of(text) == [f"ghost 1.0{separator}numpy 7.7", "six 1.17.0"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [("", []), ("\n", [""]), ("a", ["a"]), ("a\r\nb\r\n", ["a", "b"]), ("a\n\nb", ["a", "", "b"])],
)
def test_lines_are_those_splitlines_gives_for_plain_text(text: str, lines: list[str]) -> None:
    assert lines_of(text) == lines == text.splitlines()


def test_a_terminal_sees_controls_and_invisible_characters_escaped() -> None:
    shown = printable("a\x1b[31mb\x85c\u202ed\u2028e\u200bf\tg\nh é ✓")
    assert shown == "a\\x1b[31mb\\x85c\\u202ed\\u2028e\\u200bf\tg\nh é ✓"
    assert one_line("x\u2029y\u202e") == "x y\\u202e"


def test_a_failed_commands_message_keeps_the_lines_that_continue_it() -> None:
    """dpkg names the package on one line and says what is wrong on the next, indented."""
    said = (
        "dpkg-query: error: parsing file '/var/lib/dpkg/status' near line 2693 package 'p-x':\n"
        " 'Version' field value '1.0 numpy': version string has embedded spaces\n"
    )
    host = FakeHost({"dpkg-query -W": Result(2, "", said)})
    with pytest.raises(InspectionError) as raised:
        output_of(host, "dpkg-query -W")
    assert str(raised.value) == (
        "`dpkg-query -W` exited with 2: dpkg-query: error: parsing file '/var/lib/dpkg/status' "
        "near line 2693 package 'p-x': 'Version' field value '1.0 numpy': version string has "
        "embedded spaces"
    )


def test_a_failed_commands_message_is_its_last_line_otherwise() -> None:
    host = FakeHost({"python -V": Result(1, "", "Traceback:\n  File x\nValueError: boom\n")})
    with pytest.raises(InspectionError, match=r"exited with 1: ValueError: boom$"):
        output_of(host, "python -V")
