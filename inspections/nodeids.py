"""Finding the image an item runs on from its node id alone (the controller sees only ids)."""

from __future__ import annotations

from collections.abc import Iterable


def image_of_nodeid(nodeid: str, images: Iterable[str]) -> str | None:
    """The image in `nodeid`'s parameter id, e.g. `base-notebook` in `f.py::g[base-notebook]`.

    The image id comes first in the brackets; other parameters follow after a dash, so the
    longest image name that fits wins.
    """
    if not nodeid.endswith("]") or "[" not in nodeid:
        return None
    params = nodeid[nodeid.index("[") + 1 : -1]
    fitting = [name for name in images if params == name or params.startswith(name + "-")]
    return max(fitting, key=len, default=None)
