"""Mermaid text: whatever a name holds, it stays text inside its quotes."""

from __future__ import annotations

import re

import pytest

from inspections.formats.mermaid import (
    MAX_EDGES,
    MAX_TEXT_LENGTH,
    MAX_TEXT_SIZE,
    fits,
    init_directive,
    mermaid_block,
    quoted,
    text,
)
from tests.diagrams import decoded

HOSTILE = [
    'say "hi"',
    "a[b](c){d}",
    "a --> b",
    "%% comment",
    "%%{init: {'theme': 'dark'}}%%",
    "<img src=x onerror=alert(1)>",
    "#quot; and #35;",
    "semi;colon",
    "`code` **bold** _em_",
    "tab\tand\nnewline",
    "style x fill:#f00;",
    "a & b &amp; c",
    "pipe | and :::class",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_keeps_only_plain_characters_and_entity_codes(hostile: str) -> None:
    escaped = text(hostile)
    assert re.fullmatch(r"(?:[A-Za-z0-9 ._+/-]|#\d+;)*", escaped), escaped
    assert decoded(escaped) == " ".join(hostile.split())


def test_plain_names_and_tags_are_left_as_they_are() -> None:
    assert text("base-notebook") == "base-notebook"
    assert text("python-3.11.2") == "python-3.11.2"
    assert text("x86_64 1.76 GB") == "x86_64 1.76 GB"


def test_letters_of_other_scripts_stay_letters() -> None:
    assert text("образ") == "образ"


def test_control_characters_are_shown_escaped() -> None:
    assert decoded(text("a\x1b[31mred")) == "a\\x1b[31mred"


def test_long_text_is_cut_with_an_ellipsis() -> None:
    shown = decoded(text("x" * 1000))
    assert len(shown) == MAX_TEXT_LENGTH
    assert shown.endswith("…")
    assert decoded(text("y" * 40, limit=10)) == "y" * 9 + "…"


def test_quoted_text_has_no_quote_inside() -> None:
    value = quoted('a "b" c')
    assert value.startswith('"') and value.endswith('"')
    assert '"' not in value[1:-1]


def test_init_directive_is_one_line_of_json() -> None:
    directive = init_directive({"b": 1, "a": {"c": "#fff"}})
    assert directive == '%%{init: {"a": {"c": "#fff"}, "b": 1}}%%'


def test_fits_follows_mermaids_default_limits() -> None:
    assert fits("x" * MAX_TEXT_SIZE, MAX_EDGES)
    assert not fits("x" * (MAX_TEXT_SIZE + 1))
    assert not fits("x", MAX_EDGES + 1)


def test_a_mermaid_block_is_a_fence_github_draws() -> None:
    assert mermaid_block("flowchart TD\n  a --> b") == "```mermaid\nflowchart TD\n  a --> b\n```"
