"""Counting the commits of a month in the stack's git checkout, for the wiki's Home page."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from inspections.publishing.errors import PublishError, PublishUsageError


class CommitCounter:
    """The first-parent history of a checkout's HEAD, counted month by month in UTC."""

    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        shallow = self._git("rev-parse", "--is-shallow-repository")
        if shallow == "true":
            raise PublishUsageError(
                f"{checkout} is a shallow clone: its commit counts would be wrong; fetch the "
                "whole history (git fetch --unshallow, or fetch-depth: 0 in CI)"
            )

    def _git(self, *args: str) -> str:
        try:
            completed = subprocess.run(
                ["git", "-C", str(self.checkout), *args],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "TZ": "UTC"},
            )
        except FileNotFoundError as error:
            raise PublishError("git is not installed: install it to count the commits") from error
        if completed.returncode != 0:
            said = (completed.stderr.strip().splitlines() or ["no message"])[0]
            raise PublishUsageError(
                f"{self.checkout} is not a git checkout with history ({said}): run in the "
                "stack's checkout, or pass --checkout DIR"
            )
        return completed.stdout.strip()

    def in_month(self, month: str) -> int:
        """Commits on the first-parent line of HEAD made during `month` (YYYY-MM), in UTC."""
        year, number = int(month[:4]), int(month[5:])
        following = f"{year + 1}-01-01" if number == 12 else f"{year}-{number + 1:02d}-01"
        count = self._git(
            "rev-list",
            "--count",
            "--first-parent",
            "--since",
            f"{month}-01.midnight",
            "--until",
            f"{following}.midnight",
            "HEAD",
        )
        return int(count)
