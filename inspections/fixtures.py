"""The fixtures inspections and image tests take: `image`, `container`, `host`, `build_info`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import testinfra.host
from docker.models.containers import Container

from inspections.build_info import BuildInfo
from inspections.docker_engine import ResolvedImage
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
def image(request: pytest.FixtureRequest) -> Iterator[ResolvedImage]:
    """The image under test, found in the local engine (never pulled).

    Its container, if one was started, is removed when the session moves on to another image.
    """
    run = run_context(request.config)
    if not hasattr(request, "param"):
        pytest.fail(
            "this test takes `image` but is neither in an image folder of "
            f"{run.stack.folder} nor under inspections_shared_tests: move it, or rename "
            "the argument",
            pytrace=False,
        )
    resolved = run.resolve(request.param)
    try:
        yield resolved
    finally:
        run.pool.remove(resolved.name)


@pytest.fixture(scope="session")
def container(image: ResolvedImage, request: pytest.FixtureRequest) -> Container:
    """The image's running, network-less container: one per image per process."""
    return run_context(request.config).pool.get(image)


@pytest.fixture(scope="session")
def host(image: ResolvedImage, request: pytest.FixtureRequest) -> testinfra.host.Host:
    """testinfra's host on the image's container; inspections share command results."""
    return run_context(request.config).host(image)


@pytest.fixture(scope="session")
def build_info(request: pytest.FixtureRequest) -> BuildInfo:
    """The session's build timestamp and git commit, the same on every xdist worker."""
    return run_context(request.config).build
