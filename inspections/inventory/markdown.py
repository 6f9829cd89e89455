"""Markdown that stays valid whatever names and versions it carries."""

from __future__ import annotations

import re

_BACKTICK_RUNS = re.compile(r"`+")


def code(text: str) -> str:
    """`text` as inline code, delimited by more backticks than any run inside it."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    delimiter = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{delimiter}{padding}{text}{padding}{delimiter}"


def cell(text: str) -> str:
    """Inline code for a table cell: `|` escaped, since GitHub splits cells even in code."""
    return code(text).replace("|", "\\|") if text else ""


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub table of cells that are already Markdown."""
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
