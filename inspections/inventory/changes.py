"""What changed between two builds of the same image: packages, tags and size."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from inspections.inventory.builds import BuildFacts
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory, Package
from inspections.inventory.parsers.registry import library_inventories
from inspections.inventory.purls import normalize_pypi_name
from inspections.inventory.sizes import ImageSize
from inspections.inventory.versions import compare_versions
from inspections.references import TAG

KINDS = ("added", "removed", "upgraded", "downgraded", "changed")
MINUS = "\N{MINUS SIGN}"
_SYMBOLS = {"added": "+", "removed": MINUS, "upgraded": "↑", "downgraded": "↓", "changed": "~"}
NOT_COMPARED = "packages not compared"


@dataclass(frozen=True, order=True)
class PackageChange:
    """One package that differs: `old` is empty when added, `new` when removed.

    `arch` is set only when the name alone does not tell the packages apart (multi-arch).
    """

    ecosystem: str
    kind: str
    name: str
    old: str = ""
    new: str = ""
    arch: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"ecosystem": self.ecosystem, "kind": self.kind, "name": self.name}
        for key in ("old", "new", "arch"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_json(cls, data: Any) -> PackageChange:
        """A change from `to_json()` output (KeyError or TypeError when it is not one)."""
        values = {key: data[key] for key in ("ecosystem", "kind", "name")}
        values |= {key: data[key] for key in ("old", "new", "arch") if key in data}
        if not all(isinstance(value, str) for value in values.values()):
            raise TypeError("a package change holds text only")
        if values["kind"] not in KINDS:
            raise InventoryError(f"a package change of kind {shown(values['kind'])}")
        return cls(**values)


@dataclass(frozen=True)
class SizeChange:
    """The image size before and after; approximate when either came from the human format."""

    previous: ImageSize
    current: ImageSize

    @property
    def change(self) -> int:
        return self.current.bytes - self.previous.bytes

    @property
    def percent(self) -> float | None:
        """The change in percent of the previous size; None when that was zero."""
        return 100 * self.change / self.previous.bytes if self.previous.bytes else None

    @property
    def approximate(self) -> bool:
        return not (self.previous.exact and self.current.exact)

    def to_json(self) -> dict[str, Any]:
        percent = self.percent
        return {
            "previous": self.previous.to_json(),
            "current": self.current.to_json(),
            "change_bytes": self.change,
            "change_percent": None if percent is None else round(percent, 2),
            "approximate": self.approximate,
        }

    @classmethod
    def from_json(cls, data: Any) -> SizeChange:
        """The sizes of `to_json()` output (KeyError or TypeError when it is not one)."""
        return cls(ImageSize.from_json(data["previous"]), ImageSize.from_json(data["current"]))


# Fields of a report that records written before uninventoried builds were told apart lack.
_LATER_KEYS = ("packages_compared", "not_inventoried", "inventories_to_declare")


@dataclass(frozen=True)
class ChangeReport:
    """The changes of one image (platform, variant) from a previous build to the current one.

    Packages are compared only when both builds were inventoried: `not_inventoried` names the
    builds (`previous`, `current`) that were not, and `to_declare` the library's inventories
    (with the manifest piece each goes next to) that would inventory the current build.
    """

    previous: BuildFacts
    current: BuildFacts
    packages: tuple[PackageChange, ...]
    tags_gained: tuple[str, ...]
    tags_lost: tuple[str, ...]
    size: SizeChange | None
    not_inventoried: tuple[str, ...] = ()
    to_declare: tuple[tuple[str, str], ...] = ()

    @property
    def packages_compared(self) -> bool:
        return not self.not_inventoried

    def counts(self, ecosystem: str | None = None) -> dict[str, int]:
        """How many packages were added, removed, upgraded, downgraded, changed."""
        found = Counter(
            change.kind for change in self.packages if ecosystem in (None, change.ecosystem)
        )
        return {kind: found[kind] for kind in KINDS}

    def ecosystems(self) -> list[str]:
        """The ecosystems with at least one change, sorted."""
        return sorted({change.ecosystem for change in self.packages})

    def summary(self) -> str:
        """Counts for a terminal table: `+3 \N{MINUS SIGN}1 ↑12 ↓0` (added, removed, upgraded,
        downgraded), then `~2` when some versions changed in an order the rules cannot tell;
        `packages not compared` when a build was not inventoried."""
        if not self.packages_compared:
            return NOT_COMPARED
        counts = self.counts()
        shown = [f"{_SYMBOLS[kind]}{counts[kind]}" for kind in KINDS[:4]]
        if counts["changed"]:
            shown.append(f"{_SYMBOLS['changed']}{counts['changed']}")
        return " ".join(shown)

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON built-ins (for inspections.json); `counts` is null when
        packages were not compared."""
        return {
            "image": self.current.image,
            "platform": self.current.platform,
            "variant": self.current.variant,
            "previous": {"commit": self.previous.commit, "timestamp": self.previous.timestamp},
            "current": {"commit": self.current.commit, "timestamp": self.current.timestamp},
            "summary": self.summary(),
            "packages_compared": self.packages_compared,
            "not_inventoried": list(self.not_inventoried),
            "inventories_to_declare": [
                {"inventory": inventory, "next_to": piece} for inventory, piece in self.to_declare
            ],
            "counts": self.counts() if self.packages_compared else None,
            "packages": [change.to_json() for change in self.packages],
            "tags": {"gained": list(self.tags_gained), "lost": list(self.tags_lost)},
            "size": self.size.to_json() if self.size else None,
        }

    @classmethod
    def from_json(cls, data: object) -> ChangeReport:
        """A report as the run record keeps it (`to_json()`), whose builds are known by image,
        platform, variant, commit and timestamp only; anything else, or counts, summary and
        size change that do not follow from it, raise a one-line InventoryError."""
        try:
            report = cls._from_parts(data)
        except KeyError as error:
            raise InventoryError(f"a change report without {shown(str(error.args[0]))}") from None
        except TypeError as error:
            raise InventoryError(
                f"a change report not as the run record writes it ({shown(str(error))})"
            ) from None
        expected = report.to_json()
        if isinstance(data, Mapping) and not any(
            key in data for key in _LATER_KEYS
        ):  # written before packages could go
            expected = {key: value for key, value in expected.items() if key not in _LATER_KEYS}
        if expected != data:
            raise InventoryError(
                "a change report's counts, summary or size change do not follow from its "
                "packages and sizes, or it has unknown fields"
            )
        return report

    @classmethod
    def _from_parts(cls, data: Any) -> ChangeReport:
        if not isinstance(data, Mapping):
            raise TypeError(f"an object was expected, not {type(data).__name__}")
        image = {key: data[key] for key in ("image", "platform", "variant")}
        builds = [
            BuildFacts(**image, commit=data[when]["commit"], timestamp=data[when]["timestamp"])
            for when in ("previous", "current")
        ]
        gained, lost = data["tags"]["gained"], data["tags"]["lost"]
        for tag in [*gained, *lost]:
            if not (isinstance(tag, str) and TAG.fullmatch(tag)):
                raise InventoryError(f"a change report lists the tag {shown(str(tag))}")
        return cls(
            previous=builds[0],
            current=builds[1],
            packages=tuple(PackageChange.from_json(change) for change in data["packages"]),
            tags_gained=tuple(gained),
            tags_lost=tuple(lost),
            size=None if data["size"] is None else SizeChange.from_json(data["size"]),
            not_inventoried=tuple(data.get("not_inventoried", ())),
            to_declare=tuple(
                (str(pair["inventory"]), str(pair["next_to"]))
                for pair in data.get("inventories_to_declare", ())
            ),
        )


def compare_builds(
    previous: BuildFacts, current: BuildFacts, listings: Iterable[str] = ()
) -> ChangeReport:
    """The changes from `previous` to `current`, two builds of the same image and platform.

    `listings` are the commands the current build's manifest quotes: when it was not
    inventoried, the report names the library's inventories of those listings.
    """
    for attribute in ("image", "platform", "variant"):
        before, after = getattr(previous, attribute), getattr(current, attribute)
        if before != after:
            raise InventoryError(
                f"cannot compare builds of different images: {attribute} {before!r} before, "
                f"{after!r} now; compare a build with an earlier build of the same image, "
                "platform and variant"
            )
    previous_tags, current_tags = set(previous.tags), set(current.tags)
    size = SizeChange(previous.size, current.size) if previous.size and current.size else None
    sides = (("previous", previous.inventory), ("current", current.inventory))
    not_inventoried = tuple(side for side, inventory in sides if inventory is None)
    changes: tuple[PackageChange, ...] = ()
    if previous.inventory is not None and current.inventory is not None:
        changes = package_changes(previous.inventory, current.inventory)
    return ChangeReport(
        previous=previous,
        current=current,
        packages=changes,
        tags_gained=tuple(sorted(current_tags - previous_tags)),
        tags_lost=tuple(sorted(previous_tags - current_tags)),
        size=size,
        not_inventoried=not_inventoried,
        to_declare=library_inventories(listings) if current.inventory is None else (),
    )


def _identity(package: Package) -> tuple[str, str]:
    """What makes two listings' entries the same package: pypi names compare normalized."""
    if package.ecosystem == "pypi":
        return package.ecosystem, normalize_pypi_name(package.name)
    return package.ecosystem, package.name


def _grouped(inventory: Inventory) -> dict[tuple[str, str], list[Package]]:
    groups: dict[tuple[str, str], list[Package]] = defaultdict(list)
    for package in inventory.packages:
        groups[_identity(package)].append(package)
    return groups


def _version_change(old: Package, new: Package, arch: str = "") -> PackageChange | None:
    if old.version == new.version:
        return None
    order = compare_versions(new.ecosystem, old.version, new.version)
    kind = "upgraded" if order == -1 else "downgraded" if order == 1 else "changed"
    return PackageChange(new.ecosystem, kind, new.name, old.version, new.version, arch)


def _several(ecosystem: str, old: list[Package], new: list[Package]) -> list[PackageChange]:
    """Changes within one name listed several times: matched by architecture, else by version."""
    changes: list[PackageChange] = []
    by_arch_old: dict[str, list[Package]] = defaultdict(list)
    by_arch_new: dict[str, list[Package]] = defaultdict(list)
    for package in old:
        by_arch_old[package.arch].append(package)
    for package in new:
        by_arch_new[package.arch].append(package)
    for arch in sorted(set(by_arch_old) | set(by_arch_new)):
        before, after = by_arch_old[arch], by_arch_new[arch]
        if len(before) == 1 and len(after) == 1:
            change = _version_change(before[0], after[0], arch)
            changes.extend([change] if change else [])
            continue
        old_versions = Counter(package.version for package in before)
        new_versions = Counter(package.version for package in after)
        name = (after or before)[0].name
        for version in (old_versions - new_versions).elements():
            changes.append(PackageChange(ecosystem, "removed", name, old=version, arch=arch))
        for version in (new_versions - old_versions).elements():
            changes.append(PackageChange(ecosystem, "added", name, new=version, arch=arch))
    return changes


def package_changes(previous: Inventory, current: Inventory) -> tuple[PackageChange, ...]:
    """Every package added, removed, upgraded, downgraded or changed, sorted."""
    before, after = _grouped(previous), _grouped(current)
    changes: list[PackageChange] = []
    for identity in sorted(set(before) | set(after)):
        old, new = before.get(identity, []), after.get(identity, [])
        if not old:
            changes += [PackageChange(p.ecosystem, "added", p.name, new=p.version) for p in new]
        elif not new:
            changes += [PackageChange(p.ecosystem, "removed", p.name, old=p.version) for p in old]
        elif len(old) == 1 and len(new) == 1:
            change = _version_change(old[0], new[0])
            changes.extend([change] if change else [])
        else:
            changes += _several(identity[0], old, new)
    return tuple(sorted(changes, key=lambda c: (c.ecosystem, KINDS.index(c.kind), c.name, c.arch)))
