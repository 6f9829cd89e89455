"""Package URLs (purls) per ecosystem, built with packageurl-python as the purl spec says.

- deb: namespace `debian` or `ubuntu` (os-release ID), qualifiers `arch` and, when the
  release is known, `distro=debian-12`.
- pypi: the name lowercased with `_` as `-` (done by packageurl-python).
- conda: qualifiers `build` and `channel` when the listing shows them.
- cran: name and version, as R prints them.
- julia: qualifier `uuid` only with a full uuid (Pkg.status shows an 8-digit prefix).
"""

from __future__ import annotations

import re

from packageurl import PackageURL

from inspections.inventory.distro import Distro
from inspections.inventory.model import Package

_PYPI_NAME_SEPARATORS = re.compile(r"[-_.]+")


def normalize_pypi_name(name: str) -> str:
    """A distribution name normalized per PEP 503, e.g. `jupyter-server` for `Jupyter_Server`."""
    return _PYPI_NAME_SEPARATORS.sub("-", name).lower()


def _purl(
    kind: str, name: str, version: str, namespace: str | None = None, **qualifiers: str
) -> str:
    """The purl string; empty qualifiers are left out."""
    present = {key: value for key, value in qualifiers.items() if value}
    return PackageURL(
        type=kind, namespace=namespace, name=name, version=version or None, qualifiers=present
    ).to_string()


def deb_package(name: str, version: str, arch: str, distro: Distro) -> Package:
    """A Debian package, e.g. `pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12`."""
    purl = _purl("deb", name, version, distro.id, arch=arch, distro=distro.qualifier)
    return Package("deb", name, version, purl, arch)


def pypi_package(name: str, version: str) -> Package:
    """A Python distribution, e.g. `pkg:pypi/jupyter-server@2.21.1` for `jupyter_server`."""
    return Package("pypi", name, version, _purl("pypi", name, version))


def conda_package(name: str, version: str, build: str = "", channel: str = "") -> Package:
    """A conda package, e.g. `pkg:conda/bzip2@1.0.8?build=hd590300_5&channel=conda-forge`."""
    purl = _purl("conda", name, version, build=build, channel=channel)
    return Package("conda", name, version, purl)


def cran_package(name: str, version: str) -> Package:
    """An R package, e.g. `pkg:cran/MASS@7.3-58.2`."""
    return Package("cran", name, version, _purl("cran", name, version))


def julia_package(name: str, version: str, uuid: str = "") -> Package:
    """A Julia package, e.g. `pkg:julia/IJulia@1.34.4`; `uuid` only when complete (36 chars)."""
    full_uuid = uuid if len(uuid) == 36 else ""
    return Package("julia", name, version, _purl("julia", name, version, uuid=full_uuid))
