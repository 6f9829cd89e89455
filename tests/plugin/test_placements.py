"""One container per image under xdist, wherever the session starts and however it names the stack.

pytest's rootdir follows the working directory, the ini file and the path arguments, and
xdist's node ids follow the rootdir; the containers an image gets must not. Each case starts
a `-n 2` session and counts the engine's container start events for each image.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from benchmarks.container_starts import watching_container_starts
from tests.plugin.stacks import MakeStack
from tests.plugin.test_session import three_images
from throwaway_stacks import commit_all

pytestmark = pytest.mark.docker

# name -> (working directory, --stack argument), given the project and a copy of its stack
# committed elsewhere, outside the project.
Placement = Callable[[Path, Path], tuple[Path, str]]
PLACEMENTS: dict[str, Placement] = {
    "relative, from the project": lambda project, copy: (project, "stack"),
    "absolute, from the project": lambda project, copy: (project, str(project / "stack")),
    "outside the rootdir": lambda project, copy: (project, str(copy)),
    "the stack folder is the rootdir, no ini": lambda project, copy: (copy, "."),
    "relative, from above, no ini": lambda project, copy: (copy.parent, copy.name),
}


def _commit_copy(stack: Path, copy: Path) -> None:
    """Copy the stack folder to `copy` as a git repository of its own, without an ini file."""
    shutil.copytree(stack, copy)
    commit_all(copy, "The stack, elsewhere")


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_one_container_per_image_wherever_the_session_starts(
    placement: str,
    pytester: pytest.Pytester,
    make_stack: MakeStack,
    owner: str,
    docker_client: docker.DockerClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    stack = make_stack(three_images())
    copy = tmp_path_factory.mktemp("elsewhere") / "stack-copy"
    _commit_copy(stack, copy)
    cwd, stack_argument = PLACEMENTS[placement](pytester.path, copy)
    environment = {**os.environ, "CONTAINERS_FILE": str(pytester.path / "containers.txt")}
    command = [sys.executable, "-m", "pytest", "--stack", stack_argument, "-n", "2"]
    command += ["-p", "no:cacheprovider", "--import-mode=importlib"]
    with watching_container_starts(docker_client) as starts:
        session = subprocess.Popen(
            command, cwd=cwd, env=environment, stdout=subprocess.PIPE, text=True
        )
        stdout, _ = session.communicate(timeout=300)
    assert session.returncode == 0, stdout[-3000:]
    assert f"rootdir: {cwd}" in stdout
    ours = {
        image.removeprefix(f"localhost/{owner}/").removesuffix(":latest"): count
        for image, count in starts.per_image(session.pid).items()
    }
    assert ours == {"root": 1, "child": 1, "sibling": 1}, stdout[-3000:]
