"""Markdown building blocks that stay valid whatever text they carry: code, fences, tables."""

from __future__ import annotations

import re

_BACKTICK_RUNS = re.compile(r"`+")
_MARKUP = re.compile(r"[\\`*_\[\]()<>!|#&~]")  # what can start a link, code, emphasis, HTML…


def _longest_backtick_run(text: str, at_least: int) -> int:
    """The longest run of backticks in `text`, when one has `at_least` of them; else 0.

    `str.find` skips through hundreds of megabytes of output in a fraction of the time the
    regular expression takes, and most text has no such run at all.
    """
    if "`" * at_least not in text:
        return 0
    return max(len(run) for run in _BACKTICK_RUNS.findall(text))


def fenced(text: str, info: str = "text") -> str:
    """`text` in a code fence longer than any backtick run inside it."""
    fence = "`" * max(3, _longest_backtick_run(text, 3) + 1)
    body = text.rstrip("\n")
    return f"{fence}{info}\n{body}\n{fence}"


def inline_code(text: str) -> str:
    """`text` as inline code, with a delimiter longer than any backtick run inside it."""
    delimiter = "`" * (_longest_backtick_run(text, 1) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{delimiter}{padding}{text}{padding}{delimiter}"


def tidy_output(output: str) -> str:
    """Command output as a manifest quotes it: no blank lines around it, no trailing spaces.

    Leading newlines and all trailing whitespace go, then each line loses its trailing
    whitespace (R pads its tables with spaces; `mamba info` starts with an empty line).
    """
    trimmed = output.rstrip().lstrip("\n")
    return "\n".join(line.rstrip() for line in trimmed.split("\n"))


def quoted_command_output(command: str, output: str) -> str:
    """The Markdown for one command: the command line, a colon, then its tidied output fenced."""
    return f"{inline_code(command)}:\n\n{fenced(tidy_output(output))}"


def escaped(text: str) -> str:
    """`text` as Markdown that shows it as it is: each character that could start a link,
    code, emphasis, HTML, an entity or a table cell backslash-escaped."""
    return _MARKUP.sub(lambda found: "\\" + found.group(), text)


def cell(text: str) -> str:
    """Inline code for a table cell: `|` escaped, since GitHub splits cells even in code."""
    return inline_code(text).replace("|", "\\|") if text else ""


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub table of cells that are already Markdown."""
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
