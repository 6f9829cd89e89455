"""Markdown building blocks that stay valid whatever text they carry."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from inspections.markdown import fenced, inline_code, quoted_command_output, tidy_output

FenceScanner = Callable[[str], list[str]]  # the `outside_fences` fixture


def test_fenced_plain_text() -> None:
    assert fenced("numpy 1.26\npandas 2.2") == "```text\nnumpy 1.26\npandas 2.2\n```"


def test_fenced_info_string() -> None:
    assert fenced("print(1)", info="python") == "```python\nprint(1)\n```"


def test_fenced_drops_trailing_newlines_only() -> None:
    assert fenced("\n  indented\n\n\n") == "```text\n\n  indented\n```"


@pytest.mark.parametrize(
    ("text", "fence"),
    [
        pytest.param("no backticks", "```", id="none"),
        pytest.param("inline `code` here", "```", id="single"),
        pytest.param("```python\nprint(1)\n```", "````", id="triple"),
        pytest.param("````\nnested\n````\n```", "`````", id="quadruple"),
        pytest.param("text ``````` run", "````````", id="seven-inside-a-line"),
    ],
)
def test_fence_is_longer_than_any_backtick_run(
    text: str, fence: str, outside_fences: FenceScanner
) -> None:
    result = fenced(text)
    lines = result.split("\n")

    assert lines[0] == f"{fence}text"
    assert lines[-1] == fence
    assert "\n".join(lines[1:-1]) == text
    # Nothing of the text escapes the fence: every line is inside it.
    assert outside_fences(result) == []


def test_fenced_output_followed_by_markdown_stays_separate(outside_fences: FenceScanner) -> None:
    document = fenced("```\n# not a heading\n```") + "\n\n## Next Piece"

    assert outside_fences(document) == ["", "## Next Piece"]


def test_fence_checker_sees_a_broken_fence(outside_fences: FenceScanner) -> None:
    # A naive three-backtick fence around text with ``` leaks the text out: the checker must
    # see that, or the fence tests above prove nothing.
    naive = "```text\n" + "```\n# leaked heading\n```" + "\n```"

    assert "# leaked heading" in outside_fences(naive)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("pip list", "`pip list`", id="plain"),
        pytest.param("echo `date` now", "``echo `date` now``", id="single-run-inside"),
        pytest.param("echo `date`", "`` echo `date` ``", id="single-run-at-end"),
        pytest.param("a ``b`` c", "```a ``b`` c```", id="double-run"),
        pytest.param("`start", "`` `start ``", id="leading-backtick"),
        pytest.param("end`", "`` end` ``", id="trailing-backtick"),
    ],
)
def test_inline_code(text: str, expected: str) -> None:
    assert inline_code(text) == expected


@pytest.mark.parametrize("text", ["pip list", "echo `date`", "a ``b`` c", "`x`", "``"])
def test_inline_code_delimiter_is_longer_than_any_run(text: str) -> None:
    result = inline_code(text)
    delimiter = result[: len(result) - len(result.lstrip("`"))]

    assert result.endswith(delimiter)
    inner = result[len(delimiter) : -len(delimiter)]
    assert all(len(run) < len(delimiter) for run in _backtick_runs(inner))
    # A delimiter must not touch a backtick of the content, or the runs would merge.
    assert not inner.startswith("`")
    assert not inner.endswith("`")
    # CommonMark strips one space from each side when both sides have one.
    content = inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") else inner
    assert content == text


def _backtick_runs(text: str) -> list[str]:
    runs: list[str] = []
    current = ""
    for character in text:
        if character == "`":
            current += character
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


@pytest.mark.parametrize(
    ("output", "tidied"),
    [
        pytest.param("numpy 1.26\n", "numpy 1.26", id="final-newline"),
        pytest.param("\n\nConda info\n\n\n", "Conda info", id="blank-lines-around"),
        pytest.param(
            " Package   Version   \n base      4.2.2   ",
            " Package   Version\n base      4.2.2",
            id="padded-table",
        ),
        pytest.param("a\r\nb\r\n", "a\nb", id="crlf"),
        pytest.param("  indented first line\n", "  indented first line", id="leading-spaces-kept"),
        pytest.param(
            "  \nafter a line of spaces", "\nafter a line of spaces", id="spaces-line-first"
        ),
        pytest.param("one\n\n\ntwo", "one\n\n\ntwo", id="inner-blank-lines-kept"),
        pytest.param(" \n\t\n", "", id="only-whitespace"),
    ],
)
def test_tidy_output(output: str, tidied: str) -> None:
    assert tidy_output(output) == tidied


def test_quoted_command_output() -> None:
    assert quoted_command_output("pip list", "numpy 1.26  \n\n") == (
        "`pip list`:\n\n```text\nnumpy 1.26\n```"
    )


def test_quoted_command_output_with_backticks_everywhere(outside_fences: FenceScanner) -> None:
    result = quoted_command_output("echo `uname`", "```\nLinux\n```\n")

    assert result == "`` echo `uname` ``:\n\n````text\n```\nLinux\n```\n````"
    assert outside_fences(result) == ["`` echo `uname` ``:", ""]
