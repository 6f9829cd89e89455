"""The fixtures inspections and image tests take: `image`, `container`, `host`, `build_info`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import testinfra.host
from docker.models.containers import Container

from inspections import docker_engine
from inspections.build_info import BuildInfo
from inspections.docker_engine import ResolvedImage
from inspections.host import host_for
from inspections.run import RunContext

RUN_CONTEXT = pytest.StashKey[RunContext]()


def run_context(config: pytest.Config) -> RunContext:
    """The run of this session; a usage error when no stack was loaded."""
    if RUN_CONTEXT not in config.stash:
        raise pytest.UsageError(
            "no image stack loaded: pass --stack DIR or set inspections_stack in pytest.ini"
        )
    return config.stash[RUN_CONTEXT]


@pytest.fixture(scope="session")
def image(request: pytest.FixtureRequest) -> ResolvedImage:
    """The image under test, found in the local engine (never pulled)."""
    run = run_context(request.config)
    if not hasattr(request, "param"):
        pytest.fail(
            "this test takes `image` but is neither in an image folder of "
            f"{run.stack.folder} nor under inspections_shared_tests: move it, or rename "
            "the argument",
            pytrace=False,
        )
    return run.resolve(request.param)


@pytest.fixture(scope="session")
def container(image: ResolvedImage, request: pytest.FixtureRequest) -> Iterator[Container]:
    """One running, network-less container of the image per process, removed afterwards."""
    started = run_context(request.config).start_container(image)
    try:
        yield started
    finally:
        docker_engine.remove_container(started)


@pytest.fixture(scope="session")
def host(container: Container) -> testinfra.host.Host:
    """testinfra's host on the image's container; inspections reuse command results."""
    return host_for(str(container.id), on_timeout=lambda: docker_engine.remove_container(container))


@pytest.fixture(scope="session")
def build_info(request: pytest.FixtureRequest) -> BuildInfo:
    """The session's build timestamp and git commit, the same on every xdist worker."""
    return run_context(request.config).build
