"""Which docker client builds: one with buildx, or one older than 23.0 (BuildKit built in).

The clients here are scripts that answer as real clients do (outputs recorded from Debian's
docker.io 20.10.24 and docker-ce-cli 28.2.2 without the buildx plugin).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from inspections.building.build_plan import BuildTarget
from inspections.building.docker_build import BuildOptions, build_command
from inspections.building.docker_client import (
    Builder,
    Docker,
    builds_with_buildkit,
    docker_clients,
)
from inspections.building.errors import BuildError, BuildUsageError

NO_BUILDX = "docker: 'buildx' is not a docker command.\nSee 'docker --help'"
ENGINE_DOWN = (
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
    "Is the docker daemon running?"
)


def fake_client(folder: Path, version: str, buildx: bool, server: str = "amd64") -> str:
    """A `docker` script: `buildx version`, `version --format …` as that client answers."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "docker"
    buildx_answer = (
        "echo 'github.com/docker/buildx v0.14.1'" if buildx else f'echo "{NO_BUILDX}" >&2; exit 1'
    )
    server_answer = f"echo {server}" if server else f"echo '{ENGINE_DOWN}' >&2; exit 1"
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = buildx ]; then {buildx_answer}; fi\n'
        f'if [ "$3" = "{{{{.Client.Version}}}}" ]; then echo {version}; exit 0; fi\n'
        f'if [ "$3" = "{{{{.Server.Arch}}}}" ]; then {server_answer}; fi\n'
        "exit 0\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_buildkit_detection(tmp_path: Path) -> None:
    assert builds_with_buildkit(fake_client(tmp_path / "debian", "20.10.24+dfsg1", buildx=False))
    assert not builds_with_buildkit(fake_client(tmp_path / "ce", "28.2.2", buildx=False))
    assert builds_with_buildkit(fake_client(tmp_path / "ce-buildx", "28.2.2", buildx=True))


def test_the_first_client_with_buildkit_builds(tmp_path: Path) -> None:
    newer = fake_client(tmp_path / "local", "28.2.2", buildx=False)
    debian = fake_client(tmp_path / "usr", "20.10.24+dfsg1", buildx=False)
    docker = Docker([newer, debian])
    assert docker.client == newer  # other commands: the first on PATH
    assert docker.builder == Builder(debian, buildkit=True)
    assert Docker([newer]).builder == Builder(newer, buildkit=False)


def test_clients_come_in_path_order_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_client(tmp_path / "first", "28.2.2", buildx=False)
    second = fake_client(tmp_path / "second", "20.10.24", buildx=False)
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "docker").symlink_to(first)
    path = os.pathsep.join(str(tmp_path / name) for name in ("first", "link", "second"))
    monkeypatch.setenv("PATH", path)
    monkeypatch.delenv("STACK_BUILD_DOCKER", raising=False)
    found = docker_clients()
    assert found[:2] == [first, second]
    monkeypatch.setenv("STACK_BUILD_DOCKER", second)
    assert docker_clients() == [second]
    monkeypatch.setenv("STACK_BUILD_DOCKER", str(tmp_path / "nothing"))
    with pytest.raises(BuildUsageError, match=r"STACK_BUILD_DOCKER=.* is not an executable"):
        docker_clients()


def test_the_engine_platform_or_one_line(tmp_path: Path) -> None:
    assert Docker([fake_client(tmp_path / "up", "20.10.24", False)]).engine_platform() == "x86_64"
    arm = fake_client(tmp_path / "arm", "20.10.24", False, server="arm64")
    assert Docker([arm]).engine_platform() == "aarch64"
    down = fake_client(tmp_path / "down", "20.10.24", False, server="")
    with pytest.raises(BuildError) as raised:
        Docker([down]).engine_platform()
    assert str(raised.value) == (
        f"the Docker engine does not answer ({ENGINE_DOWN}): start dockerd, or point "
        "DOCKER_HOST at a running engine"
    )


def test_no_client_at_all() -> None:
    with pytest.raises(BuildError, match="no docker client found on PATH: install one"):
        Docker([])


def target(tmp_path: Path) -> BuildTarget:
    return BuildTarget(
        image="child",
        variant="default",
        reference="localhost/me/child:latest",
        context=tmp_path,
        parent_reference="localhost/me/root:latest",
        parent_in_plan=True,
        build_args=(("REGISTRY", "localhost"), ("BASE_IMAGE", "localhost/me/root:latest")),
    )


def test_the_build_command_with_buildkit(tmp_path: Path) -> None:
    options = BuildOptions("linux/arm64", no_cache=True, secrets=("id=ca,src=/ca.pem",))
    command = build_command(
        Builder("/usr/bin/docker", True), target(tmp_path), "abc", options, tmp_path / "iid"
    )
    assert command == [
        "/usr/bin/docker",
        "build",
        "--progress=plain",
        "--tag",
        "localhost/me/child:latest",
        "--label",
        "org.stack-inspections.inputs=abc",
        "--iidfile",
        str(tmp_path / "iid"),
        "--file",
        str(tmp_path / "Dockerfile"),
        "--build-arg",
        "REGISTRY=localhost",
        "--build-arg",
        "BASE_IMAGE=localhost/me/root:latest",
        "--secret",
        "id=ca,src=/ca.pem",
        "--platform",
        "linux/arm64",
        "--no-cache",
        str(tmp_path),
    ]


def test_the_classic_build_command_removes_its_containers(tmp_path: Path) -> None:
    classic = Builder("/usr/local/bin/docker", False)
    command = build_command(classic, target(tmp_path), "abc", BuildOptions(), tmp_path / "iid")
    assert command[:3] == ["/usr/local/bin/docker", "build", "--force-rm"]
    assert "--progress=plain" not in command
    assert classic.environment["DOCKER_BUILDKIT"] == "0"
    assert Builder("/usr/bin/docker", True).environment["DOCKER_BUILDKIT"] == "1"
