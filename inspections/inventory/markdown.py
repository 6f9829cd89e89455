"""Markdown tables that stay valid whatever names and versions they carry."""

from __future__ import annotations

from inspections.markdown import inline_code


def cell(text: str) -> str:
    """Inline code for a table cell: `|` escaped, since GitHub splits cells even in code."""
    return inline_code(text).replace("|", "\\|") if text else ""


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub table of cells that are already Markdown."""
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
