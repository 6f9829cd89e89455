"""Fixtures for plugin tests: throwaway stacks on a real Docker engine.

Every image of a throwaway stack is a tag of the demo stack's Debian base image, so these
tests need the Docker engine and the base image that `python demo/build.py` makes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.plugin.stacks import MakeStack, remove_tags_of, write_test_stack
from throwaway_stacks import StackImage, tag_images


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    client = docker.from_env()
    client.ping()
    return client


@pytest.fixture
def owner(docker_client: docker.DockerClient) -> Iterator[str]:
    """A registry owner unique to the test; its image tags are removed afterwards."""
    name = f"plugin-test-{uuid.uuid4().hex[:8]}"
    yield name
    remove_tags_of(docker_client, name, noprune=True)


@pytest.fixture
def make_stack(
    pytester: pytest.Pytester, docker_client: docker.DockerClient, owner: str
) -> MakeStack:
    """Write a stack into pytester's folder and tag its images (all, or those in `built`)."""

    def make(images: dict[str, StackImage], built: list[str] | None = None) -> Path:
        stack = write_test_stack(pytester.path, owner, images)
        tag_images(docker_client, owner, list(images) if built is None else built)
        return stack

    return make
