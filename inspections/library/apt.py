"""The "Apt Packages" manifest piece."""

from __future__ import annotations

from inspections import manifest
from inspections.library.pieces import quoted_combined
from inspections.library.protocols import Host

# apt warns on stderr that its CLI is unstable; the Jupyter manifests show that line too.
APT_LIST_COMMAND = "apt list --installed"


@manifest("Apt Packages")
def apt_packages_manifest(host: Host) -> str:
    """Every installed Debian package with its version and architecture."""
    return quoted_combined(host, APT_LIST_COMMAND)
