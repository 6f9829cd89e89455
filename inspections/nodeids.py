"""Which image a node id belongs to, from the id alone (the xdist controller sees only ids).

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
    """Maps node ids of the stack's items to their image; every other id maps to None."""

    def __init__(
        self,
        rootpath: Path,
        initial_paths: Iterable[Path],
        is_stack_file: Callable[[Path], bool],
        images: tuple[str, ...],
    ) -> None:
        folders = [path if path.is_dir() else path.parent for path in initial_paths]
        self._bases = [rootpath, *folders]
        self._is_stack_file = is_stack_file
        self._images = images
        self._stack_files: dict[str, bool] = {}

    def _in_stack(self, file_part: str) -> bool:
        if file_part not in self._stack_files:
            candidates = [(base / file_part).absolute() for base in self._bases]
            self._stack_files[file_part] = any(
                path.is_file() and self._is_stack_file(path) for path in candidates
            )
        return self._stack_files[file_part]

    def image_of(self, nodeid: str) -> str | None:
        """The image the stack item `nodeid` runs on; None for anything else."""
        if not self._in_stack(nodeid.split("::", 1)[0]):
            return None
        return image_in_parameters(nodeid, self._images)
