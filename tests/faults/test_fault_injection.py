"""Fault injection against the real demo images: each scenario fails closed and says why.

Every scenario records what it observed; the session ends with one table of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import (
    NO_IMAGE_FILES,
    PID_LABEL,
    ROOT_IMAGE,
    RUN_LABEL,
    clean_environment,
    containers_of,
    interrupt,
    record_entry,
    run,
    start,
    wait_for_container,
    write_root_stack,
)
from throwaway_stacks import StackImage, write_image

Record = Callable[[str, object], None]
TAG_OK = """
    from inspections import output_of, tagger

    @tagger
    def os_tag(host):
        return output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")
"""


@pytest.fixture(scope="module")
def client() -> docker.DockerClient:
    return docker.from_env()


def one_line(text: str) -> str:
    return text if "\n" not in text else "MORE THAN ONE LINE"


BAD_INPUT = [
    ("unknown image", 'parent = ""\n', ["--image", "nope"], "unknown image 'nope' in --image"),
    ("unknown parent", 'parent = "ghost"\n', [], "unknown parent 'ghost'"),
    ("missing parent key", "variants = []\n", [], "missing `parent`: add parent ="),
    ("invalid toml", "parent = \n", [], "invalid TOML"),
    ("stack folder missing", 'parent = ""\n', ["--stack", "nowhere"], "nowhere not found"),
    (
        "emit into a file",
        'parent = ""\n',
        ["--emit-manifests", "stack/stack.toml"],
        "is a file: pass a folder",
    ),
    (
        "emit into an unwritable place",
        'parent = ""\n',
        ["--emit-manifests", "/proc/stack-inspections"],
        "is not writable",
    ),
    ("bad variant", 'parent = ""\n', ["--variant", "Bad Variant"], "invalid --variant"),
    (
        "bad repository URL",
        'parent = ""\n',
        ["--emit-manifests", "out", "--repository", "https://x.org/a b"],
        "invalid repository URL",
    ),
]


@pytest.mark.docker
@pytest.mark.parametrize(
    ("scenario", "declaration", "args", "expected"), BAD_INPUT, ids=[row[0] for row in BAD_INPUT]
)
def test_bad_input_is_one_line_before_any_container(
    tmp_path: Path,
    client: docker.DockerClient,
    record_property: Record,
    scenario: str,
    declaration: str,
    args: list[str],
    expected: str,
) -> None:
    write_root_stack(tmp_path, TAG_OK, declaration)
    observed = run(tmp_path, "--stack", "stack", *args)
    lines = observed.error_lines()
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {lines[:1]}")
    assert observed.returncode == pytest.ExitCode.USAGE_ERROR
    assert len(lines) == 1 and expected in lines[0], observed.stderr
    assert observed.files == ()
    assert "collected" not in observed.stdout


def test_cycle_names_the_cycle(tmp_path: Path, record_property: Record) -> None:
    stack = write_root_stack(tmp_path, TAG_OK, 'parent = "second"\n')
    write_image(stack, "second", StackImage(ROOT_IMAGE))
    observed = run(tmp_path, "--stack", "stack")
    lines = observed.error_lines()
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {lines[:1]}")
    assert observed.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"parent cycle {ROOT_IMAGE} -> second -> {ROOT_IMAGE}" in lines[0]


BROKEN_INSPECTIONS = [
    ("raises", "raise ValueError('no version here')", "ValueError: no version here"),
    ("returns a number", "return 3", "returned int 3: a tag inspection must return a str"),
    ("returns empty", "return ''", "returned an empty string"),
    ("breaks the tag grammar", "return '-leading-dash'", "is not a valid Docker tag"),
    ("too long", "return 'v' * 200", "Docker allows 128"),
    ("command not found", "return output_of(host, 'no-such-tool')", "not found in the image"),
    ("command fails", "return output_of(host, 'ls /nowhere')", "`ls /nowhere` exited with 2"),
]


@pytest.mark.docker
@pytest.mark.parametrize(
    ("scenario", "body", "expected"),
    BROKEN_INSPECTIONS,
    ids=[row[0] for row in BROKEN_INSPECTIONS],
)
def test_a_broken_inspection_fails_its_image_and_writes_nothing_for_it(
    tmp_path: Path,
    client: docker.DockerClient,
    record_property: Record,
    scenario: str,
    body: str,
    expected: str,
) -> None:
    code = TAG_OK + f"\n    @tagger\n    def broken(host):\n        {body}\n"
    write_root_stack(tmp_path, code)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    reason = record_entry(tmp_path / "out")["reasons"][0]
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {one_line(reason)}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert reason.startswith("broken failed: ") and expected in reason
    assert observed.files == NO_IMAGE_FILES


@pytest.mark.docker
def test_two_taggers_giving_one_tag(tmp_path: Path, record_property: Record) -> None:
    code = TAG_OK + "\n    @tagger\n    def again(host):\n        return os_tag(host)\n"
    write_root_stack(tmp_path, code)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    reason = record_entry(tmp_path / "out")["reasons"][0]
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {reason}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert reason == "taggers os_tag and again both gave tag 'debian-12': make one of them distinct"
    assert observed.files == NO_IMAGE_FILES


@pytest.mark.docker
def test_a_hanging_command_times_out_and_its_container_goes(
    tmp_path: Path, client: docker.DockerClient, record_property: Record
) -> None:
    code = (
        TAG_OK
        + "\n    @tagger\n    def hangs(host):\n        return output_of(host, 'sleep 600')\n"
    )
    write_root_stack(tmp_path, code)
    started = time.monotonic()
    process = start(
        tmp_path, "--stack", "stack", "--emit-manifests", "out", "--inspection-timeout", "3"
    )
    output, _ = process.communicate(timeout=120)
    elapsed = time.monotonic() - started
    record_property(FAULT_PROPERTY, f"exit {process.returncode} after {elapsed:.0f} s")
    assert process.returncode == pytest.ExitCode.TESTS_FAILED
    assert (
        "hangs failed: still ran after the inspection timeout of 3 s: its container was removed"
        in output
    )
    assert elapsed < 60
    assert containers_of(client, process.pid) == []
    assert not (tmp_path / "out/tags").exists()


@pytest.mark.docker
def test_image_not_built(tmp_path: Path, record_property: Record) -> None:
    write_root_stack(tmp_path, TAG_OK)
    observed = run(
        tmp_path, "--stack", "stack", "--owner", "never-built", "--emit-manifests", "out"
    )
    reference = f"localhost/never-built/{ROOT_IMAGE}:latest"
    line = f"image {reference} not found locally: build it first, e.g. docker build -t {reference}"
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {line}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert line in observed.stdout
    assert observed.files == NO_IMAGE_FILES


def test_docker_engine_not_reachable(tmp_path: Path, record_property: Record) -> None:
    write_root_stack(tmp_path, TAG_OK)
    environment = clean_environment(DOCKER_HOST="unix:///nonexistent/docker.sock")
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out", environment=environment)
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: Docker engine not reachable")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert "Docker engine not reachable" in observed.stdout
    assert "start dockerd or set DOCKER_HOST" in observed.stdout
    assert not (tmp_path / "out/tags").exists()


@pytest.mark.docker
def test_no_git_repository(tmp_path: Path, record_property: Record) -> None:
    write_root_stack(tmp_path, TAG_OK + "\n    from inspections.library.build import sha_tag\n")
    subprocess.run(["rm", "-rf", str(tmp_path / ".git")], check=True)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: no git commit")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert "run inside a git checkout of the stack with at least one commit" in observed.stdout
    assert observed.files == NO_IMAGE_FILES


@pytest.mark.docker
def test_markdown_survives_hostile_output(tmp_path: Path, record_property: Record) -> None:
    code = (
        TAG_OK
        + """
    from inspections import manifest, quoted_output

    @manifest("Hostile")
    def hostile(host):
        return quoted_output(host, "printf '````\\\\n| a | b |\\\\n<script>x</script>\\\\n'")
    """
    )
    write_root_stack(tmp_path, code)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    manifest = next((tmp_path / "out/manifests").iterdir()).read_text()
    piece = manifest.split("## Hostile\n\n", 1)[1]
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: fence of 5 backticks")
    assert observed.returncode == 0
    assert "\n`````text\n````\n| a | b |\n<script>x</script>\n`````\n" in piece


@pytest.mark.docker
@pytest.mark.parametrize("workers", ["0", "2"], ids=["serial", "two workers"])
@pytest.mark.parametrize(
    "whole_group", [True, False], ids=["ctrl-c in a terminal", "sigint to pytest alone"]
)
def test_ctrl_c_leaves_no_container_and_no_file(
    tmp_path: Path,
    client: docker.DockerClient,
    record_property: Record,
    workers: str,
    whole_group: bool,
) -> None:
    code = (
        TAG_OK + "\n    @tagger\n    def slow(host):\n        return output_of(host, 'sleep 60')\n"
    )
    write_root_stack(tmp_path, code)
    process = start(tmp_path, "--stack", "stack", "--emit-manifests", "out", "-n", workers)
    wait_for_container(client, process)
    output = interrupt(process, whole_group)
    left = containers_of(client, process.pid)
    record_property(FAULT_PROPERTY, f"exit {process.returncode}, {len(left)} containers left")
    assert process.returncode != 0, output
    assert left == []
    assert [name for name in os.listdir(tmp_path / "out")] == [], output


@pytest.mark.docker
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0], ids=lambda d: f"ctrl-c after {d} s")
def test_ctrl_c_at_any_moment_leaves_nothing(
    tmp_path: Path,
    client: docker.DockerClient,
    record_property: Record,
    delay: float,
) -> None:
    """Start-up, collection, workers booting, containers starting: wherever it lands."""
    code = (
        TAG_OK + "\n    @tagger\n    def slow(host):\n        return output_of(host, 'sleep 60')\n"
    )
    write_root_stack(tmp_path, code)
    process = start(tmp_path, "--stack", "stack", "--emit-manifests", "out", "-n", "2")
    time.sleep(delay)
    interrupt(process, whole_group=True)
    left = containers_of(client, process.pid)
    leftovers = sorted(os.listdir(tmp_path / "out")) if (tmp_path / "out").exists() else []
    record_property(
        FAULT_PROPERTY, f"exit {process.returncode}, {len(left)} containers, files {leftovers}"
    )
    assert process.returncode != 0
    assert left == []
    assert leftovers == []


@pytest.mark.docker
def test_a_killed_worker_leaves_no_container(
    tmp_path: Path, client: docker.DockerClient, record_property: Record
) -> None:
    code = (
        TAG_OK + "\n    @tagger\n    def slow(host):\n        return output_of(host, 'sleep 60')\n"
    )
    write_root_stack(tmp_path, code)
    process = start(tmp_path, "--stack", "stack", "--emit-manifests", "out", "-n", "1")
    wait_for_container(client, process)
    workers = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    for worker in workers:
        os.kill(int(worker), signal.SIGKILL)
    output, _ = process.communicate(timeout=180)
    left = containers_of(client, process.pid)
    record_property(FAULT_PROPERTY, f"exit {process.returncode}, {len(left)} containers left")
    assert process.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert left == []
    assert not (tmp_path / "out/tags").exists()


@pytest.mark.docker
def test_a_sigkilled_run_leaves_no_container(
    tmp_path: Path, client: docker.DockerClient, record_property: Record
) -> None:
    """Its containers end with it: their stdin was held by the killed process."""
    code = (
        TAG_OK + "\n    @tagger\n    def slow(host):\n        return output_of(host, 'sleep 60')\n"
    )
    write_root_stack(tmp_path, code)
    process = start(tmp_path, "--stack", "stack")
    wait_for_container(client, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    killed = time.monotonic()
    while containers_of(client, process.pid) and time.monotonic() < killed + 20:
        time.sleep(0.2)
    left = containers_of(client, process.pid)
    record_property(
        FAULT_PROPERTY,
        f"killed run's containers {time.monotonic() - killed:.1f} s later: {len(left)}",
    )
    assert left == []


@pytest.mark.docker
def test_a_later_run_sweeps_stopped_containers_of_earlier_runs(
    tmp_path: Path, client: docker.DockerClient, record_property: Record
) -> None:
    """A container that stopped without being removed is swept by the next session."""
    leftover = client.containers.run(
        f"localhost/demo/{ROOT_IMAGE}:latest",
        ["true"],
        entrypoint=[],
        detach=True,
        labels={RUN_LABEL: "an-earlier-run", PID_LABEL: "1"},
    )
    leftover.wait(timeout=60)
    write_root_stack(tmp_path, TAG_OK)
    observed = run(tmp_path, "--stack", "stack")
    left = client.containers.list(
        all=True, filters={"label": f"{RUN_LABEL}=an-earlier-run"}, ignore_removed=True
    )
    record_property(FAULT_PROPERTY, f"stopped leftover after a later run: {len(left)}")
    assert observed.returncode == 0, observed.stdout
    assert left == []
