"""The tags file read back: the references it was written with, in order."""

from __future__ import annotations

import pytest

from inspections.formats.tags_file import (
    Reference,
    TagsFileError,
    read_tags_file,
    tag_lines,
    tags_file,
)
from tests.unit.formats.pyspark import inspected

SECRET = "root:$y$j9T$SECRETSECRET:19000:0:99999:7:::"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"variant": "cuda12"},
        {"platform": "aarch64", "registry": "127.0.0.1:5000", "owner": "demo"},
        {"tags": ()},
    ],
)
def test_a_tags_file_reads_back_as_its_references(changes: dict[str, object]) -> None:
    image = inspected(**changes)
    references = read_tags_file(tags_file(image))
    assert [str(reference) for reference in references] == tag_lines(image)
    assert {reference.repository for reference in references} == {image.repository_image}
    assert [reference.tag for reference in references] == image.all_tags()


def test_a_registry_port_is_part_of_the_repository() -> None:
    assert read_tags_file("127.0.0.1:5000/o/img:x86_64-latest\n") == (
        Reference("127.0.0.1:5000/o/img", "x86_64-latest"),
    )


def test_blank_lines_and_surrounding_spaces_are_not_references() -> None:
    text = "\n  localhost/o/img:x86_64-latest \r\n\nlocalhost/o/img:x86_64-1.0\n\n"
    assert [str(reference) for reference in read_tags_file(text)] == [
        "localhost/o/img:x86_64-latest",
        "localhost/o/img:x86_64-1.0",
    ]
    assert read_tags_file("") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("localhost/o/img:x86_64-latest\noops", "line 2: the reference has no tag"),
        ("localhost/O/img:latest", "line 1: the reference has an invalid repository"),
        ("localhost/o/img:-latest", "line 1: the reference has an invalid tag"),
        (SECRET, "line 1: the reference has an invalid"),
    ],
)
def test_a_line_that_is_no_reference_is_named_by_number(text: str, message: str) -> None:
    with pytest.raises(TagsFileError) as raised:
        read_tags_file(text)
    assert str(raised.value).startswith(message)
    assert "SECRET" not in str(raised.value)
