"""Which image a file, an item or a node id of the stack belongs to, and which inspection an
item is; every other file, item or id belongs to none.

A file in an image folder, or in an image's folder of image tests
(`<inspections_image_tests>/<image>/`), applies to that image and its descendants; a file
under one of the shared test folders applies to every image. Only the selected images count.
A test that takes no `image` runs with fixtures of the project's own: where another plugin's
`--image` names the images those run on, it counts for these only.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import pytest

from inspections.api import spec_of
from inspections.plugin.nodeids import NodeIdImages
from inspections.plugin.plan import InspectionPlan, inspection_key
from inspections.stack import Stack


def default_paths(
    stack: Stack,
    selected: Sequence[str],
    shared_tests: Sequence[Path],
    image_tests: Sequence[Path],
) -> list[Path]:
    """What a session without path arguments collects: the stack folder, the shared tests and
    the image tests of the `selected` images and their ancestors."""
    lineages = {name for image in selected for name in stack.lineage_names(image)}
    own_tests = [
        folder / name
        for folder in image_tests
        for name in stack.images
        if name in lineages and (folder / name).is_dir()
    ]
    return [stack.folder, *shared_tests, *own_tests]


class ItemIndex:
    """The stack's files, items and node ids by image; each file is looked at once."""

    def __init__(
        self,
        stack: Stack,
        plan: InspectionPlan,
        shared_tests: Sequence[Path],
        image_tests: Sequence[Path],
        rootpath: Path,
        arguments: Sequence[str],
        their_images: Sequence[str] = (),
    ) -> None:
        """`arguments`: the session's path arguments, against which pytest writes the node ids
        of files outside `rootpath`; `their_images`: the images another plugin's `--image`
        names (none: the project's own fixtures may run on any image)."""
        self.plan = plan
        self._their_images = tuple(their_images)
        self._stack = stack
        self._shared_tests = shared_tests
        self._image_tests = image_tests
        self._rootpath = rootpath
        self._arguments = arguments
        self._owners: dict[Path, str | None] = {}
        self._images_for: dict[Path, list[str] | None] = {}

    def owner_of(self, path: Path) -> str | None:
        """The image whose folder holds the file `path`."""
        if path not in self._owners:
            self._owners[path] = self._stack.image_owning(path)
        return self._owners[path]

    def images_for(self, path: Path) -> list[str] | None:
        """The selected images a test file applies to; None when the file is not the stack's."""
        if path not in self._images_for:
            self._images_for[path] = self._find_images_for(path)
        return self._images_for[path]

    def is_stack_file(self, path: Path) -> bool:
        """Whether `path` is a test file of the stack (see the module's doc)."""
        return self.images_for(path) is not None

    def _find_images_for(self, path: Path) -> list[str] | None:
        owner = self.owner_of(path) or self._image_tests_owner(path)
        if owner is not None:
            return [name for name in self.plan.images if owner in self._stack.lineage_names(name)]
        resolved = path.resolve()
        if any(resolved.is_relative_to(folder.resolve()) for folder in self._shared_tests):
            return list(self.plan.images)
        return None

    def _image_tests_owner(self, path: Path) -> str | None:
        """The image whose folder of image tests holds `path`; None for every other path."""
        resolved = path.resolve()
        for folder in self._image_tests:
            base = folder.resolve()
            if resolved.is_relative_to(base):
                parts = resolved.relative_to(base).parts
                if len(parts) > 1 and parts[0] in self._stack.images:
                    return parts[0]
        return None

    def image_of(self, item: pytest.Item) -> str | None:
        """The image a stack item runs on (its `image` parameter); None for every other item."""
        callspec = getattr(item, "callspec", None)
        if callspec is None or not self.is_stack_file(item.path):
            return None
        name = callspec.params.get("image")
        return name if name in self.plan.images else None

    def images_of(self, item: pytest.Item) -> list[str]:
        """The selected images whose verdict `item` counts for: its image if it takes `image`;
        else, for a test of the stack's files, the images its file applies to that its own
        fixtures run on."""
        if "image" in getattr(item, "fixturenames", ()):
            image = self.image_of(item)
            return [image] if image else []
        return self._run_on(self.images_for(item.path) or [])

    def _run_on(self, images: list[str]) -> list[str]:
        """Of `images`, those a test with the project's own fixtures runs on."""
        if not self._their_images:
            return images
        return [name for name in images if name in self._their_images]

    def inspection_key_of(self, item: pytest.Item) -> str | None:
        """The plan key of an inspection item; None for anything else."""
        if not isinstance(item, pytest.Function) or spec_of(item.obj) is None:
            return None
        owner = self.owner_of(item.path) or ""
        return inspection_key(owner, item.path, item.originalname)

    @functools.cached_property
    def _node_ids(self) -> NodeIdImages:
        initial = [Path(argument.split("::", 1)[0]).absolute() for argument in self._arguments]
        return NodeIdImages(self._rootpath, initial, self.images_for, self.plan.images)

    def image_of_nodeid(self, nodeid: str) -> str | None:
        """The image a stack item runs on, from its node id alone; None for every other id."""
        return self._node_ids.image_of(nodeid)

    def images_of_nodeid(self, nodeid: str) -> list[str]:
        """`images_of` from a node id alone (a crashed worker's item has nothing more)."""
        images = self._node_ids.images_of(nodeid)
        return images if self.image_of_nodeid(nodeid) else self._run_on(images)

    def location_of(self, image: str) -> str:
        """The image folder as a node id path: relative to the rootdir where possible."""
        folder = self._stack.images[image].folder.absolute()
        if folder.is_relative_to(self._rootpath):
            return folder.relative_to(self._rootpath).as_posix()
        return folder.as_posix()
