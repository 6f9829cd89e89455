"""mamba and conda taggers and the conda manifest piece."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import conda

from .support import FakeHost, assert_quoted, combined, recorded


@pytest.mark.parametrize(
    ("name", "version"), [("mamba-version-1.txt", "1.4.7"), ("mamba-version-2.txt", "2.0.8")]
)
def test_parse_mamba_version_of_mamba_1_and_2(name: str, version: str) -> None:
    assert conda.parse_mamba_version(recorded(name)) == version


@pytest.mark.parametrize("output", ["", "conda 24.3.0", "mamba", "usage: mamba [-h]"])
def test_parse_mamba_version_rejects_other_output(output: str) -> None:
    with pytest.raises(InspectionError, match=r"`mamba --version` printed .*expected '2\.0\.5'"):
        conda.parse_mamba_version(output)


def test_parse_conda_version() -> None:
    assert conda.parse_conda_version(recorded("conda-version.txt")) == "4.12.0"


def test_parse_conda_version_ignores_the_mamba_line() -> None:
    assert conda.parse_conda_version(recorded("mamba-version-1.txt")) == "23.5.0"


def test_parse_conda_version_rejects_garbage() -> None:
    with pytest.raises(InspectionError, match=r"`conda --version` printed '2\.0\.8'"):
        conda.parse_conda_version(recorded("mamba-version-2.txt"))


def test_taggers() -> None:
    host = FakeHost.printing(
        {
            "mamba --version": recorded("mamba-version-2.txt"),
            "conda --version": recorded("conda-version.txt"),
        }
    )
    assert conda.mamba_tag(host) == "mamba-2.0.8"
    assert conda.conda_tag(host) == "conda-4.12.0"


def test_manifest_starts_with_the_bare_python_version_then_quotes_conda_and_mamba() -> None:
    # `mamba info` and `mamba list` stand in with marker text: only the layout is checked here.
    quoted = {
        "conda info": recorded("conda-info.txt"),
        "mamba info": "(mamba info output)",
        "mamba list": "(mamba list output)",
    }
    outputs = combined({"python --version": recorded("python-version.txt"), **quoted})
    markdown = conda.conda_packages_manifest(FakeHost.printing(outputs))
    assert markdown.startswith("Python 3.11.7\n\n`conda info`:\n\n```text\n")
    for command, output in quoted.items():
        assert_quoted(markdown, command, output)
    positions = [markdown.index(f"`{command}`:") for command in quoted]
    assert positions == sorted(positions)


def test_manifest_fails_without_mamba() -> None:
    host = FakeHost.printing(
        combined({"python --version": "Python 3.12.8", "conda info": recorded("conda-info.txt")})
    )
    with pytest.raises(InspectionError, match="`mamba info 2>&1` not found"):
        conda.conda_packages_manifest(host)
