"""Values of container inspections kept by image id, for re-runs on unchanged images.

An entry is used only when the image id, the inspection and its code are all the same as
when it was written; anything unreadable is ignored, so the inspection simply runs again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from inspections.outputs import write_atomically

LIBRARY = Path(__file__).parent / "library"


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big") + part)
    return hasher.hexdigest()


class ValueCache:
    """A folder of `<image id>/<inspection digest>.json` entries."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._code: dict[Callable[..., Any], str] = {}

    def code_of(self, function: Callable[..., Any]) -> str:
        """A digest of the inspection's module, the library and this package's version."""
        if function not in self._code:
            source = Path(inspect.getsourcefile(function) or "")
            library = sorted(LIBRARY.glob("*.py"))
            self._code[function] = _digest(
                metadata.version("stack-inspections").encode(),
                source.read_bytes() if source.is_file() else b"",
                *(path.read_bytes() for path in library),
            )
        return self._code[function]

    def _path(self, image_id: str, key: str) -> Path:
        return self.folder / image_id.replace(":", "-") / f"{_digest(key.encode())}.json"

    def get(self, image_id: str, key: str, function: Callable[..., Any]) -> str | None:
        """The value stored for this image and inspection code, or None."""
        try:
            entry = json.loads(self._path(image_id, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        if entry.get("code") != self.code_of(function):
            return None
        value = entry.get("value")
        return value if isinstance(value, str) else None

    def put(self, image_id: str, key: str, function: Callable[..., Any], value: str) -> None:
        """Store `value` for this image and inspection code."""
        entry = {"key": key, "code": self.code_of(function), "value": value}
        write_atomically(self._path(image_id, key), json.dumps(entry))
