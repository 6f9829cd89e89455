"""The Julia tagger and the Julia packages manifest piece."""

from __future__ import annotations

import pytest

from inspections import InspectionError, with_stderr
from inspections.library import julia

from .support import FakeHost, assert_quoted, combined, recorded


def test_parse_julia_version() -> None:
    assert julia.parse_julia_version(recorded("julia-version.txt")) == "1.5.3"
    assert julia.parse_julia_version("julia version 1.12.0-rc1\n") == "1.12.0-rc1"


@pytest.mark.parametrize("output", ["", "Julia Version 1.5.3", "julia version"])
def test_parse_julia_version_rejects_other_output(output: str) -> None:
    with pytest.raises(InspectionError, match=r"`julia --version` printed .*'julia version"):
        julia.parse_julia_version(output)


def test_julia_tag() -> None:
    host = FakeHost.printing({"julia --version": recorded("julia-version.txt")})
    assert julia.julia_tag(host) == "julia-1.5.3"


def test_manifest_quotes_versioninfo_and_pkg_status() -> None:
    host = FakeHost.printing(
        combined(
            {
                julia.JULIA_VERSIONINFO_COMMAND: recorded("julia-versioninfo.txt"),
                julia.JULIA_PACKAGES_COMMAND: recorded("julia-pkg-status.txt"),
            }
        )
    )
    markdown = julia.julia_packages_manifest(host)
    assert_quoted(markdown, julia.JULIA_VERSIONINFO_COMMAND, recorded("julia-versioninfo.txt"))
    assert_quoted(markdown, julia.JULIA_PACKAGES_COMMAND, recorded("julia-pkg-status.txt"))


def test_the_inventory_reads_the_listing_the_manifest_runs() -> None:
    host = FakeHost.printing(
        combined(
            {
                julia.JULIA_VERSIONINFO_COMMAND: recorded("julia-versioninfo.txt"),
                julia.JULIA_PACKAGES_COMMAND: recorded("julia-pkg-status-project.txt"),
            }
        )
    )
    julia.julia_packages_manifest(host)
    assert len(julia.julia_inventory(host)) > 0
    assert set(host.commands) == {
        with_stderr(julia.JULIA_VERSIONINFO_COMMAND),
        with_stderr(julia.JULIA_PACKAGES_COMMAND),
    }
