"""The "Apt Packages" manifest piece."""

from __future__ import annotations

from inspections import manifest, quoted_output
from inspections.library.protocols import Host

# apt warns on stderr that its CLI is unstable; only stdout reaches the manifest.
APT_LIST_COMMAND = "apt list --installed"


@manifest("Apt Packages")
def apt_packages_manifest(host: Host) -> str:
    """Every installed Debian package with its version and architecture."""
    return quoted_output(host, APT_LIST_COMMAND)
