"""A throwaway Docker registry on 127.0.0.1 (Debian's docker-registry), the `registry`
fixture that starts one for a test session, and reads of its API."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# What CI must install for these tests (Debian package names).
REGISTRY_APT_PACKAGES = ("docker-registry",)
REGISTRY_BINARY = "docker-registry"
STARTUP_SECONDS = 30

MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
    ]
)


@dataclass(frozen=True)
class RegistryManifest:
    """A manifest as the registry serves it."""

    digest: str
    document: dict[str, Any]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def start_registry(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a registry storing below `folder`; return its process and `127.0.0.1:<port>`."""
    binary = shutil.which(REGISTRY_BINARY)
    if binary is None:
        packages = " ".join(REGISTRY_APT_PACKAGES)
        raise RuntimeError(f"{REGISTRY_BINARY} is not installed: apt-get install -y {packages}")
    address = f"127.0.0.1:{_free_port()}"
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {folder / 'data'}\n"
        f"http:\n  addr: {address}\n",
        encoding="utf-8",
    )
    log = (folder / "registry.log").open("wb")
    process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _answers(address):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_registry(process)
            raise RuntimeError(f"{REGISTRY_BINARY} did not start: see {folder / 'registry.log'}")
        time.sleep(0.1)
    return process, address


def stop_registry(process: subprocess.Popen[bytes]) -> None:
    """Stop the registry process we started, and reap it."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`127.0.0.1:<port>` of a plain-HTTP registry that lives for the test session."""
    try:
        process, address = start_registry(tmp_path_factory.mktemp("registry"))
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield address
    stop_registry(process)


def _get(url: str) -> tuple[dict[str, Any], dict[str, str]] | None:
    request = urllib.request.Request(url, headers={"Accept": MANIFEST_TYPES})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def registry_tags(address: str, path: str) -> set[str]:
    """The tags of repository `path` (`owner/image`) in the registry; empty when it has none."""
    found = _get(f"http://{address}/v2/{path}/tags/list")
    return set(found[0].get("tags") or ()) if found else set()


def registry_manifest(address: str, path: str, tag: str) -> RegistryManifest | None:
    """The manifest (or manifest list) of `path:tag`, or None when the registry has none."""
    found = _get(f"http://{address}/v2/{path}/manifests/{tag}")
    if found is None:
        return None
    document, headers = found
    return RegistryManifest(headers["Docker-Content-Digest"], document)
