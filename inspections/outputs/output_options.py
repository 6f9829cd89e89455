"""The options the outputs depend on, as this stage reads them (the plugin's `RunOptions`
has them all)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class OutputOptions(Protocol):
    """What was asked of the outputs: how images are named, what gates them, where they go."""

    @property
    def registry(self) -> str: ...

    @property
    def owner(self) -> str: ...

    @property
    def variant(self) -> str: ...

    @property
    def repository(self) -> str:
        """The repository URL that links in outputs point into."""

    @property
    def test_gate(self) -> bool:
        """Whether a failed image test keeps its image from getting files."""

    @property
    def emit_dir(self) -> Path | None:
        """The output folder (`--emit-manifests`), if files were asked for."""

    @property
    def compare_to(self) -> Path | None:
        """The earlier run each image is compared with (`--compare-to`), if any."""

    @property
    def apply_tags(self) -> bool:
        """Whether passed images are tagged in the local engine (`--apply-tags`)."""
