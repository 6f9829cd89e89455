"""stack-inspections: tags and build manifests for the images of a parent/child stack.

The names below are loaded on first use, so that the console scripts, which import other
modules of the package, do not load pytest with them."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspections.api import manifest, packages, tagger
    from inspections.commands import InspectionError, output_of, quoted_output, with_stderr

_HOMES = {
    "manifest": "inspections.api",
    "packages": "inspections.api",
    "tagger": "inspections.api",
    "InspectionError": "inspections.commands",
    "output_of": "inspections.commands",
    "quoted_output": "inspections.commands",
    "with_stderr": "inspections.commands",
}
__all__ = [
    "InspectionError",
    "manifest",
    "output_of",
    "packages",
    "quoted_output",
    "tagger",
    "with_stderr",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'inspections' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
