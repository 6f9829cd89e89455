"""Each image's verdict: whether it gets its files, and why not (see `verdict_items` for how
it is reported)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from inspections.build_info import BuildInfo
from inspections.errors import StackInspectionError
from inspections.formats.inspected_image import InspectedImage
from inspections.formats.tags_file import tag_lines
from inspections.outputs.output_options import OutputOptions
from inspections.outputs.record_entry import FAILED, INCOMPLETE, PASSED
from inspections.outputs.results import ImageResult, InspectionResult
from inspections.references import PLATFORM
from inspections.stack import Stack

if TYPE_CHECKING:
    from inspections.formats.stack_diagram import DiagramBuild
    from inspections.inventory.model import Inventory

# Tags a local image id with fully qualified references (`Engine.tag`).
TagImage = Callable[[str, list[str]], None]


@dataclass
class ImageVerdict:
    """Whether an image gets its files, and why not.

    Failures are defects (a failed inspection or image test, clashing tags); missing
    inspections (deselected, skipped, or a session stopped early) only make outputs partial.
    """

    name: str
    failures: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    inspected: InspectedImage | None = None
    inventory: Inventory | None = None  # its inventory inspections' packages; None: it has none

    @property
    def status(self) -> str:
        """`passed`, `failed` or `incomplete`."""
        if self.failures:
            return FAILED
        if self.missing or self.inspected is None:
            return INCOMPLETE
        return PASSED

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def reasons(self) -> list[str]:
        return [*self.failures, *self.missing]


def _duplicate_tags(result: ImageResult) -> list[str]:
    seen: dict[str, str] = {"latest": "the implicit latest tag"}
    problems = []
    for inspection in result.inspections.values():
        if inspection.kind != "tag" or not isinstance(inspection.value, str):
            continue
        if inspection.value in seen:
            problems.append(
                f"taggers {seen[inspection.value]} and {inspection.name} both gave tag "
                f"{inspection.value!r}: make one of them distinct"
            )
        seen[inspection.value] = inspection.name
    return problems


def judge(
    result: ImageResult, options: OutputOptions, build: BuildInfo, dockerfile: str
) -> ImageVerdict:
    """The verdict for one image: what it is written as when everything passed, else why not."""
    failures = result.inspection_failures()
    if options.test_gate:
        failures += [
            f"image test {nodeid} failed: {result.test_errors.get(nodeid, '')}"
            for nodeid in result.failed_tests
        ]
        failures += result.tests_on_another_image()
    if not result.reported:
        return ImageVerdict(result.name, failures, missing=["no inspection of this image ran"])
    verdict = ImageVerdict(result.name, failures, missing=result.missing_inspections())
    verdict.failures += _duplicate_tags(result)
    if verdict.reasons:
        return verdict
    platform = str(result.facts.get("platform", ""))
    if not PLATFORM.fullmatch(platform):
        verdict.failures.append(f"unknown platform {platform!r} of the image")
        return verdict
    values = list(result.inspections.values())
    try:
        verdict.inspected = InspectedImage(
            name=result.name,
            platform=platform,
            variant=options.variant,
            registry=options.registry,
            owner=options.owner,
            repository=options.repository,
            dockerfile=dockerfile,
            size_bytes=int(result.facts.get("size_bytes", 0)),
            tags=tuple(str(v.value) for v in values if v.kind == "tag"),
            pieces=tuple((v.title, str(v.value)) for v in values if v.kind == "manifest"),
            build=build,
        )
        verdict.inspected.all_tags()
        verdict.inspected.sha12  # noqa: B018 - raises when git facts are missing
        verdict.inventory = _inventory(values)
    except StackInspectionError as error:
        verdict.inspected = None
        verdict.failures.append(str(error))
    return verdict


def _inventory(values: list[InspectionResult]) -> Inventory | None:
    """The packages of all the image's inventory inspections as one, or None if it has none."""
    from inspections.inventory.model import Inventory

    listings = [Inventory.from_json(v.value) for v in values if v.kind == "inventory"]
    return Inventory.merged(*listings) if listings else None


def dockerfile_path(folder: Path, git_toplevel: str) -> str:
    """The Dockerfile in the image folder `folder`, relative to the repository root, for links."""
    folder = folder.resolve()
    if git_toplevel:
        folder = folder.relative_to(Path(git_toplevel).resolve())
    return f"{folder.as_posix()}/Dockerfile"


class Verdicts:
    """The controller's verdicts on the images of `results`, each judged once, and the tags
    applied to passed images."""

    def __init__(
        self,
        results: Mapping[str, ImageResult],
        options: OutputOptions,
        build: BuildInfo,
        stack: Stack,
    ) -> None:
        self.results = results
        self.by_image: dict[str, ImageVerdict] = {}
        self.applied_tags: dict[str, tuple[str, list[str]]] = {}  # image -> (id, references)
        self._options = options
        self._build = build
        self._stack = stack

    @property
    def strict(self) -> bool:
        """Whether outputs were asked for: then every selected image gets a verdict, and an
        incomplete one fails."""
        return self._options.emit_dir is not None or self._options.apply_tags

    def judge(self, image: str) -> ImageVerdict | None:
        """The verdict on `image`, judged on first asking; None when it needs none (nothing of
        it ran, and no outputs were asked for)."""
        if image not in self.by_image:
            result = self.results[image]
            if not (result.tested or self.strict):
                return None
            dockerfile = dockerfile_path(self._stack.images[image].folder, self._build.git_toplevel)
            self.by_image[image] = judge(result, self._options, self._build, dockerfile)
        return self.by_image[image]

    def judge_all(self) -> None:
        """Judge every image that needs a verdict and has none yet."""
        for image in self.results:
            self.judge(image)

    def tag_image(self, verdict: ImageVerdict, tag: TagImage) -> None:
        """`tag` the inspected image id with every tag of a passed image; failing fails it."""
        assert verdict.inspected is not None, "a passed verdict has its image"
        image_id = str(self.results[verdict.name].facts.get("id", ""))
        references = tag_lines(verdict.inspected)
        try:
            tag(image_id, references)
        except StackInspectionError as error:
            verdict.failures.append(f"applying tags failed: {error}")
            verdict.inspected = None
            return
        self.applied_tags[verdict.name] = (image_id, references)

    def builds(self) -> list[DiagramBuild]:
        """The build of each image judged so far, for the stack diagram."""
        from inspections.formats.stack_diagram import DiagramBuild

        builds = []
        for name, verdict in self.by_image.items():
            facts = self.results[name].facts
            size = facts.get("size_bytes")
            tags = verdict.inspected.all_tags() if verdict.passed and verdict.inspected else []
            builds.append(
                DiagramBuild(
                    image=name,
                    variant=self._options.variant,
                    platform=str(facts.get("platform", "")),
                    outcome=verdict.status,
                    tags=tuple(tags),
                    size_bytes=size if isinstance(size, int) else None,
                    parent=self._stack.images[name].parent,
                )
            )
        return builds
