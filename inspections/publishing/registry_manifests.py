"""Multi-platform manifest lists with the `docker manifest` commands of the Docker CLI.

The CLI reads the registry credentials of `docker login`. Lists are assembled in the CLI's
local store, then pushed with `--purge`, which removes them from the store again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inspections.publishing.errors import PublishError
from inspections.references import DIGEST
from inspections.runtime.engine import platform_of

_NO_SUCH_MANIFEST = "no such manifest"
# Where `docker manifest inspect -v` puts the manifest of a Docker or an OCI image.
_MANIFEST_KEYS = ("SchemaV2Manifest", "OCIManifest")


@dataclass(frozen=True)
class RegistryImage:
    """A single-platform image in a registry: its manifest digest, platform and config digest.

    For an image the Docker engine pushed, the config digest is the image id.
    """

    digest: str
    platform: str
    config_digest: str


def _registry_image(reference: str, found: Any) -> RegistryImage:
    try:
        descriptor = found["Descriptor"]
        manifest = next(found[key] for key in _MANIFEST_KEYS if key in found)
        return RegistryImage(
            digest=str(descriptor["digest"]),
            platform=platform_of(str(descriptor["platform"]["architecture"])),
            config_digest=str(manifest["config"]["digest"]),
        )
    except (KeyError, TypeError, StopIteration) as error:
        raise PublishError(
            f"{reference} in the registry is not a Docker or OCI image manifest: push an image "
            "built by docker there"
        ) from error


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

    def inspect(self, reference: str) -> RegistryImage | None:
        """The single-platform image `reference` names in the registry; None if absent."""
        completed = self._run("inspect", "-v", reference)
        if completed.returncode != 0:
            if _NO_SUCH_MANIFEST in completed.stderr.lower():
                return None
            raise PublishError(
                f"cannot read {reference} from the registry ({self._said(completed)}): "
                "check that it answers and that you are logged in"
            )
        try:
            found = json.loads(completed.stdout)
        except json.JSONDecodeError as error:
            raise PublishError(
                f"docker manifest inspect {reference} printed no JSON: check the docker CLI"
            ) from error
        if isinstance(found, list):
            raise PublishError(
                f"{reference} is already a multi-platform list: push a single-platform image there"
            )
        return _registry_image(reference, found)

    def create_and_push(self, target: str, sources: Sequence[str]) -> str:
        """Create the list `target` of `sources` (`repo@digest`), push it, return its digest."""
        self.discard(target)
        created = self._run("create", target, *sources)
        if created.returncode != 0:
            raise PublishError(f"docker manifest create {target} failed: {self._said(created)}")
        pushed = self._run("push", "--purge", target)
        if pushed.returncode != 0:
            self.discard(target)
            raise PublishError(f"docker manifest push {target} failed: {self._said(pushed)}")
        digest = (pushed.stdout.split() or [""])[-1]
        if not DIGEST.fullmatch(digest):
            raise PublishError(
                f"docker manifest push {target} printed no digest: check the registry and the CLI"
            )
        return digest

    def discard(self, target: str) -> None:
        """Remove `target` from the CLI's local store, if there."""
        subprocess.run(
            [self.executable, "manifest", "rm", target], capture_output=True, check=False
        )
