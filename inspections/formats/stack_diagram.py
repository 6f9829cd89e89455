"""The stack as a Mermaid flowchart: each image a box under its parent, variants under it.

A box shows the image's name, its outcome on each platform (`x86_64 · passed · 548 MB`) and
its key tags; its colour and border repeat the outcome (green passed, red and thick failed,
yellow and dashed incomplete, grey and dotted not selected), so the words alone tell it too.
Arrows are drawn at right angles through the gaps between the rows, never across a box.

Key tags are an image's version tags (`<tool>-<version>`: not `latest`, the git sha or the
build date), without the platform and variant prefix, the most precise of each tool
(`python-3.11.2` rather than `python-3.11`), and only those its parent does not carry: the
root shows the OS and Python, base-notebook adds `lab-…`, pyspark-notebook `spark-…`. A
variant shows what its image's default build does not carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from inspections.formats.mermaid import LINE_BREAK, fits, init_directive, mermaid_block, text
from inspections.inventory.sizes import human_size
from inspections.stack import DEFAULT_VARIANT, Stack, tag_prefix

NOT_SELECTED = "not selected"
_WORST_FIRST = ("failed", "incomplete", "passed")
_CLASSES = {  # outcome -> Mermaid style: colour, and a border that tells it without colour
    "passed": "fill:#dcfce7,stroke:#15803d,stroke-width:1px,color:#052e16",
    "failed": "fill:#fee2e2,stroke:#b91c1c,stroke-width:3px,color:#450a0a",
    "incomplete": "fill:#fef9c3,stroke:#a16207,stroke-width:2px,stroke-dasharray:6 3,color:#422006",
    NOT_SELECTED: "fill:#f3f4f6,stroke:#6b7280,stroke-width:1px,stroke-dasharray:2 2,color:#374151",
}
_VERSION_TAG = re.compile(
    r"[A-Za-z][A-Za-z0-9_.]*(?:-[A-Za-z][A-Za-z0-9_.]*)*-[0-9][A-Za-z0-9_.-]*"
)
_DATE_TAG = re.compile(r"\d{4}-\d{2}-\d{2}")
# Boxes close together, so that the Jupyter stack stays readable at GitHub's page width.
# Arrows at right angles (`stepBefore`): down from the parent, across in the gap between two
# rows, down into the child. A straight or curved arrow to a child far to the side leaves its
# parent sideways, through the boxes beside it.
_LAYOUT = {"flowchart": {"nodeSpacing": 20, "rankSpacing": 40, "curve": "stepBefore"}}
SEPARATOR = " · "
EXPLANATION = (
    "Each box is an image: its outcome on each platform, its size and the version tags it adds "
    "to its parent's; dotted arrows lead to its variants."
)


@dataclass(frozen=True)
class DiagramBuild:
    """One build of an image in one variant on one platform, as a run record lists it."""

    image: str
    variant: str
    platform: str
    outcome: str  # passed, failed or incomplete
    tags: tuple[str, ...] = ()  # as recorded: with the platform (and variant) prefix
    size_bytes: int | None = None
    parent: str = ""
    timestamp: str = ""  # the build's, as the record has it: of several, the latest is shown

    def key_tags(self) -> list[str]:
        """Its version tags without prefix, only the most precise one of each tool."""
        prefix = tag_prefix(self.platform, self.variant) + "-"
        bare = [tag.removeprefix(prefix) for tag in self.tags if tag.startswith(prefix)]
        versions = [
            tag for tag in bare if _VERSION_TAG.fullmatch(tag) and not _DATE_TAG.fullmatch(tag)
        ]
        return [tag for tag in versions if not any(o.startswith(tag + ".") for o in versions)]


@dataclass(frozen=True)
class StackImage:
    """An image of the diagram: its parent and the variants it is built in."""

    name: str
    parent: str = ""
    variants: tuple[str, ...] = ()


def images_of_stack(stack: Stack) -> list[StackImage]:
    """The declared images of `stack`, in its order (parents first)."""
    return [StackImage(spec.name, spec.parent, spec.variants) for spec in stack.images.values()]


def images_of_builds(builds: Iterable[DiagramBuild]) -> list[StackImage]:
    """The images that `builds` show, with the parents and variants their builds name.

    Parents without a build of their own are included (as roots), so every edge has both
    ends; parents come before children, siblings by name, and a cycle is cut.
    """
    parents: dict[str, str] = {}
    variants: dict[str, set[str]] = {}
    for build in builds:
        if not parents.get(build.image):
            parents[build.image] = build.parent
        variants.setdefault(build.image, set()).add(build.variant)
        if build.parent:
            parents.setdefault(build.parent, "")
            variants.setdefault(build.parent, set())
    ordered: dict[str, int] = {}  # name -> position

    def visit(name: str, path: frozenset[str]) -> None:
        if name in ordered or name in path:
            return
        if parents[name]:
            visit(parents[name], path | {name})
        ordered[name] = len(ordered)

    for name in sorted(parents):
        visit(name, frozenset())
    return [
        StackImage(
            name,
            parents[name] if ordered.get(parents[name], position) < position else "",
            tuple(sorted(variants[name] - {DEFAULT_VARIANT})),
        )
        for name, position in ordered.items()
    ]


@dataclass
class _Box:
    """One box of the diagram: an image in one variant, and its latest build per platform."""

    node: str
    image: str
    variant: str
    builds: list[DiagramBuild] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        found = {build.outcome for build in self.builds}
        return next((outcome for outcome in _WORST_FIRST if outcome in found), NOT_SELECTED)

    def key_tags(self) -> list[str]:
        return list(dict.fromkeys(tag for build in self.builds for tag in build.key_tags()))

    def label(self, inherited: set[str], with_tags: bool) -> str:
        """The box's lines: name (and variant), outcome, size per platform, key tags."""
        lines = [text(self.image)]
        if self.variant != DEFAULT_VARIANT:
            lines.append(text(f"variant {self.variant}"))
        builds = sorted(self.builds, key=lambda found: found.platform)
        uniform = len({build.outcome for build in builds}) == 1
        if uniform or not builds:
            lines.append(text(self.outcome))
        for build in builds:
            words = [build.platform] if uniform else [build.platform, build.outcome]
            if build.size_bytes is not None:
                words.append(human_size(build.size_bytes))
            if any(words):  # an image never found has no platform
                lines.append(SEPARATOR.join(text(word) for word in words if word))
        if with_tags:
            lines += [text(tag) for tag in self.key_tags() if tag not in inherited]
        return LINE_BREAK.join(lines)


def _boxes(
    images: Sequence[StackImage], builds: Iterable[DiagramBuild]
) -> dict[tuple[str, str], _Box]:
    boxes: dict[tuple[str, str], _Box] = {}
    for image in images:
        for variant in (DEFAULT_VARIANT, *image.variants):
            boxes[(image.name, variant)] = _Box(f"n{len(boxes)}", image.name, variant)
    latest: dict[tuple[str, str, str], DiagramBuild] = {}
    for build in builds:
        key = (build.image, build.variant, build.platform)
        if key not in latest or latest[key].timestamp <= build.timestamp:
            latest[key] = build
    for build in latest.values():
        box = boxes.get((build.image, build.variant))
        if box is not None:
            box.builds.append(build)
    return boxes


def _inherited(
    images: Mapping[str, StackImage], boxes: Mapping[tuple[str, str], _Box], box: _Box
) -> set[str]:
    """The key tags a box's parent carries: its image's default build for a variant, else
    the nearest ancestor that has any."""
    if box.variant != DEFAULT_VARIANT:
        return set(boxes[(box.image, DEFAULT_VARIANT)].key_tags())
    parent = images[box.image].parent
    while parent:
        tags = boxes[(parent, DEFAULT_VARIANT)].key_tags()
        if tags:
            return set(tags)
        parent = images[parent].parent
    return set()


def _flowchart(
    images: Sequence[StackImage], boxes: Mapping[tuple[str, str], _Box], with_tags: bool
) -> tuple[str, int]:
    by_name = {image.name: image for image in images}
    lines = [init_directive(_LAYOUT), "flowchart TD"]
    for box in boxes.values():
        label = box.label(_inherited(by_name, boxes, box), with_tags)
        lines.append(f'  {box.node}["{label}"]')
    edges = 0
    for (name, variant), box in boxes.items():
        if variant != DEFAULT_VARIANT:
            lines.append(f"  {boxes[(name, DEFAULT_VARIANT)].node} -.-> {box.node}")
        elif by_name[name].parent:
            lines.append(f"  {boxes[(by_name[name].parent, DEFAULT_VARIANT)].node} --> {box.node}")
        else:
            continue
        edges += 1
    for outcome, style in _CLASSES.items():
        nodes = [box.node for box in boxes.values() if box.outcome == outcome]
        class_name = outcome.replace(" ", "")
        lines.append(f"  classDef {class_name} {style}")
        if nodes:
            lines.append(f"  class {','.join(nodes)} {class_name}")
    return "\n".join(lines), edges


def stack_flowchart(images: Sequence[StackImage], builds: Iterable[DiagramBuild]) -> str | None:
    """The flowchart of `images` with the outcomes of `builds`; without key tags when that is
    what it takes to stay within Mermaid's limits, and None when even that is too big.

    Builds of images or variants not in `images` are left out.
    """
    boxes = _boxes(images, builds)
    for with_tags in (True, False):
        diagram, edges = _flowchart(images, boxes, with_tags)
        if fits(diagram, edges):
            return diagram
    return None


def stack_section(images: Sequence[StackImage], builds: Iterable[DiagramBuild]) -> str:
    """Markdown for the stack: the explanation and the diagram (or why there is none)."""
    diagram = stack_flowchart(images, builds)
    if diagram is None:
        return (
            f"The stack's {len(images)} images are too many for one diagram within Mermaid's "
            "limits."
        )
    return f"{EXPLANATION}\n\n{mermaid_block(diagram)}"


def stack_page(images: Sequence[StackImage], builds: Iterable[DiagramBuild]) -> str:
    """The Markdown file an output folder holds: `diagrams/stack.md`."""
    return f"# The stack\n\n{stack_section(images, builds)}\n"
