"""Which images a run builds, in which variant, from where, with which build arguments.

Each image is built from `<image>/Dockerfile` (a variant from `<image>/<variant>/Dockerfile`,
or the folder `[variant-folders]` names) as `<registry>/<owner>/<image>:latest`
(`:<variant>-latest`), with the build arguments `REGISTRY`, `OWNER`, `BASE_IMAGE` (the
parent's exact reference), then the image's `[build-args]`, then the command line's. A
variant's parent is the parent image's same variant when the parent declares it, else its
default variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspections.building.errors import BuildUsageError
from inspections.stack import DEFAULT_VARIANT, Stack, inspected_tag

DOCKERFILE = "Dockerfile"


@dataclass(frozen=True)
class Selection:
    """What was asked for: `--image` (none: every image), `--variant`, `--no-parents`."""

    images: tuple[str, ...] = ()
    variant: str = DEFAULT_VARIANT
    no_parents: bool = False


@dataclass(frozen=True)
class BuildTarget:
    """One image build: what it is called, where it comes from, what it is given."""

    image: str
    variant: str
    reference: str
    context: Path
    parent_reference: str  # "" for a root
    parent_in_plan: bool  # False: the parent must already be in the local engine
    build_args: tuple[tuple[str, str], ...]
    parent: tuple[str, str] | None = None  # the parent's (image, variant)

    @property
    def dockerfile(self) -> Path:
        return self.context / DOCKERFILE

    @property
    def label(self) -> str:
        """`base-notebook`, or `pytorch-notebook (cuda12)` for a variant."""
        return self.image if self.variant == DEFAULT_VARIANT else f"{self.image} ({self.variant})"


Node = tuple[str, str]  # (image, variant)


def plan_builds(
    stack: Stack,
    selection: Selection,
    registry: str,
    owner: str,
    extra_args: tuple[tuple[str, str], ...] = (),
) -> list[BuildTarget]:
    """The builds, parents before children; BuildUsageError for what cannot be built."""
    named = _named_nodes(stack, selection)
    nodes = set(named)
    if not selection.no_parents:
        for node in named:
            while (parent := _parent_node(stack, node)) is not None:
                nodes.add(parent)
                node = parent
    order = list(stack.images)
    ordered = sorted(nodes, key=lambda node: (order.index(node[0]), node[1] != DEFAULT_VARIANT))

    def reference(node: Node) -> str:
        return f"{registry}/{owner}/{node[0]}:{inspected_tag(node[1])}"

    targets = []
    for node in ordered:
        image, variant = node
        spec = stack.images[image]
        parent = _parent_node(stack, node)
        parent_reference = reference(parent) if parent else ""
        arguments = {"REGISTRY": registry, "OWNER": owner}
        if parent_reference:
            arguments["BASE_IMAGE"] = parent_reference
        arguments |= dict(spec.build_args) | dict(extra_args)
        targets.append(
            BuildTarget(
                image=image,
                variant=variant,
                reference=reference(node),
                context=spec.build_folder(variant),
                parent_reference=parent_reference,
                parent_in_plan=parent in nodes,
                build_args=tuple(arguments.items()),
                parent=parent,
            )
        )
    _check_dockerfiles(stack, targets)
    return targets


def _named_nodes(stack: Stack, selection: Selection) -> list[Node]:
    variant = selection.variant
    unknown = [name for name in selection.images if name not in stack.images]
    if unknown:
        raise BuildUsageError(
            f"unknown image {unknown[0]!r} in {stack.folder}: use one of {', '.join(stack.images)}"
        )
    having = [name for name, spec in stack.images.items() if spec.supports(variant)]
    if not having:
        raise BuildUsageError(
            f"no image of {stack.folder} declares variant {variant!r}: drop --variant, or add "
            f'variants = ["{variant}"] to an image.toml'
        )
    for name in selection.images:
        if not stack.images[name].supports(variant):
            declared = ", ".join(stack.images[name].variants) or "none"
            raise BuildUsageError(
                f"image {name!r} has no variant {variant!r} (its variants: {declared}): "
                f"use --image with one of {', '.join(having)}, or drop --variant"
            )
    return [(name, variant) for name in (selection.images or having)]


def _parent_node(stack: Stack, node: Node) -> Node | None:
    image, variant = node
    parent = stack.images[image].parent
    if not parent:
        return None
    return (parent, stack.parent_variant(image, variant))


def _check_dockerfiles(stack: Stack, targets: list[BuildTarget]) -> None:
    if not any((spec.folder / DOCKERFILE).is_file() for spec in stack.images.values()):
        raise BuildUsageError(
            f"no image of {stack.folder} has a Dockerfile: stack-build builds each image from "
            f"<image>/{DOCKERFILE}; add one to each image folder"
        )
    missing = [target for target in targets if not target.dockerfile.is_file()]
    if missing:
        names = ", ".join(target.label for target in missing)
        raise BuildUsageError(
            f"no Dockerfile for {names} (expected {missing[0].dockerfile}): add it, or build "
            "other images with --image"
        )
