"""The stack declaration: ``stack.toml``, one ``<image>/image.toml`` per image, the build order."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError

LOG_FOLDER = ".build-logs"


@dataclass(frozen=True)
class Image:
    """One image of the stack, as declared by its folder."""

    name: str
    parent: str
    folder: Path


@dataclass(frozen=True)
class Stack:
    """The whole stack: its folder, naming and the images by name."""

    folder: Path
    registry: str
    owner: str
    images: dict[str, Image] = field(default_factory=dict)

    def ref(self, name: str) -> str:
        """The fully qualified ``:latest`` reference of an image of this stack."""
        return f"{self.registry}/{self.owner}/{name}:latest"

    def log(self, name: str) -> Path:
        """Where the output of an image's last build goes."""
        return self.folder / LOG_FOLDER / f"{name}.log"


def read_toml(path: Path) -> dict[str, object]:
    """Parse one TOML file, naming the file when it is missing or broken."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise BuildError(f"cannot read {path}: {error}") from error


def load_stack(folder: Path) -> Stack:
    """Read ``stack.toml`` and every ``<image>/image.toml`` below ``folder``."""
    settings_file = folder / "stack.toml"
    settings = read_toml(settings_file)
    if "registry" not in settings or "owner" not in settings:
        raise BuildError(f"{settings_file}: set both registry and owner")
    images: dict[str, Image] = {}
    for image_toml in sorted(folder.glob("*/image.toml")):
        parent = read_toml(image_toml).get("parent", "")
        if not isinstance(parent, str):
            raise BuildError(f"{image_toml}: parent must be a string")
        image_folder = image_toml.parent
        images[image_folder.name] = Image(image_folder.name, parent, image_folder)
    stack = Stack(folder, str(settings["registry"]), str(settings["owner"]), images)
    build_order(stack)  # validates parents and cycles
    return stack


def build_order(stack: Stack) -> list[str]:
    """All image names, parents before children, siblings by name."""
    for image in stack.images.values():
        if image.parent and image.parent not in stack.images:
            raise BuildError(f"{image.name}: unknown parent {image.parent!r}")
    children: dict[str, list[str]] = {}
    for image in stack.images.values():
        children.setdefault(image.parent, []).append(image.name)
    order: list[str] = []
    pending = sorted(children.get("", []), reverse=True)
    while pending:
        name = pending.pop()
        order.append(name)
        pending.extend(sorted(children.get(name, []), reverse=True))
    if len(order) != len(stack.images):
        cyclic = sorted(set(stack.images) - set(order))
        raise BuildError(f"images without a root (cycle?): {', '.join(cyclic)}")
    return order


def ancestors(stack: Stack, name: str) -> list[str]:
    """The image and its ancestors, root first."""
    chain: list[str] = []
    while name:
        chain.append(name)
        name = stack.images[name].parent
    return chain[::-1]


def select(stack: Stack, only: list[str]) -> list[str]:
    """The build order restricted to ``only`` and their ancestors (everything if empty)."""
    order = build_order(stack)
    if not only:
        return order
    unknown = sorted(set(only) - set(stack.images))
    if unknown:
        raise BuildError(f"unknown image(s): {', '.join(unknown)} (known: {', '.join(order)})")
    wanted = {name for image in only for name in ancestors(stack, image)}
    return [name for name in order if name in wanted]
