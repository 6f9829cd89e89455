"""Validation of inspection return values: Docker's tag grammar and non-empty manifest text."""

from __future__ import annotations

import pytest

from inspections.errors import InspectionError
from inspections.values import check_tag, check_value


@pytest.mark.parametrize(
    "tag",
    [
        "latest",
        "python-3.11.7",
        "2024-01-02",
        "ubuntu-22.04",
        "_private",
        "UPPER_and_lower",
        "a",
        "a" * 128,
    ],
)
def test_valid_tags_are_returned_unchanged(tag: str) -> None:
    assert check_tag(tag) == tag


def test_tag_of_129_characters_is_too_long() -> None:
    with pytest.raises(InspectionError) as raised:
        check_tag("a" * 129)

    message = str(raised.value)
    assert "129 characters" in message
    assert "128" in message
    assert "\n" not in message


def test_too_long_tag_message_shows_only_its_start() -> None:
    with pytest.raises(InspectionError) as raised:
        check_tag("x" * 40 + "y" * 200)

    assert "y" not in str(raised.value)


@pytest.mark.parametrize(
    "tag",
    [
        pytest.param(".hidden", id="leading-dot"),
        pytest.param("-flag", id="leading-dash"),
        pytest.param("python 3.11", id="space"),
        pytest.param("pythön-3", id="non-ascii-letter"),
        pytest.param("python-\uff13", id="fullwidth-digit"),
        pytest.param("python-3.11\n", id="trailing-newline"),
        pytest.param("a:b", id="colon"),
        pytest.param("a/b", id="slash"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_tags(tag: str) -> None:
    with pytest.raises(InspectionError) as raised:
        check_tag(tag)

    message = str(raised.value)
    assert f"tag {tag!r} is not a valid Docker tag" in message
    assert "\n" not in message


def test_check_value_accepts_a_tag_and_a_manifest_piece() -> None:
    assert check_value("tag", "python-3.11.7") == "python-3.11.7"
    piece = "`$ pip list`\n\n```text\nnumpy 1.26\n```\n"
    assert check_value("manifest", piece) == piece


def test_check_value_checks_a_tag_against_the_grammar() -> None:
    with pytest.raises(InspectionError, match="not a valid Docker tag"):
        check_value("tag", "python 3.11")


def test_manifest_text_need_not_be_a_tag() -> None:
    text = "Any Markdown: spaces, ünïcode, a: colon"

    assert check_value("manifest", text) == text


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        pytest.param(None, "NoneType", id="none"),
        pytest.param(3, "int", id="int"),
        pytest.param(["python-3.11"], "list", id="list"),
        pytest.param(b"python-3.11", "bytes", id="bytes"),
    ],
)
@pytest.mark.parametrize("kind", ["tag", "manifest"])
def test_non_string_values(kind: str, value: object, type_name: str) -> None:
    with pytest.raises(InspectionError) as raised:
        check_value(kind, value)

    message = str(raised.value)
    assert message.startswith(f"returned {type_name} {value!r}")
    assert f"a {kind} inspection must return a str" in message


def test_non_string_value_is_shown_shortened() -> None:
    with pytest.raises(InspectionError) as raised:
        check_value("manifest", list(range(1000)))

    assert len(str(raised.value)) < 150


@pytest.mark.parametrize("text", ["", " ", "\n", " \t\n "])
@pytest.mark.parametrize("kind", ["tag", "manifest"])
def test_empty_and_whitespace_text(kind: str, text: str) -> None:
    with pytest.raises(InspectionError) as raised:
        check_value(kind, text)

    assert str(raised.value) == f"returned an empty string: a {kind} inspection must return text"
