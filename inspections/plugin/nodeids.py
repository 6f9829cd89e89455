"""Which images a node id belongs to, from the id alone (the xdist controller sees only ids).

A node id starts with its file's path as pytest wrote it: relative to the rootdir when the
file lies below it, otherwise relative to the command-line argument (an initial path) that
holds it. The image is the first parameter id, e.g. `base-notebook` in
`inspect_x.py::python_tag[base-notebook]` (other parameters follow after a dash).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path


def image_in_parameters(nodeid: str, images: Iterable[str]) -> str | None:
    """The image in `nodeid`'s parameter id; the longest image name that fits wins."""
    if not nodeid.endswith("]") or "[" not in nodeid:
        return None
    params = nodeid[nodeid.index("[") + 1 : -1]
    fitting = [name for name in images if params == name or params.startswith(name + "-")]
    return max(fitting, key=len, default=None)


class NodeIdImages:
    """Maps node ids of the stack's items to their images; every other id maps to none."""

    def __init__(
        self,
        rootpath: Path,
        initial_paths: Iterable[Path],
        images_for: Callable[[Path], list[str] | None],
        images: tuple[str, ...],
    ) -> None:
        folders = [path if path.is_dir() else path.parent for path in initial_paths]
        self._bases = [rootpath, *folders]
        self._images_for = images_for
        self._images = images
        self._files: dict[str, list[str] | None] = {}

    def _file_images(self, file_part: str) -> list[str] | None:
        """The images the stack file of a node id applies to; None for any other file."""
        if file_part not in self._files:
            candidates = [(base / file_part).absolute() for base in self._bases]
            found = (self._images_for(path) for path in candidates if path.is_file())
            self._files[file_part] = next((images for images in found if images is not None), None)
        return self._files[file_part]

    def image_of(self, nodeid: str) -> str | None:
        """The image the stack item `nodeid` runs on; None for anything else."""
        if self._file_images(nodeid.split("::", 1)[0]) is None:
            return None
        return image_in_parameters(nodeid, self._images)

    def images_of(self, nodeid: str) -> list[str]:
        """The images whose verdict the item counts for: the one it runs on, or for a test
        that takes no image, every image its file applies to."""
        file_images = self._file_images(nodeid.split("::", 1)[0])
        if file_images is None:
            return []
        image = image_in_parameters(nodeid, self._images)
        return [image] if image else list(file_images)
