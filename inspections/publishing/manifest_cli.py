"""Multi-platform manifest lists with the `docker manifest` commands of the Docker CLI.

The CLI reads the registry credentials of `docker login`. Lists are assembled in the CLI's
local store, then pushed with `--purge`, which removes them from the store again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence

from inspections.docker_engine import platform_of
from inspections.publishing.errors import PublishError

_NO_SUCH_MANIFEST = "no such manifest"


class ManifestCli:
    """`docker manifest` against one kind of registry: `insecure` for a plain-HTTP one."""

    def __init__(self, insecure: bool) -> None:
        executable = shutil.which("docker")
        if executable is None:
            raise PublishError(
                "the docker CLI is not on PATH: install it (Debian: apt-get install docker.io)"
            )
        self.executable = executable
        self.insecure = insecure

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        flags = ["--insecure"] if self.insecure else []
        return subprocess.run(
            [self.executable, "manifest", args[0], *flags, *args[1:]],
            capture_output=True,
            text=True,
            check=False,
        )

    @staticmethod
    def _said(completed: subprocess.CompletedProcess[str]) -> str:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {completed.returncode}"

    def platform(self, reference: str) -> str | None:
        """The platform (`x86_64`) of a single-platform image in the registry; None if absent."""
        completed = self._run("inspect", "-v", reference)
        if completed.returncode != 0:
            if _NO_SUCH_MANIFEST in completed.stderr.lower():
                return None
            raise PublishError(
                f"cannot read {reference} from the registry ({self._said(completed)}): "
                "check that it answers and that you are logged in"
            )
        found = json.loads(completed.stdout)
        if isinstance(found, list):
            raise PublishError(
                f"{reference} is already a multi-platform list: push a single-platform image there"
            )
        return platform_of(str(found["Descriptor"]["platform"]["architecture"]))

    def create_and_push(self, target: str, sources: Sequence[str]) -> str:
        """Create the list `target` of `sources`, push it, and return its digest."""
        self.discard(target)
        created = self._run("create", target, *sources)
        if created.returncode != 0:
            raise PublishError(f"docker manifest create {target} failed: {self._said(created)}")
        pushed = self._run("push", "--purge", target)
        if pushed.returncode != 0:
            self.discard(target)
            raise PublishError(f"docker manifest push {target} failed: {self._said(pushed)}")
        return (pushed.stdout.split() or ["(no digest printed)"])[-1]

    def discard(self, target: str) -> None:
        """Remove `target` from the CLI's local store, if there."""
        subprocess.run(
            [self.executable, "manifest", "rm", target], capture_output=True, check=False
        )
