"""Python version taggers and the pip manifest piece."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import python

from .support import FakeHost, assert_quoted, combined, recorded


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
    host = FakeHost.printing(combined({"python --version": recorded("python-version.txt")}))
    assert python.python_version_tag(host) == "python-3.11.7"
    assert python.python_minor_tag(host) == "python-3.11"
    assert host.commands == ["python --version 2>&1", "python --version 2>&1"]


def test_pip_manifest_shows_the_bare_python_version_then_quotes_pip() -> None:
    host = FakeHost.printing(
        combined(
            {
                python.PYTHON_VERSION_COMMAND: recorded("python-version.txt"),
                python.PIP_LIST_COMMAND: recorded("pip-list.txt"),
            }
        )
    )
    markdown = python.pip_packages_manifest(host)
    assert markdown.startswith(
        "Python 3.11.7\n\n`python -m pip list --disable-pip-version-check`:\n\n```text\n"
    )
    assert_quoted(markdown, python.PIP_LIST_COMMAND, recorded("pip-list.txt"))
    assert "jupyterlab                4.6.6" in markdown


def test_pip_manifest_quotes_pips_warnings_too() -> None:
    warning = recorded("pip-list-stderr-unwritable-cache.txt")
    output = warning + recorded("pip-list.txt")
    host = FakeHost.printing(
        combined({"python --version": "Python 3.11.2\n", python.PIP_LIST_COMMAND: output})
    )
    assert_quoted(python.pip_packages_manifest(host), python.PIP_LIST_COMMAND, output)


@pytest.mark.parametrize(
    "output",
    [
        "",
        "Python 3.11.7\n## Injected heading",
        "pyenv: python: command not found",
        "Python 3.11.7[x](https://evil.example)",
        "Python 3.11.7<img src=x>",
        "Python 3.11.7**bold**",
    ],
)
def test_the_bare_version_line_must_be_a_version(output: str) -> None:
    host = FakeHost.printing(combined({"python --version": output}))
    with pytest.raises(InspectionError, match=r"expected one line like 'Python 3\.11\.7'"):
        python.python_version_line(host)


def test_a_missing_python_is_a_clear_error() -> None:
    with pytest.raises(InspectionError, match="not found in the image"):
        python.python_version_tag(FakeHost({}))


def test_the_inventory_reads_the_distributions_listing() -> None:
    command = python.DISTRIBUTIONS_COMMAND
    host = FakeHost.printing({command: recorded("python-distributions-scipy-notebook.json")})
    inventory = python.pip_inventory(host)
    assert host.commands == [command]
    assert "pkg:pypi/numpy@" in " ".join(package.purl for package in inventory.packages)


@pytest.mark.parametrize("version", ["3.11.7", "3.13.0rc1", "3.14.0a1+", "3.12.0b2"])
def test_the_bare_version_line_of_every_release_kind(version: str) -> None:
    host = FakeHost.printing(combined({"python --version": f"Python {version}\n"}))
    assert python.python_version_line(host) == f"Python {version}"
