"""The Java tagger."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import java

from .support import FakeHost, recorded


def test_parse_java_version_of_debian_openjdk() -> None:
    assert java.parse_java_version(recorded("java-version-17.txt")) == "17.0.19"


@pytest.mark.parametrize(
    ("first_line", "version"),
    [
        ("openjdk 21 2023-09-19", "21"),
        ("openjdk 22-ea 2024-03-19", "22-ea"),
        ("java 21.0.4 2024-07-16 LTS", "21.0.4"),
    ],
)
def test_parse_java_version_of_other_first_lines(first_line: str, version: str) -> None:
    assert java.parse_java_version(first_line + "\n") == version


@pytest.mark.parametrize("output", ["", 'openjdk version "1.8.0_422"', "Unrecognized option"])
def test_parse_java_version_rejects_other_output(output: str) -> None:
    with pytest.raises(InspectionError, match=r"`java --version` printed .*'openjdk 17"):
        java.parse_java_version(output)


def test_java_tag() -> None:
    host = FakeHost.printing({"java --version": recorded("java-version-17.txt")})
    assert java.java_tag(host) == "java-17.0.19"
