"""The stack model: one folder per image, each declaring its parent in `image.toml`."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspections.errors import StackError
from inspections.references import IMAGE_NAME

DEFAULT_STACK = "images"  # the stack folder, below the repository, unless said otherwise
INSPECTION_FILE_GLOB = "inspect_*.py"  # the files of an image folder that hold inspections
IMAGE_DECLARATION = "image.toml"
STACK_DECLARATION = "stack.toml"
DEFAULT_VARIANT = "default"
STACK_KEYS = ("registry", "owner", "repository")  # what `stack.toml` may set
IMAGE_KEYS = ("parent", "variants", "build-args", "variant-folders")  # and `image.toml`

# A build argument's name, as Dockerfiles' ARG instructions accept it.
BUILD_ARG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Links go into Markdown table cells and link targets: no spaces, pipes, brackets or quotes.
REPOSITORY_URL = re.compile(r"https?://[^\s|<>()\[\]`'\"]+")


def tag_prefix(platform: str, variant: str) -> str:
    """`x86_64`, or `x86_64-cuda12` for a variant other than the default."""
    return platform if variant == DEFAULT_VARIANT else f"{platform}-{variant}"


def build_stem(platform: str, variant: str, image: str) -> str:
    """`x86_64-default-base-notebook`: how files and artifacts of one image build are named."""
    return f"{platform}-{variant}-{image}"


def inspected_tag(variant: str) -> str:
    """The tag an image is built as before inspection: `latest`, or `cuda12-latest`."""
    return "latest" if variant == DEFAULT_VARIANT else f"{variant}-latest"


@dataclass(frozen=True)
class StackSettings:
    """Stack-wide defaults from `stack.toml`; command-line options override them."""

    registry: str = "quay.io"
    owner: str = "jupyter"
    repository: str = ""


@dataclass(frozen=True)
class ImageSpec:
    """One image of the stack as declared in its folder."""

    name: str
    parent: str
    folder: Path
    variants: tuple[str, ...] = ()
    build_args: tuple[tuple[str, str], ...] = ()  # `[build-args]`, in declaration order
    variant_folders: tuple[tuple[str, str], ...] = ()  # `[variant-folders]`: variant -> folder

    def supports(self, variant: str) -> bool:
        """Whether the image is built in `variant` (every image is built in the default one)."""
        return variant == DEFAULT_VARIANT or variant in self.variants

    def build_folder(self, variant: str) -> Path:
        """The build context of a variant: the image folder, or `<image>/<variant>/` by default."""
        if variant == DEFAULT_VARIANT:
            return self.folder
        return self.folder / dict(self.variant_folders).get(variant, variant)


@dataclass(frozen=True)
class Stack:
    """A validated hierarchy of images, root first in `images` order."""

    folder: Path
    settings: StackSettings
    images: dict[str, ImageSpec] = field(default_factory=dict)

    def lineage(self, name: str) -> list[ImageSpec]:
        """The image and its ancestors, root first."""
        chain: list[ImageSpec] = []
        current: str = name
        while current:
            spec = self.images[current]
            chain.append(spec)
            current = spec.parent
        return list(reversed(chain))

    def parent_variant(self, name: str, variant: str) -> str:
        """The variant of its parent that `name` in `variant` is built on: the same variant
        when the parent declares it, else the parent's default one."""
        parent = self.images[self.images[name].parent]
        return variant if parent.supports(variant) else DEFAULT_VARIANT

    def lineage_names(self, name: str) -> list[str]:
        """Names of the image and its ancestors, root first."""
        return [spec.name for spec in self.lineage(name)]

    def image_owning(self, path: Path) -> str | None:
        """The image whose folder holds `path`, or None for a path outside every image folder."""
        resolved = path.resolve()
        for name, folder in self._resolved_folders:
            if resolved.is_relative_to(folder):
                return name
        return None

    @functools.cached_property
    def _resolved_folders(self) -> list[tuple[str, Path]]:
        return [(spec.name, spec.folder.resolve()) for spec in self.images.values()]


def read_stack_file(path: Path) -> str:
    """A file of the stack folder as text; StackError when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise StackError(f"{path}: not UTF-8 ({error.reason}): save it as UTF-8") from error
    except OSError as error:
        raise StackError(
            f"{path}: cannot be read ({error.strerror}): fix its permissions"
        ) from error


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_stack_file(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise StackError(f"{path}: invalid TOML ({error}): fix the syntax") from error


def _check_keys(path: Path, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse a key the file's readers do not know, such as a misspelt one."""
    for key in data:
        if key not in allowed:
            raise StackError(
                f"{path}: unknown key {key!r}: use {', '.join(allowed)} (fix or remove it)"
            )


def _string_field(path: Path, data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise StackError(f'{path}: `{key}` must be a string, e.g. {key} = "{default}"')
    return value


def load_settings(folder: Path) -> StackSettings:
    """The defaults `folder/stack.toml` sets (the built-in ones where it does not)."""
    path = folder / STACK_DECLARATION
    if not path.is_file():
        return StackSettings()
    data = _read_toml(path)
    _check_keys(path, data, STACK_KEYS)
    defaults = StackSettings()
    return StackSettings(
        registry=_string_field(path, data, "registry", defaults.registry),
        owner=_string_field(path, data, "owner", defaults.owner),
        repository=_string_field(path, data, "repository", defaults.repository),
    )


def linked_image_folder(folder: Path) -> str:
    """Why an image folder that is a link is refused, and the fix."""
    return (
        f"{folder}: an image folder must be a real folder, not a link: copy it, or give the "
        "image its own folder"
    )


def load_image(declaration: Path) -> ImageSpec:
    """The image an `image.toml` declares; StackError naming the file and the fix."""
    folder = declaration.parent
    name = folder.name
    if folder.is_symlink():
        raise StackError(linked_image_folder(folder))
    if not IMAGE_NAME.fullmatch(name):
        raise StackError(
            f"{folder}: invalid image name {name!r}: use lowercase letters, digits and "
            "single '.', '_' or '-' between them (e.g. base-notebook)"
        )
    data = _read_toml(declaration)
    _check_keys(declaration, data, IMAGE_KEYS)
    if "parent" not in data:
        raise StackError(
            f'{declaration}: missing `parent`: add parent = "<image>" (or "" for a root)'
        )
    parent = _string_field(declaration, data, "parent", "")
    variants = data.get("variants", [])
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise StackError(f'{declaration}: `variants` must be a list of names, e.g. ["cuda12"]')
    for variant in variants:
        if not IMAGE_NAME.fullmatch(variant) or variant == DEFAULT_VARIANT:
            raise StackError(
                f"{declaration}: invalid variant {variant!r}: use a lowercase name such as "
                f'"cuda12" (the "{DEFAULT_VARIANT}" variant is implicit)'
            )
    return ImageSpec(
        name=name,
        parent=parent,
        folder=folder,
        variants=tuple(variants),
        build_args=_build_args(declaration, data),
        variant_folders=_variant_folders(declaration, data, variants),
    )


def _string_table(path: Path, data: dict[str, Any], key: str, example: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise StackError(f"{path}: `[{key}]` must be a table of strings, e.g. {example}")
    return table


def _build_args(path: Path, data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    arguments = _string_table(path, data, "build-args", 'PYTHON_VERSION = "3.12"')
    for name in arguments:
        if not BUILD_ARG_NAME.fullmatch(name):
            raise StackError(
                f"{path}: invalid build argument name {name!r} in `[build-args]`: use letters, "
                "digits and '_' (e.g. PYTHON_VERSION)"
            )
    return tuple(arguments.items())


def _variant_folders(
    path: Path, data: dict[str, Any], variants: list[str]
) -> tuple[tuple[str, str], ...]:
    folders = _string_table(path, data, "variant-folders", 'cuda12 = "gpu"')
    for variant, relative in folders.items():
        if variant not in variants:
            raise StackError(
                f"{path}: `[variant-folders]` names {variant!r}, which `variants` does not "
                "declare: add it to `variants` or remove its line"
            )
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts:
            raise StackError(
                f"{path}: variant folder {relative!r} must be a folder inside the image folder, "
                f'e.g. {variant} = "{variant}"'
            )
    return tuple(folders.items())


def _check_parents(specs: dict[str, ImageSpec]) -> None:
    for spec in specs.values():
        if spec.parent and spec.parent not in specs:
            others = sorted(name for name in specs if name != spec.name)
            choices = f"use one of {', '.join(others)} or" if others else "use"
            raise StackError(
                f"{spec.folder / IMAGE_DECLARATION}: unknown parent {spec.parent!r}: "
                f'{choices} "" for a root'
            )
    for spec in specs.values():
        seen = {spec.name: None}  # in order, with set-speed lookups
        current = spec.parent
        while current:
            if current in seen:
                cycle = " -> ".join([*seen, current])
                raise StackError(
                    f"{spec.folder / IMAGE_DECLARATION}: parent cycle {cycle}: "
                    "one image of the cycle needs another parent"
                )
            seen[current] = None
            current = specs[current].parent


def _check_stems(folder: Path, specs: dict[str, ImageSpec]) -> None:
    """Refuse two builds (image, variant) whose files would share one `build_stem`."""
    builds: dict[str, tuple[str, str]] = {}
    for spec in specs.values():
        for variant in (DEFAULT_VARIANT, *spec.variants):
            stem = build_stem("<platform>", variant, spec.name)
            other = builds.setdefault(stem, (spec.name, variant))
            if other != (spec.name, variant):
                raise StackError(
                    f"{folder}: image {other[0]} in variant {other[1]} and image {spec.name} "
                    f"in variant {variant} would share the archive, log and tags file names "
                    f"{stem}…: rename a variant or an image"
                )


def stack_order(specs: dict[str, ImageSpec]) -> dict[str, ImageSpec]:
    """Parents before children, depth first; siblings by name, never by the disk's order."""
    children: dict[str, list[str]] = {}
    for name in sorted(specs, reverse=True):
        children.setdefault(specs[name].parent, []).append(name)
    ordered: dict[str, ImageSpec] = {}
    to_visit = list(children.get("", []))  # a stack, last sibling first, so pops go by name
    while to_visit:
        name = to_visit.pop()
        ordered[name] = specs[name]
        to_visit += children.get(name, [])
    return ordered


def load_stack(folder: Path) -> Stack:
    """Load and validate the stack in `folder`; raise StackError naming the file and the fix."""
    if not folder.is_dir():
        raise StackError(
            f"stack folder {folder} not found: "
            "pass --stack DIR or set inspections_stack in pytest.ini"
        )
    specs: dict[str, ImageSpec] = {}
    for declaration in sorted(folder.glob(f"*/{IMAGE_DECLARATION}")):
        spec = load_image(declaration)
        specs[spec.name] = spec
    if not specs:
        raise StackError(
            f"stack folder {folder} declares no image: add <image>/{IMAGE_DECLARATION} "
            'with parent = "" for the root'
        )
    _check_parents(specs)
    _check_stems(folder, specs)
    return Stack(folder=folder, settings=load_settings(folder), images=stack_order(specs))
