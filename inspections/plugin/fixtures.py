"""The fixtures inspections and image tests take: `image`, `container`, `host`, `build_info`.

- `image`: the image under test as found in the local engine (`ResolvedImage`: name,
  reference, id, platform, size), never pulled. Session-scoped, parametrised over the images a
  test applies to; when the session moves on to another image, its container is removed.
- `container`: the image's running, network-less inspection container, as the docker SDK's
  `Container` (`attrs`, `exec_run`, ...): one per image per process, removed by the plugin.
- `host`: testinfra's `Host` on that container; commands run through `/bin/sh -c`, and
  inspections share the results of identical commands.
- `build_info`: the session's build timestamp and git commit (`BuildInfo`).

They exist only while the plugin is active (see `inspections.plugin.options`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from inspections.build_info import BuildInfo
from inspections.plugin.session import SESSION, StackSession
from inspections.runtime.engine import ResolvedImage

if TYPE_CHECKING:
    import testinfra.host
    from docker.models.containers import Container


def stack_session(config: pytest.Config) -> StackSession:
    """The plugin's session; a usage error when no stack was loaded."""
    if SESSION not in config.stash:
        raise pytest.UsageError(
            "no image stack loaded: pass --stack DIR or set inspections_stack in pytest.ini"
        )
    return config.stash[SESSION]


@pytest.fixture(scope="session")
def image(request: pytest.FixtureRequest) -> Iterator[ResolvedImage]:
    """The image under test, found in the local engine (never pulled)."""
    session = stack_session(request.config)
    if not hasattr(request, "param"):
        pytest.fail(
            "this test takes `image` but is neither in an image folder of "
            f"{session.stack.folder} nor under inspections_shared_tests: move it, or rename "
            "the argument",
            pytrace=False,
        )
    resolved = session.resources.resolve(request.param)
    try:
        yield resolved
    finally:
        session.resources.release(resolved.name)


@pytest.fixture(scope="session")
def container(image: ResolvedImage, request: pytest.FixtureRequest) -> Container:
    """The image's running, network-less container: one per image per process."""
    return stack_session(request.config).resources.container(image)


@pytest.fixture(scope="session")
def host(image: ResolvedImage, request: pytest.FixtureRequest) -> testinfra.host.Host:
    """testinfra's host on the image's container; inspections share command results."""
    return stack_session(request.config).resources.host(image)


@pytest.fixture(scope="session")
def build_info(request: pytest.FixtureRequest) -> BuildInfo:
    """The session's build timestamp and git commit, the same on every xdist worker."""
    return stack_session(request.config).facts.build
