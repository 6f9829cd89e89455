"""The "Apt Packages" manifest piece and the Debian packages as an inventory."""

from __future__ import annotations

from inspections import manifest, output_of, packages
from inspections.inventory.distro import OS_RELEASE_COMMAND, parse_os_release
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.apt import APT_LIST_COMMAND, DPKG_QUERY_COMMAND, parse_dpkg_query
from inspections.library.pieces import quoted_combined
from inspections.library.protocols import Host

__all__ = ["APT_LIST_COMMAND", "DPKG_QUERY_COMMAND", "apt_inventory", "apt_packages_manifest"]


@manifest("Apt Packages")
def apt_packages_manifest(host: Host) -> str:
    """Every installed Debian package with its version and architecture."""
    # apt warns on stderr that its CLI is unstable; the Jupyter manifests show that line too.
    return quoted_combined(host, APT_LIST_COMMAND)


@packages
def apt_inventory(host: Host) -> Inventory:
    """The same packages as data, read from dpkg's database (`dpkg-query`, tab-separated):
    `pkg:deb/<distro>/<name>@<version>?arch=...` per package."""
    distro = parse_os_release(output_of(host, OS_RELEASE_COMMAND))
    return parse_dpkg_query(output_of(host, DPKG_QUERY_COMMAND), distro)
