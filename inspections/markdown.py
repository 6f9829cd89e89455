"""Markdown building blocks that stay valid whatever text they carry."""

from __future__ import annotations

import re

_BACKTICK_RUNS = re.compile(r"`+")


def fenced(text: str, info: str = "text") -> str:
    """`text` in a code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text.rstrip("\n")
    return f"{fence}{info}\n{body}\n{fence}"


def inline_code(text: str) -> str:
    """`text` as inline code, with a delimiter longer than any backtick run inside it."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    delimiter = "`" * (longest + 1)
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
