"""Package URLs (purls) per ecosystem, built with packageurl-python as the purl spec says.

- deb: namespace `debian` or `ubuntu` (os-release ID), qualifiers `arch` and, when the
  release is known, `distro=debian-12`.
- pypi: the name lowercased with `_` as `-` (done by packageurl-python).
- conda: qualifiers `build` and `channel` when the listing shows them.
- cran: name and version, as R prints them.
- julia: qualifier `uuid` only with a full uuid (Pkg.status shows an 8-digit prefix).

A package's name and version must fit its ecosystem's grammar, and its purl must read back
as exactly its type, namespace, name and version; otherwise the package is refused.
"""

from __future__ import annotations

import re

from packageurl import PackageURL

from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.grammars import (
    CONDA_BUILD,
    CONDA_CHANNEL,
    DEB_ARCHITECTURE,
    check_package,
    checked_field,
)
from inspections.inventory.model import Package

_PYPI_NAME_SEPARATORS = re.compile(r"[-_.]+")


def normalize_pypi_name(name: str) -> str:
    """A distribution name normalized per PEP 503, e.g. `jupyter-server` for `Jupyter_Server`."""
    return _PYPI_NAME_SEPARATORS.sub("-", name).lower()


def name_in_purl(kind: str, name: str) -> str:
    """`name` as a purl of type `kind` holds it: the spec lowercases pypi names and writes
    their `_` as `-`; every other type used here keeps the name as it is."""
    return name.lower().replace("_", "-") if kind == "pypi" else name


def _described(parts: tuple[str | None, ...]) -> str:
    """Type, namespace, name and version of a purl, for an error message."""
    labels = ("type", "namespace", "name", "version")
    return ", ".join(
        f"{label} {shown(part or '')}" for label, part in zip(labels, parts, strict=True)
    )


def package_url(
    kind: str, name: str, version: str, namespace: str | None = None, **qualifiers: str
) -> str:
    """The purl string (empty qualifiers left out), refused with a one-line InventoryError
    unless it parses back to exactly `kind`, `namespace`, `name` and `version`."""
    present = {key: value for key, value in qualifiers.items() if value}
    purl = PackageURL(
        type=kind, namespace=namespace, name=name, version=version or None, qualifiers=present
    ).to_string()
    try:
        parsed = PackageURL.from_string(purl)
        read_back = (parsed.type, parsed.namespace, parsed.name, parsed.version)
    except ValueError as error:
        raise InventoryError(
            f"package {shown(name)} is refused: its package URL {shown(purl)} does not parse "
            f"({error})"
        ) from None
    expected = (kind, namespace or None, name_in_purl(kind, name), version or None)
    if read_back != expected:
        raise InventoryError(
            f"package {shown(name)} is refused: its package URL {shown(purl)} reads back as "
            f"{_described(read_back)}, not {_described(expected)}"
        )
    return purl


def deb_package(name: str, version: str, arch: str, distro: Distro) -> Package:
    """A Debian package, e.g. `pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12`."""
    check_package("deb", name, version)
    checked_field(arch, DEB_ARCHITECTURE, f"package {shown(name)} is refused: its architecture")
    purl = package_url("deb", name, version, distro.id, arch=arch, distro=distro.qualifier)
    return Package("deb", name, version, purl, arch)


def pypi_package(name: str, version: str) -> Package:
    """A Python distribution, e.g. `pkg:pypi/jupyter-server@2.21.1` for `jupyter_server`."""
    check_package("pypi", name, version)
    return Package("pypi", name, version, package_url("pypi", name, version))


def conda_package(name: str, version: str, build: str = "", channel: str = "") -> Package:
    """A conda package, e.g. `pkg:conda/bzip2@1.0.8?build=hd590300_5&channel=conda-forge`."""
    check_package("conda", name, version)
    for value, grammar, field in (
        (build, CONDA_BUILD, "build"),
        (channel, CONDA_CHANNEL, "channel"),
    ):
        if value:
            checked_field(value, grammar, f"package {shown(name)} is refused: its {field}")
    purl = package_url("conda", name, version, build=build, channel=channel)
    return Package("conda", name, version, purl)


def cran_package(name: str, version: str) -> Package:
    """An R package, e.g. `pkg:cran/MASS@7.3-58.2`."""
    check_package("cran", name, version)
    return Package("cran", name, version, package_url("cran", name, version))


def julia_package(name: str, version: str, uuid: str = "") -> Package:
    """A Julia package, e.g. `pkg:julia/IJulia@1.34.4`; `uuid` only when complete (36 chars)."""
    check_package("julia", name, version)
    full_uuid = uuid if len(uuid) == 36 else ""
    return Package("julia", name, version, package_url("julia", name, version, uuid=full_uuid))
