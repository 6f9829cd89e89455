"""The inspection plan: which inspections run on which image, and in what order."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from inspections.api import spec_of
from inspections.errors import StackError
from inspections.stack import DEFAULT_VARIANT, INSPECTION_FILE_GLOB, Stack


@dataclass(frozen=True)
class PlannedInspection:
    """One inspection as declared by an image folder."""

    key: str  # "<declaring image>/<file>::<function>", the same on every process
    name: str
    kind: str  # "tag" or "manifest"
    title: str


def inspection_key(declaring_image: str, module_path: Path, function_name: str) -> str:
    """The identity of an inspection across processes."""
    return f"{declaring_image}/{module_path.name}::{function_name}"


def _import_module(image: str, path: Path) -> ModuleType:
    module_name = f"_stack_inspections_plan.{image.replace('-', '_')}.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise StackError(f"{path}: cannot be imported as a Python module: check its name")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        detail = " ".join(str(error).split())
        raise StackError(f"{path}: import failed ({type(error).__name__}: {detail})") from error
    return module


def _declared_by(image: str, folder: Path) -> list[PlannedInspection]:
    declared: list[PlannedInspection] = []
    for path in sorted(folder.glob(INSPECTION_FILE_GLOB)):
        module = _import_module(image, path)
        for attribute, obj in vars(module).items():
            spec = spec_of(obj)
            if spec is not None:
                key = inspection_key(image, path, attribute)
                declared.append(PlannedInspection(key, attribute, spec.kind, spec.title))
    return declared


@dataclass(frozen=True)
class InspectionPlan:
    """Selected images (stack order) and each one's inspections (hierarchy, then declaration)."""

    images: tuple[str, ...]
    inspections: dict[str, tuple[PlannedInspection, ...]]


def select_images(
    stack: Stack,
    requested: list[str],
    variant: str,
    variant_option: str = "--variant",
    image_options: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The images to inspect: the requested ones (or all), in stack order, built in `variant`.

    `variant_option` is the name the variant option answers to in this session, and
    `image_options` the option that named each requested image (`--image` when not given)."""
    for name in requested:
        if name not in stack.images:
            option = (image_options or {}).get(name, "--image")
            raise StackError(
                f"unknown image {name!r} in {option}: the stack at {stack.folder} has "
                f"{', '.join(stack.images)}"
            )
        if not stack.images[name].supports(variant):
            raise StackError(
                f"image {name!r} has no variant {variant!r}: add it to variants in "
                f"{stack.images[name].folder}/image.toml or pick another {variant_option}"
            )
    candidates = [name for name in stack.images if not requested or name in requested]
    selected = tuple(name for name in candidates if stack.images[name].supports(variant))
    if not selected:
        raise StackError(
            f"no image of the stack at {stack.folder} is built in variant {variant!r}: "
            f"pass {variant_option} {DEFAULT_VARIANT} or declare the variant in an image.toml"
        )
    return selected


def build_plan(stack: Stack, selected: tuple[str, ...]) -> InspectionPlan:
    """Import every image folder's inspection modules and lay out each selected image's list."""
    declared = {name: _declared_by(name, spec.folder) for name, spec in stack.images.items()}
    inspections = {
        name: tuple(item for ancestor in stack.lineage_names(name) for item in declared[ancestor])
        for name in selected
    }
    return InspectionPlan(images=selected, inspections=inspections)
