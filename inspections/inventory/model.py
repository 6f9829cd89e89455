"""Packages and inventories, validated, to and from plain JSON built-ins.

An inventory travels from pytest-xdist workers to the controller and goes into
`inspections.json`, so it converts to dicts, lists and strings only, and is validated on the
way back in: a hostile or damaged document gives one line that names what was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from packageurl import PackageURL

from inspections.inventory.errors import InventoryError, shown

# An ecosystem is the purl type of its packages: deb, pypi, conda, cran, julia, npm...
_ECOSYSTEM = re.compile(r"[a-z][a-z0-9.+-]{0,31}")
MAX_FIELD = 512
_MAX_PURL = 2048
_PACKAGE_KEYS = frozenset({"ecosystem", "name", "version", "purl", "arch"})
_REQUIRED_KEYS = ("ecosystem", "name", "version", "purl")


_WHITESPACE = re.compile(r"\s")


def is_printable_token(text: str) -> bool:
    """True for text without whitespace or control characters (what every listing prints)."""
    return text.isprintable() and not _WHITESPACE.search(text)


@dataclass(frozen=True, order=True)
class Package:
    """One installed package: its ecosystem (the purl type), name, version and package URL.

    `version` is empty when the listing shows none (a Julia standard library); `arch` is the
    Debian architecture (`amd64`, `all`) of deb packages and empty elsewhere.
    """

    ecosystem: str
    name: str
    version: str
    purl: str
    arch: str = ""

    def __post_init__(self) -> None:
        problem = _package_problem(self)
        if problem:
            raise InventoryError(f"invalid package {shown(self.name)}: {problem}")

    def to_json(self) -> dict[str, str]:
        """The package as a dict of strings (`arch` only when there is one)."""
        data = {
            "ecosystem": self.ecosystem,
            "name": self.name,
            "version": self.version,
            "purl": self.purl,
        }
        if self.arch:
            data["arch"] = self.arch
        return data

    @classmethod
    def from_json(cls, data: object, where: str = "package") -> Package:
        """A package from `to_json()` output; anything else raises a one-line InventoryError."""
        if not isinstance(data, Mapping):
            raise InventoryError(
                f"{where} must be an object with {', '.join(_REQUIRED_KEYS)}, "
                f"got {type(data).__name__}"
            )
        unknown = sorted(str(key) for key in data if key not in _PACKAGE_KEYS)
        if unknown:
            raise InventoryError(
                f"{where} has unknown keys {', '.join(shown(key) for key in unknown)}; "
                f"expected only {', '.join(sorted(_PACKAGE_KEYS))}"
            )
        values: dict[str, str] = {}
        for key in (*_REQUIRED_KEYS, "arch"):
            value = data.get(key, "" if key == "arch" else None)
            if not isinstance(value, str):
                got = "nothing" if value is None else type(value).__name__
                raise InventoryError(f"{where}: {key!r} must be a string, got {got}")
            values[key] = value
        try:
            return cls(**values)
        except InventoryError as error:
            raise InventoryError(f"{where}: {error}") from None


def _package_problem(package: Package) -> str:
    """What makes `package` invalid, or an empty string."""
    if not _ECOSYSTEM.fullmatch(package.ecosystem):
        return f"ecosystem {shown(package.ecosystem)} is not a purl type like 'deb' or 'pypi'"
    for field_name in ("name", "version", "arch"):
        value: str = getattr(package, field_name)
        if len(value) > MAX_FIELD:
            return f"{field_name} is longer than {MAX_FIELD} characters"
        if not is_printable_token(value):
            return f"{field_name} {shown(value)} has whitespace or control characters"
    if not package.name:
        return "the name is empty"
    if len(package.purl) > _MAX_PURL:
        return f"the purl is longer than {_MAX_PURL} characters"
    return _purl_problem(
        package.ecosystem, package.name, package.version, package.arch, package.purl
    )


@lru_cache(maxsize=65_536)
def _purl_problem(ecosystem: str, name: str, version: str, arch: str, purl: str) -> str:
    """Why `purl` is not the package URL of the package, or an empty string: it must be of
    the ecosystem's type, name the package and its version as that type normalizes them
    (pypi lowercases names and writes `_` as `-`), and give a deb package's architecture.
    Remembered, as images share packages."""
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError as error:
        return f"purl {shown(purl)} is not a package URL ({error})"
    if parsed.type != ecosystem:
        return f"purl {shown(purl)} is of type {parsed.type!r}, not {ecosystem!r}"
    if not _names(parsed, name, version):
        return (
            f"purl {shown(purl)} is of {_name_and_version(parsed.name, parsed.version)}, "
            f"not {_name_and_version(name, version)}"
        )
    qualifiers = parsed.qualifiers if isinstance(parsed.qualifiers, dict) else {}
    purl_arch = qualifiers.get("arch", "")
    if ecosystem == "deb" and purl_arch != arch:
        return f"purl {shown(purl)} is for the architecture {shown(purl_arch)}, not {shown(arch)}"
    return ""


def _names(parsed: PackageURL, name: str, version: str) -> bool:
    """Whether the parsed purl is of the package `name` at `version`: its name is `name`, or,
    with a namespace, its namespace and name are `name` (npm's `@types/node`)."""
    scope, _, bare = name.rpartition("/")
    spellings = [(parsed.namespace, name)] + ([(scope, bare)] if scope and parsed.namespace else [])
    for namespace, spelled in spellings:
        try:
            expected = PackageURL(
                type=parsed.type,
                namespace=namespace,
                name=spelled,
                version=version or None,
                qualifiers=parsed.qualifiers,
            )
        except ValueError:
            continue
        if (expected.namespace, expected.name, expected.version) == (
            parsed.namespace,
            parsed.name,
            parsed.version,
        ):
            return True
    return False


def _name_and_version(name: str, version: str | None) -> str:
    return f"{shown(name)} version {shown(version or '')}"


@dataclass(frozen=True)
class Inventory:
    """The packages of one image (or of one listing), sorted, each package URL once."""

    packages: tuple[Package, ...] = ()

    def __post_init__(self) -> None:
        unique = {package.purl: package for package in self.packages}
        object.__setattr__(self, "packages", tuple(sorted(unique.values())))

    @classmethod
    def of(cls, packages: Iterable[Package]) -> Inventory:
        """An inventory of `packages`; exact duplicates (same purl) are kept once."""
        return cls(tuple(packages))

    @classmethod
    def merged(cls, *inventories: Inventory) -> Inventory:
        """One inventory holding the packages of all `inventories` (an image's listings)."""
        return cls(tuple(package for inventory in inventories for package in inventory.packages))

    def __len__(self) -> int:
        return len(self.packages)

    def ecosystems(self) -> list[str]:
        """The ecosystems present, sorted."""
        return sorted({package.ecosystem for package in self.packages})

    def to_json(self) -> dict[str, Any]:
        """`{"packages": [...]}` of plain dicts, in a stable order."""
        return {"packages": [package.to_json() for package in self.packages]}

    @classmethod
    def from_json(cls, data: object) -> Inventory:
        """An inventory from `to_json()` output; anything else raises a one-line error."""
        if not isinstance(data, Mapping) or set(data) != {"packages"}:
            raise InventoryError(
                'an inventory must be an object {"packages": [...]}, '
                f"got {type(data).__name__}"
                + (f" with keys {sorted(map(str, data))}" if isinstance(data, Mapping) else "")
            )
        packages = data["packages"]
        if not isinstance(packages, list):
            raise InventoryError(
                f"an inventory's 'packages' must be a list, got {type(packages).__name__}"
            )
        return cls.of(
            Package.from_json(item, where=f"inventory package {index}")
            for index, item in enumerate(packages)
        )
