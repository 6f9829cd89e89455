"""Running the plugin as a user would, against the real demo foundation image, and looking.

Each scenario writes a one-image stack (the demo stack's root image, built by demo/build.py)
with its own inspections, runs pytest in a subprocess, and observes the exit code, the one
line that explains it, the files on disk and the containers left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker

from tests.plugin.stacks import record_of
from throwaway_stacks import StackImage, write_project

ROOT_IMAGE = "docker-stacks-foundation"
PID_LABEL = "org.stack-inspections.controller-pid"
RUN_LABEL = "org.stack-inspections.run"


def write_root_stack(
    root: Path,
    inspections: str = "",
    declaration: str = 'parent = ""\n',
    owner: str = "demo",
    files: dict[str, str] | None = None,
) -> Path:
    """A one-image stack on the demo root image (or `owner`'s), committed to git, under `root`.

    `files` are more files of the image folder (name -> code, dedented).
    """
    own = {"inspect_faults.py": inspections} if inspections else {}
    image = StackImage(files={**own, **(files or {})}, declaration=declaration)
    return write_faults_project(root, owner, {ROOT_IMAGE: image}, "faults")


def write_faults_project(
    root: Path, owner: str, images: dict[str, StackImage], message: str
) -> Path:
    """The stack `images` (for `owner`) in `root/stack` with an ini file, committed; the stack."""
    return write_project(root, owner, images, "https://example.org/faults", message=message)


def pytest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]


def clean_environment(**overrides: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    return {**environment, **overrides}


@dataclass(frozen=True)
class Observed:
    """What a run left: exit code, output, files under the output folder."""

    returncode: int
    stdout: str
    stderr: str
    files: tuple[str, ...]

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("ERROR: ")]


# What a run that gave no image its files leaves: the record, and the stack drawn from it.
NO_IMAGE_FILES = ("diagrams/stack.md", "inspections.json")


def files_under(folder: Path) -> tuple[str, ...]:
    if not folder.exists():
        return ()
    return tuple(sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()))


def run(root: Path, *args: str, environment: dict[str, str] | None = None) -> Observed:
    """pytest on the stack under `root`, as a user runs it, to completion."""
    completed = subprocess.run(
        pytest_command(*args),
        cwd=root,
        env=environment or clean_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Observed(
        completed.returncode, completed.stdout, completed.stderr, files_under(root / "out")
    )


def containers_of(client: docker.DockerClient, controller_pid: int) -> list[str]:
    """Inspection containers started for the pytest process `controller_pid`."""
    found = client.containers.list(
        all=True, filters={"label": f"{PID_LABEL}={controller_pid}"}, ignore_removed=True
    )
    return [str(container.id) for container in found]


def wait_for_container(client: docker.DockerClient, process: subprocess.Popen[str]) -> None:
    """Block until `process` has an inspection container running (or fail after 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # Running, not just created: a session killed between creating a container and
        # starting it leaves a container without a process, which the next session sweeps.
        running = client.containers.list(
            filters={"label": f"{PID_LABEL}={process.pid}", "status": "running"},
            ignore_removed=True,
        )
        if running:
            return
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(
                f"pytest ended ({process.returncode}) before starting a container:\n{output}"
            )
        time.sleep(0.2)
    raise AssertionError("no inspection container started within 60 s")


def as_in_a_terminal() -> None:
    """In a child before it runs pytest: Ctrl-C as a terminal delivers it.

    A test suite started in the background (`make test &`) ignores SIGINT, and children
    inherit that; pytest, rightly, keeps ignoring it then.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(
    root: Path, *args: str, environment: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """pytest on the stack under `root` in its own process group, not waited for."""
    return subprocess.Popen(
        pytest_command(*args),
        cwd=root,
        env=environment or clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=as_in_a_terminal,
    )


def interrupt(process: subprocess.Popen[str], whole_group: bool) -> str:
    """Ctrl-C: SIGINT to the process group (a terminal) or to pytest alone; its output."""
    if whole_group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    return output


def record_entry(out: Path, image: str = ROOT_IMAGE) -> dict[str, Any]:
    """The run record's entry for `image` in the output folder `out`."""
    return record_of(out)[image]
