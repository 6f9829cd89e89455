"""The apt packages manifest piece."""

from __future__ import annotations

from inspections.library import apt

from .support import FakeHost, Result, assert_quoted, recorded


def test_manifest_quotes_stdout_without_apts_warning() -> None:
    packages = recorded("apt-list-installed.txt")
    host = FakeHost({"apt list --installed": Result(0, packages, recorded("apt-list-stderr.txt"))})
    markdown = apt.apt_packages_manifest(host)
    assert_quoted(markdown, "apt list --installed", packages)
    assert "r-base-core/oldstable,now 4.2.2.20221110-2 amd64 [installed]" in markdown
    assert "stable CLI interface" not in markdown
