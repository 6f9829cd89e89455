"""The docker client: which one can build with BuildKit, the engine check, images by reference.

Every docker command goes through a client binary, as a user's `docker build` does, so that
`DOCKER_HOST` and docker contexts apply alike. Commands other than builds use the first
`docker` on PATH; builds use the first client that builds with BuildKit: one with the buildx
plugin, or one older than 23.0, which has BuildKit built in (Debian 12's docker.io is 20.10).
`STACK_BUILD_DOCKER=/path/to/docker` makes that one client the only one used.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field

from inspections.building.child_processes import ending_with_this_process, terminate
from inspections.building.errors import BuildError, BuildUsageError
from inspections.references import engine_form
from inspections.runtime.engine import platform_of
from inspections.text import one_line

DEBIAN_CLIENT = "/usr/bin/docker"
CLIENT_VARIABLE = "STACK_BUILD_DOCKER"
ENGINE_TIMEOUT_SECONDS = 60.0
# From this version on, a client without the buildx plugin builds only with the classic builder.
BUILDX_REQUIRED_FROM = 23


@dataclass(frozen=True)
class ImageFacts:
    """What stack-build needs to know of a local image."""

    id: str
    labels: dict[str, str] = field(default_factory=dict)
    size_bytes: int | None = None
    platform: str = ""


@dataclass(frozen=True)
class Builder:
    """The client that runs `docker build`, and whether it builds with BuildKit."""

    client: str
    buildkit: bool

    @property
    def environment(self) -> dict[str, str]:
        return {**os.environ, "DOCKER_BUILDKIT": "1" if self.buildkit else "0"}


def docker_clients() -> list[str]:
    """Every `docker` on PATH, in PATH order, then Debian's client; each binary once.

    Only the client `STACK_BUILD_DOCKER` names, when it is set.
    """
    chosen = os.environ.get(CLIENT_VARIABLE)
    if chosen:
        if not os.access(chosen, os.X_OK):
            raise BuildUsageError(
                f"{CLIENT_VARIABLE}={chosen} is not an executable docker client: fix or unset it"
            )
        return [chosen]
    found: list[str] = []
    folders = os.environ.get("PATH", "").split(os.pathsep)
    candidates = [os.path.join(folder, "docker") for folder in folders if folder]
    for candidate in [*candidates, DEBIAN_CLIENT]:
        executable = os.access(candidate, os.X_OK) and os.path.isfile(candidate)
        if executable and os.path.realpath(candidate) not in map(os.path.realpath, found):
            found.append(candidate)
    return found


def _version_major(text: str) -> int | None:
    match = re.match(r"\s*(\d+)\.", text)
    return int(match.group(1)) if match else None


def builds_with_buildkit(client: str) -> bool:
    """Whether `client` can drive a BuildKit build: buildx, or BuildKit built in (before 23)."""
    buildx = subprocess.run(
        [client, "buildx", "version"], capture_output=True, check=False, timeout=30
    )
    if buildx.returncode == 0:
        return True
    version = subprocess.run(
        [client, "version", "--format", "{{.Client.Version}}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    major = _version_major(version.stdout)
    return major is not None and major < BUILDX_REQUIRED_FROM


class Docker:
    """The docker client(s) of this machine, and the engine they talk to."""

    def __init__(self, clients: list[str] | None = None) -> None:
        self.clients = clients if clients is not None else docker_clients()
        if not self.clients:
            raise BuildError(
                "no docker client found on PATH: install one (Debian: apt-get install docker.io)"
            )
        self.client = self.clients[0]

    def run(self, *arguments: str, timeout: float | None = ENGINE_TIMEOUT_SECONDS) -> str:
        """Run a docker command that must succeed; its stdout (BuildError naming it otherwise)."""
        completed = self._run(arguments, timeout)
        if completed.returncode != 0:
            raise BuildError(
                f"`docker {' '.join(arguments[:2])}` failed: "
                f"{one_line(completed.stderr.strip()) or f'exit {completed.returncode}'}"
            )
        return completed.stdout

    def _run(
        self, arguments: Iterable[str], timeout: float | None
    ) -> subprocess.CompletedProcess[str]:
        """Run a docker command to its end; on a timeout or an interrupt (Ctrl-C, SIGTERM) it
        is stopped with SIGTERM and waited for, so that it cleans up what it was writing."""
        process = subprocess.Popen(
            [self.client, *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=ending_with_this_process(),
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            terminate(process)
            raise BuildError(
                f"the Docker engine did not answer within {error.timeout:.0f} s: "
                "check that dockerd is running (docker info)"
            ) from error
        except BaseException:
            terminate(process)
            raise
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def engine_platform(self) -> str:
        """The engine's platform (`x86_64`); BuildError in one line when it does not answer."""
        completed = self._run(["version", "--format", "{{.Server.Arch}}"], ENGINE_TIMEOUT_SECONDS)
        architecture = completed.stdout.strip()
        if completed.returncode != 0 or not architecture:
            reason = one_line(
                completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else ""
            )
            raise BuildError(
                f"the Docker engine does not answer ({reason or 'no server version'}): start "
                "dockerd, or point DOCKER_HOST at a running engine"
            )
        return platform_of(architecture)

    def inspect(self, references: Iterable[str]) -> dict[str, ImageFacts]:
        """The local images among `references` (absent ones are left out), in one call."""
        wanted = sorted(set(references))
        if not wanted:
            return {}
        completed = self._run(["image", "inspect", *wanted], ENGINE_TIMEOUT_SECONDS)
        found: dict[str, ImageFacts] = {}
        for entry in json.loads(completed.stdout or "[]"):
            facts = _facts(entry)
            names = {engine_form(tag) for tag in entry.get("RepoTags") or []}
            for reference in wanted:
                if engine_form(reference) in names or reference == facts.id:
                    found[reference] = facts
        return found

    def image(self, reference: str) -> ImageFacts | None:
        """One local image, or None."""
        return self.inspect([reference]).get(reference)

    def remove_if_untagged(self, image_id: str) -> None:
        """Remove an image a rebuild replaced, when no tag names it any more (no force)."""
        facts = self._run(["image", "inspect", "--format", "{{len .RepoTags}}", image_id], 30)
        if facts.returncode == 0 and facts.stdout.strip() == "0":
            self._run(["image", "rm", image_id], ENGINE_TIMEOUT_SECONDS)

    @functools.cached_property
    def builder(self) -> Builder:
        """The first client that builds with BuildKit, else the first client (classic builds)."""
        for client in self.clients:
            if builds_with_buildkit(client):
                return Builder(client, buildkit=True)
        return Builder(self.client, buildkit=False)


def _facts(entry: dict[str, object]) -> ImageFacts:
    config = entry.get("Config")
    labels = config.get("Labels") if isinstance(config, dict) else None
    size = entry.get("Size")
    return ImageFacts(
        id=str(entry.get("Id", "")),
        labels=dict(labels) if isinstance(labels, dict) else {},
        size_bytes=size if isinstance(size, int) else None,
        platform=platform_of(str(entry.get("Architecture", ""))),
    )
