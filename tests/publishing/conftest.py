"""Fixtures of the publishing tests: a real registry on 127.0.0.1, tiny real images, a checkout.

The registry is Debian's `docker-registry` (see REGISTRY_APT_PACKAGES), started per test
session on a free port and stopped at its end. The images are `FROM scratch` with one file,
built for linux/amd64 and linux/arm64, and removed at the end with every tag the tests gave.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

from tests.publishing.jupyter_wiki import write_checkout
from tests.publishing.registry import registry
from tests.publishing.runs import Build

ARCHITECTURES = {"x86_64": "linux/amd64", "aarch64": "linux/arm64"}
__all__ = ["registry"]  # the fixture, for this folder's tests


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    client = docker.from_env()
    client.ping()
    return client


@pytest.fixture(scope="session")
def tiny_images(
    docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Platform (`x86_64`, `aarch64`) -> id of a one-file image built for it, unique to the run.

    Each keeps a tag of its own until the end, so removing the tests' tags never deletes it.
    """
    context = tmp_path_factory.mktemp("tiny-image")
    run = uuid.uuid4().hex[:8]
    (context / "hello.txt").write_text(f"publishing test {run}\n", encoding="utf-8")
    (context / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /hello.txt\n")
    images = {}
    for platform, docker_platform in ARCHITECTURES.items():
        # No cache: the classic builder would reuse the other platform's COPY layer.
        image, _ = docker_client.images.build(
            path=str(context),
            platform=docker_platform,
            tag=f"localhost/tiny-{run}:{platform}",
            nocache=True,
            forcerm=True,
        )
        assert image.attrs["Architecture"] == docker_platform.removeprefix("linux/")
        images[platform] = str(image.id)
    yield images
    for platform in images:
        docker_client.images.remove(f"localhost/tiny-{run}:{platform}")


RegistryBuild = Callable[..., Build]


@pytest.fixture
def registry_build(tiny_images: dict[str, str], owner: str, registry: str) -> RegistryBuild:
    """`registry_build(image, platform="x86_64")`: a Build of `image` in the test's registry
    and owner, whose image id is the tiny image of its platform."""

    def build(image: str, platform: str = "x86_64") -> Build:
        return Build(
            image, platform, registry=registry, owner=owner, image_id=tiny_images[platform]
        )

    return build


ImageBuilder = Callable[[str], str]


@pytest.fixture
def build_image(
    docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ImageBuilder]:
    """Build a new x86_64 one-file image (`build_image(tag)`, tag may be ""); return its id.

    Every image built is removed afterwards, with the tags it has by then.
    """
    built: list[str] = []

    def build(tag: str) -> str:
        context = tmp_path_factory.mktemp("image")
        (context / "hello.txt").write_text(f"image {uuid.uuid4().hex}\n", encoding="utf-8")
        (context / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /hello.txt\n")
        image, _ = docker_client.images.build(
            path=str(context),
            platform=ARCHITECTURES["x86_64"],
            tag=tag or None,
            nocache=True,
            forcerm=True,
        )
        built.append(str(image.id))
        return str(image.id)

    yield build
    for image_id in built:
        with contextlib.suppress(docker.errors.ImageNotFound):
            docker_client.images.remove(image_id, force=True)


@pytest.fixture
def owner(docker_client: docker.DockerClient) -> Iterator[str]:
    """A registry owner unique to the test; every local tag under it is removed afterwards."""
    name = f"publish-{uuid.uuid4().hex[:8]}"
    yield name
    # The low-level listing reads every tag in one call: images.list() looks each image up
    # again, and another test may have removed one in between.
    for summary in docker_client.api.images():
        for tag in summary.get("RepoTags") or ():
            if f"/{name}/" in tag:
                with contextlib.suppress(docker.errors.ImageNotFound):
                    docker_client.images.remove(tag, noprune=True)


@pytest.fixture(scope="session")
def checkout_made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The git checkout that `checkout` copies: its commits are made once per session."""
    return write_checkout(tmp_path_factory.mktemp("checkout") / "checkout")


@pytest.fixture
def checkout(tmp_path: Path, checkout_made_once: Path) -> Path:
    """A git checkout of the stack whose history has jupyter_wiki.COMMITS_PER_MONTH."""
    return Path(shutil.copytree(checkout_made_once, tmp_path / "checkout", symlinks=True))


@pytest.fixture
def manifest_store() -> Path:
    """The Docker CLI's local store of manifest lists, which merging must leave clean."""
    return Path(os.environ.get("DOCKER_CONFIG", Path.home() / ".docker")) / "manifests"
