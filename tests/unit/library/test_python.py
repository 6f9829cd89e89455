"""Python version taggers and the pip manifest piece."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import python

from .support import FakeHost, Result, assert_quoted, recorded


def test_parse_python_version() -> None:
    assert python.parse_python_version(recorded("python-version.txt")) == "3.11.7"
    assert python.parse_python_version("Python 3.13.0rc2\n") == "3.13.0rc2"


@pytest.mark.parametrize("output", ["", "Python", "python 3.11.7", "bash: python: not found"])
def test_parse_python_version_rejects_other_output(output: str) -> None:
    with pytest.raises(InspectionError, match=r"`python --version` printed .*'Python 3\.11\.7'"):
        python.parse_python_version(output)


def test_major_minor() -> None:
    assert python.major_minor("3.11.7") == "3.11"
    assert python.major_minor("3.13.0rc2") == "3.13"


def test_both_taggers_share_one_command() -> None:
    host = FakeHost.printing({"python --version": recorded("python-version.txt")})
    assert python.python_version_tag(host) == "python-3.11.7"
    assert python.python_minor_tag(host) == "python-3.11"
    assert set(host.commands) == {"python --version"}


def test_pip_manifest_quotes_python_and_pip_but_not_pip_warnings() -> None:
    warning = recorded("pip-list-stderr-unwritable-cache.txt")
    host = FakeHost(
        {
            python.PYTHON_VERSION_COMMAND: Result(0, recorded("python-version.txt")),
            python.PIP_LIST_COMMAND: Result(0, recorded("pip-list.txt"), warning),
        }
    )
    markdown = python.pip_packages_manifest(host)
    assert_quoted(markdown, "python --version", recorded("python-version.txt"))
    assert_quoted(markdown, python.PIP_LIST_COMMAND, recorded("pip-list.txt"))
    assert "jupyterlab                4.6.6" in markdown
    assert "WARNING" not in markdown


def test_a_missing_python_is_a_clear_error() -> None:
    with pytest.raises(InspectionError, match="not found in the image"):
        python.python_version_tag(FakeHost({}))
