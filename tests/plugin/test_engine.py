"""Looking up the stack's images in the local engine: over its socket, or through the SDK."""

from __future__ import annotations

import docker
import pytest

from inspections.errors import DockerUnavailableError, ImageNotAvailableError
from inspections.runtime import engine as docker_engine
from inspections.runtime.engine import Engine, ResolvedImage
from inspections.runtime.unix_socket import unix_socket_of

REFERENCE = "localhost/demo/docker-stacks-foundation:latest"


@pytest.fixture(params=["own request", "docker sdk"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """An engine that looks images up with its own request, or (as for TCP) the SDK's."""
    if request.param == "docker sdk":
        monkeypatch.setattr(docker_engine, "unix_socket_of", lambda environ: None)
    return Engine()


@pytest.mark.docker
def test_an_image_is_found_with_its_facts(
    engine: Engine, docker_client: docker.DockerClient
) -> None:
    found = engine.resolve_image("docker-stacks-foundation", REFERENCE, "demo/foundation")
    attrs = docker_client.images.get(REFERENCE).attrs
    assert found == ResolvedImage(
        name="docker-stacks-foundation",
        reference=REFERENCE,
        id=attrs["Id"],
        platform={"amd64": "x86_64", "arm64": "aarch64"}[attrs["Architecture"]],
        size_bytes=attrs["Size"],
        repo_digests=tuple(attrs["RepoDigests"]),
    )


@pytest.mark.docker
def test_a_missing_image_says_how_to_build_it(engine: Engine) -> None:
    with pytest.raises(ImageNotAvailableError) as raised:
        engine.resolve_image("nope", "localhost/demo/no-such-image:latest", "stack/nope")
    assert str(raised.value) == (
        "image localhost/demo/no-such-image:latest not found locally: build it first, "
        "e.g. docker build -t localhost/demo/no-such-image:latest stack/nope"
    )


def test_an_unreachable_engine_says_how_to_reach_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(DockerUnavailableError, match="start dockerd or set DOCKER_HOST"):
        Engine().resolve_image("root", REFERENCE, "stack/root")


@pytest.mark.parametrize(
    ("docker_host", "socket"),
    [
        ("", "/var/run/docker.sock"),
        ("unix:///run/user/1000/docker.sock", "/run/user/1000/docker.sock"),
        ("http+unix:///tmp/engine.sock", "/tmp/engine.sock"),
        ("tcp://127.0.0.1:2376", None),
        ("ssh://builder@example.org", None),
    ],
)
def test_the_engine_socket_is_found_as_the_sdk_finds_it(
    docker_host: str, socket: str | None
) -> None:
    assert unix_socket_of({"DOCKER_HOST": docker_host} if docker_host else {}) == socket
