"""Shared helpers of the core unit tests: stacks written into tmp_path, and a fence checker."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from textwrap import dedent

import pytest

StackWriter = Callable[[Mapping[str, str]], Path]

_OPENING_FENCE = re.compile(r" {0,3}(`{3,})([^`]*)")


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write `files` (relative path -> text, dedented) under `root`; return `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def make_stack(tmp_path: Path) -> StackWriter:
    """Write a new stack folder under `tmp_path` from relative path -> file text."""
    written: list[Path] = []

    def write(files: Mapping[str, str]) -> Path:
        folder = tmp_path / ("stack" if not written else f"stack-{len(written) + 1}")
        written.append(folder)
        return write_files(folder, files)

    return write


def lines_outside_fences(markdown: str) -> list[str]:
    """The lines of `markdown` that are not inside a backtick code fence (CommonMark rules).

    An opening fence is three or more backticks (no backtick in the info string); it is closed
    by a line of at least as many backticks and nothing else. An unclosed fence runs to the end.
    Raises AssertionError for an unclosed fence, since the callers expect every fence closed.
    """
    outside: list[str] = []
    open_length = 0
    for line in markdown.split("\n"):
        if open_length:
            stripped = line.strip(" ")
            if (
                len(line) - len(line.lstrip(" ")) <= 3
                and stripped
                and set(stripped) == {"`"}
                and len(stripped) >= open_length
            ):
                open_length = 0
            continue
        opening = _OPENING_FENCE.fullmatch(line)
        if opening:
            open_length = len(opening.group(1))
            continue
        outside.append(line)
    assert open_length == 0, f"unclosed code fence in:\n{markdown}"
    return outside


@pytest.fixture
def outside_fences() -> Callable[[str], list[str]]:
    """`lines_outside_fences`, as a fixture so every test module can use it."""
    return lines_outside_fences
