"""The apt packages manifest piece."""

from __future__ import annotations

from inspections.library import apt

from .support import FakeHost, assert_quoted, combined, recorded


def test_manifest_quotes_apts_output_with_its_warning_as_docker_exec_shows_it() -> None:
    output = recorded("apt-list-installed-combined.txt")
    markdown = apt.apt_packages_manifest(
        FakeHost.printing(combined({"apt list --installed": output}))
    )
    assert_quoted(markdown, "apt list --installed", output)
    assert markdown.startswith(
        "`apt list --installed`:\n\n```text\n"
        "WARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n"
        "Listing...\n"
    )
    assert "\nr-base-core/now 4.2.2.20221110-2 amd64 [installed,local]\n" in markdown


def test_the_inventory_reads_dpkgs_database_not_apts_listing() -> None:
    host = FakeHost.printing(
        {
            "cat /etc/os-release": recorded("os-release-debian-12.txt"),
            apt.DPKG_QUERY_COMMAND: recorded("dpkg-query-minimal-notebook.txt"),
        }
    )
    inventory = apt.apt_inventory(host)
    assert host.commands == ["cat /etc/os-release", apt.DPKG_QUERY_COMMAND]
    assert "pkg:deb/debian/adduser@3.134?arch=all&distro=debian-12" in {
        package.purl for package in inventory.packages
    }
