"""One failure stays one failure; timeouts bound whole inspections; sessions leave each other be.

Real containers of the demo root image (or tiny images built here), pytest run as a user runs
it; each scenario records what it observed for the session's table.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from inspections.runtime.engine import Engine
from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import (
    ROOT_IMAGE,
    RUN_LABEL,
    containers_of,
    record_entry,
    run,
    start,
    write_root_stack,
)
from tests.plugin.stacks import IMAGE_LABEL, remove_tags_of
from throwaway_stacks import BASE_IMAGE, tag_images

pytestmark = pytest.mark.docker

Record = Callable[[str, object], None]


@pytest.fixture(scope="module")
def client() -> docker.DockerClient:
    return docker.from_env()


@pytest.fixture
def owner(client: docker.DockerClient) -> Iterator[str]:
    """An owner for images built by the test; its tags are removed afterwards."""
    name = f"faults-{uuid.uuid4().hex[:8]}"
    yield name
    remove_tags_of(client, name, noprune=False)


def build(client: docker.DockerClient, owner: str, folder: Path, dockerfile: str) -> str:
    """Build `dockerfile` as `owner`'s root image; its reference."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(dockerfile)
    reference = f"localhost/{owner}/{ROOT_IMAGE}:latest"
    client.images.build(path=str(folder), tag=reference, rm=True, forcerm=True)
    return reference


def outcomes(stdout: str) -> dict[str, str]:
    """Item name -> PASSED/FAILED/SKIPPED from a `-v` run's lines."""
    found = {}
    for line in stdout.splitlines():
        for word in ("PASSED", "FAILED", "SKIPPED"):
            if f" {word}" in line and "::" in line:
                name = line.split("::")[-1].split(" ")[0].split("[")[0]
                found[name] = word
    return found


OWN_OUTCOMES = """
    import pytest
    from inspections import output_of, tagger

    @tagger
    def fine(host):
        return output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")

    @tagger
    def skips(host):
        pytest.skip("not on this image")

    @tagger
    def fails(host):
        pytest.fail("explicitly failed")

    @tagger
    def exits(host):
        raise SystemExit(3)

    @tagger
    def needs_a_module(host):
        pytest.importorskip("no_such_module_anywhere")
        return "x"
"""


def test_each_inspection_keeps_its_own_outcome(tmp_path: Path, record_property: Record) -> None:
    """A skip, a failure or SystemExit in one inspection is not reported for the others."""
    write_root_stack(tmp_path, OWN_OUTCOMES)
    observed = run(tmp_path, "--stack", "stack", "-v", "-rs")
    seen = outcomes(observed.stdout)
    record_property(FAULT_PROPERTY, ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    assert seen == {
        "fine": "PASSED",
        "skips": "SKIPPED",
        "fails": "FAILED",
        "exits": "FAILED",
        "needs_a_module": "SKIPPED",
        "image_verdict": "FAILED",
    }
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED


TIMEOUTS = {
    "pure python": """
        import time
        from inspections import output_of, tagger

        @tagger
        def hangs(host):
            time.sleep(600)

        @tagger
        def waits_on_a_command(host):
            return output_of(host, "sleep 8; echo late")
    """,
    "the docker SDK directly": """
        from inspections import output_of, tagger

        @tagger
        def hangs(container):
            return container.exec_run(["sleep", "600"]).output.decode()

        @tagger
        def waits_on_a_command(host):
            return output_of(host, "sleep 8; echo late")
    """,
    "another thread's command": """
        from inspections import output_of, tagger

        @tagger
        def hangs(host):
            return output_of(host, "sleep 600")

        @tagger
        def waits_on_a_command(host):
            return output_of(host, "sleep 600")
    """,
}


@pytest.mark.parametrize("waits_on", list(TIMEOUTS), ids=lambda name: f"timeout: {name}")
def test_the_timeout_bounds_the_whole_inspection(
    tmp_path: Path, client: docker.DockerClient, record_property: Record, waits_on: str
) -> None:
    write_root_stack(tmp_path, TIMEOUTS[waits_on])
    began = time.monotonic()
    process = start(
        tmp_path, "--stack", "stack", "--inspection-timeout", "3", "--emit-manifests", "out"
    )
    output, _ = process.communicate(timeout=120)
    elapsed = time.monotonic() - began
    lines = [line for line in output.splitlines() if line.startswith(f"{ROOT_IMAGE}: ")]
    record_property(FAULT_PROPERTY, f"exit {process.returncode} after {elapsed:.0f} s: {lines}")
    assert process.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert elapsed < 60
    assert f"{ROOT_IMAGE}: hangs failed: still ran after the inspection timeout of 3 s" in output
    if waits_on != "another thread's command":
        assert (
            f"{ROOT_IMAGE}: waits_on_a_command failed: stopped because hangs timed out after 3 s"
            in output
        )
    assert "APIError" not in output and "Traceback" not in output
    assert containers_of(client, process.pid) == []
    assert record_entry(tmp_path / "out")["files"] == {}


SWITCHING = """
    import sys

    sys.setswitchinterval(1e-6)
"""
MANY_COMMANDS = """
    from inspections import output_of, tagger
""" + "".join(
    f"""
    @tagger
    def tag_{number}(host):
        return "t{number}-" + output_of(host, "echo {number}")
"""
    for number in range(8)
)


def test_one_container_per_image_even_with_constant_thread_switches(
    tmp_path: Path, client: docker.DockerClient, owner: str, record_property: Record
) -> None:
    """Eight inspections asking for the container at once, five sessions: one start each."""
    tag_images(client, owner, [ROOT_IMAGE])
    write_root_stack(tmp_path, MANY_COMMANDS, owner=owner)
    (tmp_path / "conftest.py").write_text(textwrap.dedent(SWITCHING))
    starts: list[dict[str, str]] = []
    events = client.events(
        filters={"type": "container", "event": "start", "label": RUN_LABEL}, decode=True
    )
    watcher = threading.Thread(
        target=lambda: starts.extend(event["Actor"]["Attributes"] for event in events),
        daemon=True,
    )
    watcher.start()
    try:
        for _ in range(5):
            observed = run(tmp_path, "--stack", "stack")
            assert observed.returncode == 0, observed.stdout
        time.sleep(1)
    finally:
        events.close()
    runs = [
        labels[RUN_LABEL]
        for labels in list(starts)
        if labels.get(IMAGE_LABEL, "").startswith(f"localhost/{owner}/")
    ]
    per_run = sorted({run_id: runs.count(run_id) for run_id in runs}.values())
    record_property(FAULT_PROPERTY, f"container starts per session: {per_run}")
    assert per_run == [1, 1, 1, 1, 1]


def test_anonymous_volumes_go_with_their_container(
    tmp_path: Path, client: docker.DockerClient, owner: str, record_property: Record
) -> None:
    build(client, owner, tmp_path / "image", f"FROM {BASE_IMAGE}\nVOLUME /data\n")
    write_root_stack(tmp_path / "run", MANY_COMMANDS, owner=owner)
    volumes_before = {volume.id for volume in client.volumes.list()}
    observed = run(tmp_path / "run", "--stack", "stack")
    time.sleep(1)
    new = {volume.id for volume in client.volumes.list()} - volumes_before
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}, {len(new)} volumes left")
    assert observed.returncode == 0, observed.stdout
    assert new == set()


def test_an_image_without_sleep_is_inspected(
    tmp_path: Path, client: docker.DockerClient, owner: str, record_property: Record
) -> None:
    """Only the image's /bin/sh keeps the container alive: no `sleep` needed."""
    build(
        client,
        owner,
        tmp_path / "image",
        f"FROM {BASE_IMAGE}\nRUN rm /bin/sleep /usr/bin/sleep 2>/dev/null; ! command -v sleep\n",
    )
    write_root_stack(tmp_path / "run", MANY_COMMANDS, owner=owner)
    observed = run(tmp_path / "run", "--stack", "stack")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}")
    assert observed.returncode == 0, observed.stdout


def test_an_image_without_a_shell_says_what_is_needed(
    tmp_path: Path, client: docker.DockerClient, owner: str, record_property: Record
) -> None:
    image = tmp_path / "image"
    image.mkdir()
    (image / "hello.txt").write_text("no shell here\n")
    build(client, owner, image, "FROM scratch\nCOPY hello.txt /hello.txt\n")
    write_root_stack(tmp_path / "run", MANY_COMMANDS, owner=owner)
    observed = run(tmp_path / "run", "--stack", "stack")
    expected = (
        f"localhost/{owner}/{ROOT_IMAGE}:latest has no /bin/sh: inspections run their "
        "commands through a POSIX shell; add one to the image (e.g. busybox)"
    )
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: ...{expected[-60:]}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert expected in observed.stdout
    assert "APIError" not in observed.stdout


BIG_OUTPUT = """
    from inspections import manifest, quoted_output

    @manifest("Big")
    def big(host):
        return quoted_output(host, "head -c {size} /dev/zero | tr '\\\\0' x")
"""


def test_a_200_mb_output_is_read_whole(tmp_path: Path, record_property: Record) -> None:
    write_root_stack(tmp_path, BIG_OUTPUT.format(size=200_000_000))
    began = time.monotonic()
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    elapsed = time.monotonic() - began
    manifest = next((tmp_path / "out/manifests").iterdir())
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}, session {elapsed:.1f} s")
    assert observed.returncode == 0, observed.stdout[-2000:]
    assert manifest.stat().st_size > 200_000_000


def test_output_over_the_cap_is_one_clear_failure(tmp_path: Path, record_property: Record) -> None:
    write_root_stack(tmp_path, BIG_OUTPUT.format(size=300_000_000))
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    line = next((line for line in observed.stdout.splitlines() if "printed more than" in line), "")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {line[-80:]}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert "printed more than 256 MiB: make it print less" in line
    assert record_entry(tmp_path / "out")["files"] == {}


SLOW = """
    from inspections import output_of, tagger

    @tagger
    def slow(host):
        return "slept-" + output_of(host, "sleep 12; echo ok")
"""


def test_a_session_in_another_pid_namespace_keeps_its_containers(
    tmp_path: Path, client: docker.DockerClient, owner: str, record_property: Record
) -> None:
    """Another session's sweep, which cannot see this session's process, leaves it be."""
    tag_images(client, owner, [ROOT_IMAGE])
    write_root_stack(tmp_path / "isolated", SLOW, owner=owner)
    unshared = ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-m", "pytest"]
    isolated = subprocess.Popen(
        [*unshared, "-p", "no:cacheprovider", "--stack", "stack", "--emit-manifests", "out"],
        cwd=tmp_path / "isolated",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reference = f"localhost/{owner}/{ROOT_IMAGE}:latest"
    deadline = time.monotonic() + 60
    while not client.containers.list(filters={"label": f"{IMAGE_LABEL}={reference}"}):
        assert time.monotonic() < deadline and isolated.poll() is None, "no container started"
        time.sleep(0.2)
    write_root_stack(tmp_path / "neighbour", MANY_COMMANDS)
    neighbour = run(tmp_path / "neighbour", "--stack", "stack")
    output, _ = isolated.communicate(timeout=120)
    record_property(
        FAULT_PROPERTY,
        f"neighbour exit {neighbour.returncode}, isolated exit {isolated.returncode}",
    )
    assert neighbour.returncode == 0, neighbour.stdout
    assert isolated.returncode == 0, output
    tags = next((tmp_path / "isolated/out/tags").iterdir()).read_text()
    assert "x86_64-slept-ok" in tags


def test_engine_calls_from_threads_survive_environment_changes(
    record_property: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest sets and unsets PYTEST_CURRENT_TEST while inspection threads call the engine."""
    previous_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    api = Engine().client().api
    stop = threading.Event()
    errors: list[Exception] = []

    def call_the_engine() -> None:
        try:
            while not stop.is_set():
                api.version()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=call_the_engine) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for round_number in range(20_000):
            monkeypatch.setenv("STACK_INSPECTIONS_PROBE", str(round_number))
            monkeypatch.delenv("STACK_INSPECTIONS_PROBE")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        sys.setswitchinterval(previous_interval)
    record_property(FAULT_PROPERTY, f"{len(errors)} engine calls failed")
    assert errors == []
