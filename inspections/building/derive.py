"""The stack a folder of Dockerfiles describes: `<image>/Dockerfile` for each image,
`<image>/<variant>/Dockerfile` for each of its variants.

An image's parent is the stack image its last `FROM` names as `<registry>/<owner>/<image>`
(any tag); any other `FROM` (`ubuntu:24.04@sha256:…`, a build stage built on one) makes a
root. The registry and owner are the Dockerfiles' `ARG REGISTRY` and `ARG OWNER` defaults,
or else the ones their `FROM` lines name stack images with.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from inspections.building.dockerfile import Base, read_dockerfile, resolve_base
from inspections.errors import StackError
from inspections.references import IMAGE_NAME, ImageReference
from inspections.stack import (
    DEFAULT_VARIANT,
    ImageSpec,
    linked_image_folder,
    stack_order,
)

DOCKERFILE = "Dockerfile"


class NoDockerfiles(StackError):
    """The folder given is not a stack folder of Dockerfiles (a usage error)."""


NAMING_ARGUMENTS = {"registry": "REGISTRY", "owner": "OWNER"}


@dataclass(frozen=True)
class ReadDockerfile:
    """One Dockerfile of the stack folder: its image, its variant, its naming ARG defaults
    and what its last stage is built on."""

    path: Path
    image: str
    variant: str
    naming: dict[str, str]  # "registry"/"owner" -> the ARG default, where it has one
    base: Base

    @property
    def reference(self) -> ImageReference:
        return ImageReference.parse(self.base.reference)


@dataclass(frozen=True)
class DerivedImage:
    """One image as its Dockerfiles describe it."""

    name: str
    parent: str  # "" for a root
    base: Base  # what its Dockerfile's last FROM is built on
    variants: tuple[str, ...] = ()


@dataclass
class DerivedStack:
    """The images (parents first), the registry and owner (None where no Dockerfile says),
    and the problems that stop the stack from being derived, one line each."""

    folder: Path
    images: dict[str, DerivedImage] = field(default_factory=dict)
    registry: str | None = None
    owner: str | None = None
    problems: list[str] = field(default_factory=list)


def dockerfile_paths(folder: Path, problems: list[str]) -> list[tuple[str, str, Path]]:
    """(image, variant, path) of every Dockerfile of the stack folder `folder`, by name, and a
    problem line for each linked image folder and each link to no Dockerfile; NoDockerfiles
    when `folder` holds no `<image>/Dockerfile`, or is an image folder itself."""
    if not folder.is_dir():
        raise NoDockerfiles(f"{folder} is not a folder: pass the folder of the image folders")
    if _has_dockerfile(folder):
        parent = folder.resolve().parent if folder.name in ("", "..") else folder.parent
        raise NoDockerfiles(
            f"{folder} is an image folder (it has a {DOCKERFILE}): pass the folder that holds "
            f"the image folders, its parent ({parent})"
        )
    found: list[tuple[str, str, Path]] = []
    for image in sorted(child for child in folder.iterdir() if child.is_dir()):
        if image.name.startswith(".") or not _has_dockerfile(image):
            continue
        if image.is_symlink():
            problems.append(linked_image_folder(image))
            continue
        paths = [(DEFAULT_VARIANT, image / DOCKERFILE)] + [
            (child.name, child / DOCKERFILE)
            for child in sorted(image.iterdir())
            if child.is_dir() and _has_dockerfile(child)
        ]
        for variant, path in paths:
            if path.is_file():
                found.append((image.name, variant, path))
            else:
                what = "is not a file" if path.exists() else "does not exist"
                problems.append(
                    f"{path}: a link to {path.readlink()}, which {what}: point it at the "
                    f"{DOCKERFILE}, or put the {DOCKERFILE} there"
                )
    if not found and not problems:
        raise NoDockerfiles(
            f"no <image>/{DOCKERFILE} in {folder}: pass the folder that holds one folder per "
            "image, each with its Dockerfile"
        )
    return found


def _has_dockerfile(folder: Path) -> bool:
    """Whether `folder` has a Dockerfile, or a link by that name (to a file or to nothing)."""
    path = folder / DOCKERFILE
    return path.is_file() or path.is_symlink()


def _read_all(folder: Path, problems: list[str]) -> list[ReadDockerfile]:
    """Every Dockerfile followed to its base; a problem line for each that cannot be."""
    read: list[ReadDockerfile] = []
    for image, variant, path in dockerfile_paths(folder, problems):
        if not IMAGE_NAME.fullmatch(image):
            problems.append(
                f"{path.parent}: invalid image name {image!r}: use lowercase letters, digits "
                "and single '.', '_' or '-' between them"
            )
            continue
        is_variant = path.parent != folder / image
        if is_variant and (variant == DEFAULT_VARIANT or not IMAGE_NAME.fullmatch(variant)):
            problems.append(
                f"{path.parent}: invalid variant name {variant!r}: use a lowercase name such "
                f"as cuda12 (the {DEFAULT_VARIANT} variant is {image}/{DOCKERFILE} itself)"
            )
            continue
        try:
            dockerfile = read_dockerfile(path)
            base = resolve_base(dockerfile)
        except StackError as error:
            problems.append(str(error))
            continue
        naming = {
            part: str(dockerfile.arguments[argument])
            for part, argument in NAMING_ARGUMENTS.items()
            if dockerfile.arguments.get(argument)
        }
        read.append(ReadDockerfile(path, image, variant, naming, base))
    return read


def _agreed(
    part: str, read: list[ReadDockerfile], images: set[str], problems: list[str]
) -> str | None:
    """The registry (or owner) the Dockerfiles give; a problem line when they disagree."""
    values: dict[str, list[Path]] = defaultdict(list)
    for dockerfile in read:
        if part in dockerfile.naming:
            values[dockerfile.naming[part]].append(dockerfile.path)
    if not values:  # no ARG default: what the FROMs naming stack images say
        for dockerfile in read:
            reference = dockerfile.reference
            if reference.name in images:
                values[getattr(reference, part)].append(dockerfile.path)
    if len(values) > 1:
        shown = "; ".join(
            f"{value!r} in {', '.join(str(path) for path in paths)}"
            for value, paths in sorted(values.items())
        )
        problems.append(
            f"the Dockerfiles disagree on the {part} ({shown}): give them one "
            f"ARG {NAMING_ARGUMENTS[part]} default"
        )
        return None
    return next(iter(values), None)


def _parent_of(dockerfile: ReadDockerfile, stack: DerivedStack, images: set[str]) -> str:
    """The stack image `dockerfile` is built on; "" for an image outside the stack."""
    reference = dockerfile.reference
    naming = (reference.registry, reference.owner)
    in_stack = reference.name in images and naming == (stack.registry, stack.owner)
    return reference.name if in_stack else ""


def _cycle_problems(folder: Path, parents: dict[str, str]) -> list[str]:
    problems = []
    for name in parents:
        chain = [name]
        while parents[chain[-1]] and parents[chain[-1]] not in chain:
            chain.append(parents[chain[-1]])
        if parents[chain[-1]] == name:
            problems.append(
                f"{folder / name / DOCKERFILE}: its FROM makes a cycle "
                f"({' -> '.join([*chain, name])}): one image of the cycle needs another base"
            )
    return problems


def derive_stack(folder: Path) -> DerivedStack:
    """Read every Dockerfile of `folder`; NoDockerfiles when there is none to read."""
    stack = DerivedStack(folder)
    read = _read_all(folder, stack.problems)
    images = {dockerfile.image for dockerfile in read if dockerfile.variant == DEFAULT_VARIANT}
    stack.registry = _agreed("registry", read, images, stack.problems)
    stack.owner = _agreed("owner", read, images, stack.problems)
    if stack.problems:
        return stack
    defaults = {d.image: d for d in read if d.variant == DEFAULT_VARIANT}
    parents = {name: _parent_of(dockerfile, stack, images) for name, dockerfile in defaults.items()}
    for dockerfile in read:
        parent = _parent_of(dockerfile, stack, images)
        if dockerfile.variant != DEFAULT_VARIANT and parent != parents[dockerfile.image]:
            stack.problems.append(
                f"{dockerfile.path}: `{dockerfile.base.line}` names "
                f"{parent or 'an image outside the stack'}, but {dockerfile.image}/{DOCKERFILE} "
                f"names {parents[dockerfile.image] or 'an image outside the stack'}: a variant "
                "is built on its image's parent"
            )
    stack.problems += _cycle_problems(folder, parents)
    if stack.problems:
        return stack
    specs = {name: ImageSpec(name, parent, folder / name) for name, parent in parents.items()}
    for name in stack_order(specs):
        variants = tuple(
            d.variant for d in read if d.image == name and d.variant != DEFAULT_VARIANT
        )
        stack.images[name] = DerivedImage(name, parents[name], defaults[name].base, variants)
    return stack
