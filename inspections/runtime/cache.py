"""Values of container inspections kept by image id, for re-runs on unchanged images.

An entry is used only when the image id, the inspection and all code it can reach are the
same as when it was written. "All code" is taken conservatively: every Python file of this
package and of the stack folder, every project module reachable from the inspection's module
(through the names it imports, transitively), the size and modification time of third-party
modules it names, and the Python version. Only inspections that read nothing but the
container are cached; anything that also reads the build (git, clock) is computed afresh.
Unreadable entries are ignored: the inspection simply runs again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
import sysconfig
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from inspections.bounded_json import parse_json
from inspections.files import write_atomically
from inspections.values import Value

PACKAGE = Path(__file__).resolve().parents[1]
CACHEABLE_ARGUMENTS = frozenset({"host", "container"})


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big") + part)
    return hasher.hexdigest()


def _python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if path.is_file())


def _library_roots() -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Folders of the standard library, and of installed third-party packages."""
    paths = sysconfig.get_paths()
    standard = {paths["stdlib"], paths["platstdlib"]}
    installed = {paths["purelib"], paths["platlib"]}
    return (
        tuple(Path(path).resolve() for path in standard),
        tuple(Path(path).resolve() for path in installed),
    )


class CodeDigests:
    """The digest of all code an inspection can reach, computed once per function."""

    def __init__(self, stack_folder: Path) -> None:
        self._standard, self._installed = _library_roots()
        files = [*_python_files(PACKAGE), *_python_files(stack_folder)]
        self._base = _digest(sys.version.encode(), *(self._fingerprint(path) for path in files))
        # Files already in the base: a module among them is followed, but not read again.
        self._in_base = {path.resolve() for path in files}
        self._digests: dict[Callable[..., Any], str] = {}
        # Per module: its fingerprint (None when the base covers it, or for the standard
        # library) and the modules it names.
        self._modules: dict[str, tuple[bytes | None, list[ModuleType]]] = {}

    @staticmethod
    def _fingerprint(path: Path) -> bytes:
        return str(path).encode() + b"\0" + path.read_bytes()

    def of(self, function: Callable[..., Any]) -> str:
        """The digest for `function`: the shared base plus what its module reaches."""
        if function not in self._digests:
            module = inspect.getmodule(function)
            reached = self._reached(module) if module is not None else []
            self._digests[function] = _digest(self._base.encode(), *reached)
        return self._digests[function]

    def _reached(self, start: ModuleType) -> list[bytes]:
        """Fingerprints of the project files and third-party modules reachable from `start`."""
        seen: set[str] = set()
        queue = [start]
        parts: list[bytes] = []
        while queue:
            module = queue.pop()
            if module.__name__ in seen:
                continue
            seen.add(module.__name__)
            if module.__name__ not in self._modules:
                self._modules[module.__name__] = self._module_facts(module)
            fingerprint, named = self._modules[module.__name__]
            if fingerprint is not None:
                parts.append(fingerprint)
            queue += named
        return sorted(parts)

    def _module_facts(self, module: ModuleType) -> tuple[bytes | None, list[ModuleType]]:
        """A module's fingerprint and, for a project module, the modules it names.

        Project files count by content (those of the base already do); third-party modules
        by path, size and modification time (not followed further); the standard library
        not at all.
        """
        origin = getattr(module, "__file__", None)
        if not origin or not Path(origin).is_file():
            return None, []
        path = Path(origin).resolve()
        if any(path.is_relative_to(root) for root in self._standard):
            return None, []
        if any(path.is_relative_to(root) for root in self._installed):
            stat = path.stat()
            return f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode(), []
        named = list(_modules_named_by(module))
        if path in self._in_base:
            return None, named
        digest = hashlib.sha256(self._fingerprint(path)).hexdigest()
        return f"{path}\0{digest}".encode(), named


def _modules_named_by(module: ModuleType) -> Iterable[ModuleType]:
    """The modules that `module` imported, or imported something from."""
    for value in list(vars(module).values()):
        if isinstance(value, ModuleType):
            yield value
            continue
        owner = getattr(value, "__module__", None)
        if isinstance(owner, str) and owner in sys.modules:
            yield sys.modules[owner]


class ValueCache:
    """A folder of `<image id>/<inspection digest>.json` entries."""

    def __init__(self, folder: Path, stack_folder: Path) -> None:
        self.folder = folder
        self.code = CodeDigests(stack_folder)

    def _path(self, image_id: str, key: str) -> Path:
        return self.folder / image_id.replace(":", "-") / f"{_digest(key.encode())}.json"

    def get(self, image_id: str, key: str, function: Callable[..., Any]) -> Value | None:
        """The value stored for this image and inspection code, or None."""
        try:
            entry = parse_json(self._path(image_id, key).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        if entry.get("code") != self.code.of(function):
            return None
        value = entry.get("value")
        return value if isinstance(value, str | dict) else None

    def put(self, image_id: str, key: str, function: Callable[..., Any], value: Value) -> None:
        """Store `value` for this image and inspection code (OSError when that fails)."""
        entry = {"key": key, "code": self.code.of(function), "value": value}
        write_atomically(self._path(image_id, key), json.dumps(entry))
