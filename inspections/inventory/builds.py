"""The facts of one build of one image: what a change report compares and an SBOM describes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inspections.build_info import TIMESTAMP
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import MAX_FIELD, Inventory, is_printable_token
from inspections.inventory.sizes import ImageSize
from inspections.references import IMAGE_NAME, TAG

_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_TEXT_KEYS = ("image", "platform", "variant", "commit", "timestamp", "reference", "image_id")


@dataclass(frozen=True)
class BuildFacts:
    """One build of an image, for one platform and variant.

    `tags` are tag names without repository (`x86_64-python-3.12`), `-latest` ones left out
    (the build history does not list them); `reference` is the repository without tag
    (`quay.io/jupyter/base-notebook`) and `image_id` the engine's id, both empty when unknown.
    `inventory` is None when the build's packages were not inventoried (the image declared
    no inventory, or its manifest quotes no package listing).
    """

    image: str
    platform: str
    variant: str
    commit: str
    timestamp: str
    tags: tuple[str, ...] = ()
    size: ImageSize | None = None
    inventory: Inventory | None = None
    reference: str = ""
    image_id: str = ""

    def __post_init__(self) -> None:
        problem = _facts_problem(self)
        if problem:
            raise InventoryError(f"invalid build facts of {shown(self.image)}: {problem}")
        kept = sorted({tag for tag in self.tags if not is_latest_tag(tag)})
        object.__setattr__(self, "tags", tuple(kept))

    def to_json(self) -> dict[str, Any]:
        """The facts as plain JSON built-ins."""
        return {
            "image": self.image,
            "platform": self.platform,
            "variant": self.variant,
            "commit": self.commit,
            "timestamp": self.timestamp,
            "tags": list(self.tags),
            "size": self.size.to_json() if self.size else None,
            "inventory": None if self.inventory is None else self.inventory.to_json(),
            "reference": self.reference,
            "image_id": self.image_id,
        }

    @classmethod
    def from_json(cls, data: object) -> BuildFacts:
        """Facts from `to_json()` output; anything else raises a one-line InventoryError."""
        expected = {*_TEXT_KEYS, "tags", "size", "inventory"}
        if not isinstance(data, Mapping) or set(data) != expected:
            got = sorted(map(str, data)) if isinstance(data, Mapping) else type(data).__name__
            raise InventoryError(f"build facts must have the keys {sorted(expected)}, got {got}")
        for key in _TEXT_KEYS:
            if not isinstance(data[key], str):
                raise InventoryError(f"build facts: {key!r} must be a string")
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise InventoryError("build facts: 'tags' must be a list of strings")
        return cls(
            **{key: data[key] for key in _TEXT_KEYS},
            tags=tuple(tags),
            size=None if data["size"] is None else ImageSize.from_json(data["size"]),
            inventory=None if data["inventory"] is None else Inventory.from_json(data["inventory"]),
        )


def is_latest_tag(tag: str) -> bool:
    """True for `latest` and its prefixed forms (`x86_64-latest`, `x86_64-cuda12-latest`)."""
    return tag == "latest" or tag.endswith("-latest")


def _facts_problem(facts: BuildFacts) -> str:
    for name in ("image", "platform", "variant"):
        value: str = getattr(facts, name)
        if not IMAGE_NAME.fullmatch(value):
            return f"{name} {shown(value)} must be lowercase letters, digits, '.', '_' or '-'"
    if not _COMMIT.fullmatch(facts.commit):
        return f"commit {shown(facts.commit)} is not a git sha"
    if not TIMESTAMP.fullmatch(facts.timestamp):
        return f"timestamp {shown(facts.timestamp)} is not like 2026-11-27T14:50:46Z"
    for tag in facts.tags:
        if not TAG.fullmatch(tag):
            return f"tag {shown(tag)} is not a Docker tag"
    for name in ("reference", "image_id"):
        value = getattr(facts, name)
        if len(value) > MAX_FIELD or not is_printable_token(value):
            return f"{name} {shown(value)} has whitespace or control characters"
    return ""
