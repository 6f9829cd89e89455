"""The interfaces inspections are written against."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class Host(Protocol):
    """A container to run commands in (testinfra's `host` fixture)."""

    def run(self, command: str, /) -> Any:
        """Run `command` through a shell; the result has `rc`, `stdout` and `stderr`."""


class BuildStamp(Protocol):
    """When and from which commit the image under inspection was built: what an inspection
    reads of the plugin's `build_info` fixture (a `build_info.BuildInfo`)."""

    @property
    def timestamp(self) -> datetime:
        """When the session started, timezone-aware UTC, the same for every image."""

    def commit_sha(self) -> str:
        """The full 40-character sha of the commit under test."""
