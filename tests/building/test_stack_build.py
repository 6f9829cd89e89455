"""stack-build on tiny real stacks: order, skipping, failure isolation, Ctrl-C, save and load."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import tarfile
import time
import uuid
from pathlib import Path

import docker
import pytest

from inspections.building.image_inputs import INPUTS_LABEL
from tests.building.conftest import TinyStack
from throwaway_stacks import one_step_dockerfile as step

pytestmark = pytest.mark.docker

DEBIAN_CLIENT = "/usr/bin/docker"
CLASSIC_ONLY_CLIENT = "/usr/local/bin/docker"  # docker-ce-cli 28 without buildx, on this machine


def require_client(client: str) -> None:
    """Skip the test where this docker client is not installed."""
    if not os.access(client, os.X_OK):
        pytest.skip(f"{client} is not on this machine")


def image_id(client: docker.DockerClient, reference: str) -> str | None:
    try:
        return str(client.images.get(reference).id)
    except docker.errors.ImageNotFound:
        return None


def remove_if_untagged(client: docker.DockerClient, image: str | None) -> None:
    """Remove an image of the test that a failure left without a tag."""
    try:
        if image is not None and not client.images.get(image).tags:
            client.images.remove(image)
    except docker.errors.ImageNotFound:
        pass


def statuses(report: Path) -> dict[str, str]:
    """Each image's status in a --json report."""
    document = json.loads(report.read_text())
    return {entry["image"]: entry["status"] for entry in document["images"]}


@pytest.fixture
def three(tiny: TinyStack) -> TinyStack:
    """root <- child <- grandchild, and root <- sibling."""
    tiny.add("root", "", step("echo root > /root.txt"))
    tiny.add("child", "root", step("echo child > /child.txt"))
    tiny.add("grandchild", "child", step("cat /root.txt /child.txt > /both.txt"))
    tiny.add("sibling", "root", step("echo sibling"))
    return tiny


def test_builds_parents_first_then_skips_what_is_up_to_date(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    report = three.scratch / "first.json"
    first = three.build("--json", str(report))
    assert first.returncode == 0, first.stdout + first.stderr
    document = json.loads(report.read_text())
    assert document["complete"] is True
    assert [entry["image"] for entry in document["images"]] == [
        "root",
        "child",
        "grandchild",
        "sibling",
    ]
    assert {entry["status"] for entry in document["images"]} == {"built"}
    ids = {entry["image"]: entry["image_id"] for entry in document["images"]}
    for entry in document["images"]:
        image = docker_client.images.get(entry["reference"])
        assert image.id == entry["image_id"]
        assert image.labels[INPUTS_LABEL] == entry["inputs"]
        assert Path(entry["log"]).name == f"x86_64-default-{entry['image']}.log"
    # the grandchild was built FROM the child built FROM the root: it has both files
    grandchild = docker_client.containers.run(
        three.reference("grandchild"), "cat /both.txt", remove=True
    )
    assert grandchild.decode().split() == ["root", "child"]
    assert re.search(r"image\s+variant\s+status\s+duration\s+size\s+image id", first.stdout)

    (three.folder / "child" / "inspect_child.py").write_text("x = 1\n")  # left out: no rebuild
    second = three.build("--json", str(report))
    assert second.returncode == 0, second.stderr
    assert set(statuses(report).values()) == {"up to date"}
    assert {image: image_id(docker_client, three.reference(image)) for image in ids} == ids

    (three.folder / "child" / "notes.txt").write_text("sent to the build\n")
    third = three.build("--json", str(report), "--jobs", "2")
    assert third.returncode == 0, third.stderr
    assert statuses(report) == {
        "root": "up to date",
        "child": "built",  # its context changed
        "grandchild": "built",  # its parent's id changed
        "sibling": "up to date",
    }
    assert image_id(docker_client, ids["child"]) is None  # the replaced image is removed


def test_image_selects_missing_ancestors_and_no_parents_only_the_image(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    report = three.scratch / "report.json"
    refused = three.build("--image", "child", "--no-parents")
    assert refused.returncode == 1
    assert f"parent image {three.reference('root')} is not in the local engine" in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith("failed: child: parent image ")

    built = three.build("--image", "grandchild", "--json", str(report))
    assert built.returncode == 0, built.stderr
    assert statuses(report) == {"root": "built", "child": "built", "grandchild": "built"}
    only = three.build("--image", "grandchild", "--no-parents", "--force", "--json", str(report))
    assert only.returncode == 0, only.stderr
    assert statuses(report) == {"grandchild": "built"}


def test_a_failed_build_stops_its_descendants_only(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    assert three.build().returncode == 0
    previous = image_id(docker_client, three.reference("child"))
    (three.folder / "child" / "Dockerfile").write_text(step("echo broken-on-purpose && exit 3"))
    report = three.scratch / "report.json"
    failed = three.build("--jobs", "2", "--json", str(report))
    assert failed.returncode == 1
    assert statuses(report) == {
        "root": "up to date",
        "child": "failed",
        "grandchild": "skipped",
        "sibling": "up to date",
    }
    entries = {entry["image"]: entry for entry in json.loads(report.read_text())["images"]}
    assert entries["grandchild"]["reason"] == "parent child failed"
    assert "skipped grandchild: parent child failed" in failed.stdout
    assert "broken-on-purpose" in failed.stderr  # the tail of its log
    log = three.scratch / "logs" / "x86_64-default-child.log"
    assert failed.stderr.splitlines()[-1] == (f"failed: child: docker build exit 1 (log: {log})")
    assert "exit code: 3" in log.read_text()
    assert image_id(docker_client, three.reference("child")) == previous  # :latest kept


def test_variant_and_build_args(tiny: TinyStack, docker_client: docker.DockerClient) -> None:
    tiny.add("root", "", step("true"), GREETING="from image.toml")
    tiny.add("gpu", "root", step("true"), variants=("cuda12",))
    variant = tiny.folder / "gpu" / "cuda12"
    variant.mkdir()
    (variant / "Dockerfile").write_text(
        "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nARG BASE_IMAGE\nARG GREETING=none\nARG OWNER\n"
        "LABEL base=$BASE_IMAGE greeting=$GREETING owner=$OWNER\n"
    )
    built = tiny.build("--image", "gpu", "--variant", "cuda12", "--build-arg", "GREETING=hi")
    assert built.returncode == 0, built.stdout + built.stderr
    labels = docker_client.images.get(tiny.reference("gpu", "cuda12-latest")).labels
    assert labels["base"] == tiny.reference("root")  # root has no cuda12: its default variant
    assert labels["greeting"] == "hi"  # the command line's over image.toml's
    assert labels["owner"] == tiny.owner
    assert image_id(docker_client, tiny.reference("gpu")) is None  # the default was not built


def test_jobs_build_independent_branches_at_once(tiny: TinyStack) -> None:
    tiny.add("root", "", step("true"))
    for name in ("left", "right"):
        tiny.add(name, "root", step(f"sleep 2 && echo {name}-{uuid.uuid4().hex}"))
    started = time.monotonic()
    built = tiny.build("--jobs", "2")
    elapsed = time.monotonic() - started
    assert built.returncode == 0, built.stderr
    lines = built.stdout.splitlines()
    building = [i for i, line in enumerate(lines) if re.search(r"\] building (left|right)", line)]
    finished = [i for i, line in enumerate(lines) if re.search(r"\] built (left|right)", line)]
    assert len(building) == 2 and max(building) < min(finished)  # both ran at once
    assert elapsed < 4 + 4  # two 2 s builds in parallel, with room for a slow machine


def test_two_runs_at_once_share_the_logs_folder(tiny: TinyStack) -> None:
    """Each build has an image id file of its own: a run never reads or removes another's,
    even when both build the same image and end together."""
    tiny.add("root", "", step("true"))
    for name in ("left", "right"):
        tiny.add(name, "root", step("true"))
    assert tiny.build().returncode == 0
    for _ in range(3):
        for name in ("left", "right"):  # a step of its own each round: built anew, not cached
            (tiny.folder / name / "Dockerfile").write_text(step(f"sleep 2 # {uuid.uuid4()}"))
        runs = [tiny.start("--force", "--jobs", "2") for _ in range(2)]
        outputs = [run.communicate(timeout=300)[0] for run in runs]
        for run, output in zip(runs, outputs, strict=True):
            assert run.returncode == 0, output
    assert list((tiny.scratch / "logs").glob("*.iid")) == []


def sleeping_processes(marker: str) -> list[str]:
    found = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True, check=False)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def containers_running(client: docker.DockerClient, marker: str) -> list[str]:
    return [
        str(container.id)
        for container in client.containers.list(all=True, ignore_removed=True)
        if marker in " ".join(container.attrs.get("Config", {}).get("Cmd") or [])
    ]


@pytest.mark.parametrize(
    "client", [DEBIAN_CLIENT, CLASSIC_ONLY_CLIENT], ids=["buildkit", "classic"]
)
def test_ctrl_c_stops_the_builds_and_leaves_nothing_behind(
    tiny: TinyStack, docker_client: docker.DockerClient, client: str
) -> None:
    require_client(client)
    seconds = f"300.{uuid.uuid4().int % 10**6}"
    tiny.add("root", "", step("true"))
    tiny.add("slow", "root", step(f"sleep {seconds}"))
    assert tiny.build("--image", "root").returncode == 0
    root = image_id(docker_client, tiny.reference("root"))
    process = tiny.start("--jobs", "2", STACK_BUILD_DOCKER=client)
    deadline = time.monotonic() + 120
    while not sleeping_processes(f"sleep {seconds}"):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "the slow build did not start"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal delivers Ctrl-C
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 130, output
    assert "interrupted: the builds were stopped" in output
    assert re.search(r"slow\s+default\s+interrupted", output)
    deadline = time.monotonic() + 30
    while sleeping_processes(f"sleep {seconds}") or containers_running(docker_client, seconds):
        assert time.monotonic() < deadline, "a build went on after Ctrl-C"
        time.sleep(0.5)
    assert image_id(docker_client, tiny.reference("slow")) is None
    assert image_id(docker_client, tiny.reference("root")) == root


def test_the_classic_builder_where_buildkit_is_missing(tiny: TinyStack) -> None:
    require_client(CLASSIC_ONLY_CLIENT)
    tiny.add("root", "", step("echo classic"))
    tiny.add("mounts", "root", step("--mount=type=tmpfs,target=/scratch true"))
    built = tiny.build(STACK_BUILD_DOCKER=CLASSIC_ONLY_CLIENT)
    assert built.returncode == 1
    root_log = (tiny.scratch / "logs/x86_64-default-root.log").read_text()
    assert "Successfully tagged" in root_log  # built by the classic builder
    assert built.stderr.splitlines()[-1] == (
        f"failed: mounts: mounts needs BuildKit (RUN --mount), and no docker client here builds "
        f"with it ({CLASSIC_ONLY_CLIENT}): install the buildx plugin (docker-buildx-plugin) or "
        "Debian's docker.io client"
    )


def test_save_then_load_hands_images_over(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    archives = three.scratch / "archives"
    saved = three.build("--image", "child", "--save", str(archives))
    assert saved.returncode == 0, saved.stderr
    assert sorted(path.name for path in archives.iterdir()) == [
        "x86_64-default-child.tar",
        "x86_64-default-root.tar",
    ]
    ids = {name: image_id(docker_client, three.reference(name)) for name in ("root", "child")}
    docker_client.images.remove(three.reference("child"))
    docker_client.images.remove(three.reference("root"))

    report = three.scratch / "report.json"
    loaded = three.build(
        "--image", "grandchild", "--no-parents", "--load", str(archives), "--json", str(report)
    )
    assert loaded.returncode == 0, loaded.stderr
    assert statuses(report) == {"grandchild": "built"}
    assert image_id(docker_client, three.reference("child")) == ids["child"]
    again = three.build("--image", "child", "--load", str(archives), "--json", str(report))
    assert again.returncode == 0, again.stderr
    assert statuses(report) == {"root": "up to date", "child": "up to date"}
    assert image_id(docker_client, three.reference("root")) == ids["root"]


def test_load_refuses_an_archive_of_another_image_or_none(three: TinyStack) -> None:
    archives = three.scratch / "archives"
    assert three.build("--image", "root", "--save", str(archives)).returncode == 0
    (archives / "x86_64-default-root.tar").rename(archives / "x86_64-default-child.tar")
    other = three.build("--image", "child", "--no-parents", "--load", str(archives))
    assert other.returncode == 2
    assert other.stdout == ""
    assert other.stderr == (
        f"stack-build: error: {archives / 'x86_64-default-child.tar'} holds "
        f"{three.reference('root')}, not {three.reference('child')}: remove it, or save the "
        "right image under this name (stack-build --save)\n"
    )
    (archives / "x86_64-default-child.tar").write_text("no image here\n")
    junk = three.build("--image", "child", "--no-parents", "--load", str(archives))
    assert junk.returncode == 2
    assert junk.stderr.startswith(
        f"stack-build: error: {archives / 'x86_64-default-child.tar'} is not an image archive ("
    )
    assert junk.stderr.count("\n") == 1


def test_a_named_pipe_in_the_context_is_built_without_being_read(tiny: TinyStack) -> None:
    tiny.add("root", "", step("true"))
    os.mkfifo(tiny.folder / "root" / "pipe")  # reading it would wait for a writer forever
    for status in ("built", "up to date"):
        report = tiny.scratch / "report.json"
        done = subprocess.run(
            tiny.command("--json", str(report)),
            cwd=tiny.scratch,
            env=tiny.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert statuses(report) == {"root": status}


@pytest.mark.parametrize(
    ("client", "ignored"),
    [(DEBIAN_CLIENT, "only-own.txt"), (CLASSIC_ONLY_CLIENT, "only-dockerignore.txt")],
    ids=["buildkit", "classic"],
)
def test_the_inputs_leave_out_what_the_builders_ignore_file_leaves_out(
    tiny: TinyStack, docker_client: docker.DockerClient, client: str, ignored: str
) -> None:
    """BuildKit reads Dockerfile.dockerignore in place of .dockerignore; the classic builder
    reads .dockerignore only."""
    require_client(client)
    tiny.add("root", "", "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY . /context/\n")
    folder = tiny.folder / "root"
    (folder / ".dockerignore").write_text("only-dockerignore.txt\nimage.toml\n")
    (folder / "Dockerfile.dockerignore").write_text("only-own.txt\nimage.toml\n")
    for name in ("only-dockerignore.txt", "only-own.txt"):
        (folder / name).write_text("first\n")
    report = tiny.scratch / "report.json"

    def build() -> str:
        done = tiny.build("--json", str(report), STACK_BUILD_DOCKER=client)
        assert done.returncode == 0, done.stdout + done.stderr
        return statuses(report)["root"]

    def sent(name: str) -> bool:
        listing = docker_client.containers.run(
            tiny.reference("root"), "ls /context", remove=True, network_disabled=True
        )
        return name in listing.decode().split()

    assert build() == "built"
    kept = "only-dockerignore.txt" if ignored == "only-own.txt" else "only-own.txt"
    assert not sent(ignored) and sent(kept)
    (folder / ignored).write_text("second\n")
    assert build() == "up to date"
    (folder / kept).write_text("second\n")
    assert build() == "built"


def test_a_class_with_a_leading_bang_is_no_negation_in_the_inputs(
    tiny: TinyStack, docker_client: docker.DockerClient
) -> None:
    """The engine reads `[!x]ocs` as `!ocs` or `xocs`: it sends `docs`, so `docs` is an input."""
    tiny.add("root", "", "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY . /context/\n")
    folder = tiny.folder / "root"
    with (folder / ".dockerignore").open("a") as ignore:
        ignore.write("[!x]ocs\n")
    (folder / "docs").mkdir()
    (folder / "docs" / "x.md").write_text("first\n")
    report = tiny.scratch / "report.json"
    assert tiny.build("--json", str(report)).returncode == 0
    listing = docker_client.containers.run(
        tiny.reference("root"), "ls /context", remove=True, network_disabled=True
    )
    assert "docs" in listing.decode().split()  # the builder sent it
    (folder / "docs" / "x.md").write_text("second\n")
    rebuilt = tiny.build("--json", str(report))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert statuses(report) == {"root": "built"}


@pytest.mark.parametrize(
    "client", [DEBIAN_CLIENT, CLASSIC_ONLY_CLIENT], ids=["buildkit", "classic"]
)
def test_a_killed_run_leaves_no_build_running_and_moves_no_tag(
    tiny: TinyStack, docker_client: docker.DockerClient, client: str
) -> None:
    require_client(client)
    build_seconds = 8
    seconds = f"{build_seconds}.{uuid.uuid4().int % 10**6}"
    tiny.add("root", "", step("true"))
    tiny.add("slow", "root", step("echo first"))
    assert tiny.build().returncode == 0
    before = image_id(docker_client, tiny.reference("slow"))
    (tiny.folder / "slow" / "Dockerfile").write_text(step(f"sleep {seconds}"))
    temporary = tiny.scratch / "tmp"
    temporary.mkdir()
    process = tiny.start(STACK_BUILD_DOCKER=client, TMPDIR=str(temporary))
    deadline = time.monotonic() + 120
    while not sleeping_processes(f"sleep {seconds}"):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "the slow build did not start"
        time.sleep(0.2)
    killed_at = time.monotonic()
    os.kill(process.pid, signal.SIGKILL)  # no handler runs: its children are on their own
    process.communicate(timeout=30)
    try:
        deadline = time.monotonic() + 30
        while (
            sleeping_processes(tiny.reference("slow"))  # the docker build client
            or sleeping_processes(f"sleep {seconds}")
            or containers_running(docker_client, seconds)
        ):
            assert time.monotonic() < deadline, "a build went on after stack-build was killed"
            time.sleep(0.5)
    finally:
        time.sleep(max(killed_at + build_seconds + 3 - time.monotonic(), 0))  # past its end
        after = image_id(docker_client, tiny.reference("slow"))
        remove_if_untagged(docker_client, before)  # when a build went on and tagged another
    assert after == before
    assert list(temporary.iterdir()) == []
    assert list((tiny.scratch / "logs").glob("*.iid")) == []


def tag_also(path: Path, reference: str) -> None:
    """Rewrite an archive so that its manifest tags its image `reference` too."""
    with tarfile.open(path) as archive:
        members = [(member, archive.extractfile(member)) for member in archive.getmembers()]
        files = [(member, handle.read() if handle else None) for member, handle in members]
    with tarfile.open(path, "w") as archive:
        for member, data in files:
            if member.name == "manifest.json" and data is not None:
                manifest = json.loads(data)
                manifest[0]["RepoTags"].append(reference)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            archive.addfile(member, io.BytesIO(data) if data is not None else None)


def test_load_refuses_an_archive_that_would_tag_other_images_too(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    archives = three.scratch / "archives"
    assert three.build("--image", "child", "--save", str(archives)).returncode == 0
    child = image_id(docker_client, three.reference("child"))
    path = archives / "x86_64-default-root.tar"
    tag_also(path, three.reference("child"))
    docker_client.images.remove(three.reference("root"))  # so that the archive is loaded
    try:
        loaded = three.build("--image", "root", "--load", str(archives))
    finally:
        now = image_id(docker_client, three.reference("child"))
        remove_if_untagged(docker_client, child)  # when loading moved its tag
    assert now == child
    assert loaded.returncode == 2
    assert loaded.stdout == ""
    assert loaded.stderr == (
        f"stack-build: error: {path} is tagged {three.reference('child')} besides "
        f"{three.reference('root')}, and loading it would tag those too: remove it, or save "
        f"{three.reference('root')} alone under this name (stack-build --save)\n"
    )
    assert image_id(docker_client, three.reference("root")) is None


def test_save_writes_anew_an_archive_of_the_image_that_load_would_refuse(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    archives = three.scratch / "archives"
    assert three.build("--image", "root", "--save", str(archives)).returncode == 0
    path = archives / "x86_64-default-root.tar"
    tag_also(path, three.reference("child"))  # the same image, one tag too many
    saved = three.build("--image", "root", "--save", str(archives))
    assert saved.returncode == 0, saved.stdout + saved.stderr
    root = image_id(docker_client, three.reference("root"))
    docker_client.images.remove(three.reference("root"))  # so that the archive is loaded
    loaded = three.build("--image", "root", "--load", str(archives))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert image_id(docker_client, three.reference("root")) == root
    assert image_id(docker_client, three.reference("child")) is None


@pytest.mark.parametrize("client", [DEBIAN_CLIENT, CLASSIC_ONLY_CLIENT], ids=["20.10", "28"])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
def test_a_stopped_save_leaves_no_partial_archive_and_no_docker_save_running(
    tiny: TinyStack, client: str, stop: signal.Signals
) -> None:
    """SIGTERM or SIGKILL during `--save`: the `docker save` ends too (SIGTERM from stack-build,
    or its parent-death signal), and nothing it wrote is left."""
    require_client(client)
    tiny.add("root", "", step(f"head -c 300000000 /dev/urandom > /big # {uuid.uuid4()}"))
    assert tiny.build().returncode == 0
    archives = tiny.scratch / "archives"
    process = tiny.start("--save", str(archives), STACK_BUILD_DOCKER=client)
    saving = f"save --output {archives}"
    deadline = time.monotonic() + 120
    while not sleeping_processes(saving):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "docker save did not start"
        time.sleep(0.05)
    os.kill(process.pid, stop)  # to stack-build alone, not to its docker save
    output, _ = process.communicate(timeout=120)
    assert process.returncode == (130 if stop == signal.SIGTERM else -stop), output
    deadline = time.monotonic() + 30
    while sleeping_processes(saving):
        assert time.monotonic() < deadline, "docker save went on after stack-build ended"
        time.sleep(0.2)
    assert sorted(path.name for path in archives.iterdir()) == []


def test_stdout_on_a_full_disk_is_one_line_and_exit_1_and_the_builds_go_on(
    tiny: TinyStack,
) -> None:
    tiny.add("root", "", step("true"))
    report = tiny.scratch / "report.json"
    with open("/dev/full", "w") as full:  # every write fails with ENOSPC
        done = subprocess.run(
            tiny.command("--json", str(report)),
            cwd=tiny.scratch,
            env=tiny.environment,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        1,
        "stack-build: error: cannot write to stdout (No space left on device): the output is "
        "incomplete; free space where it goes, or send it elsewhere\n",
    )
    assert statuses(report) == {"root": "built"}


def test_archives_of_a_docker_hub_stack_load_back(
    three: TinyStack, docker_client: docker.DockerClient
) -> None:
    """`docker save` writes `docker.io/<owner>/x:latest` as `<owner>/x:latest`: the same
    reference, which `--load` takes for its own."""
    archives = three.scratch / "archives"
    hub = ("--registry", "docker.io")
    try:
        saved = three.build(*hub, "--image", "root", "--save", str(archives))
        assert saved.returncode == 0, saved.stderr
        loaded = three.build(*hub, "--image", "child", "--no-parents", "--load", str(archives))
        assert loaded.returncode == 0, loaded.stderr
        assert image_id(docker_client, f"{three.owner}/child:latest") is not None
    finally:
        for image in ("root", "child"):
            if image_id(docker_client, f"{three.owner}/{image}:latest") is not None:
                docker_client.images.remove(f"{three.owner}/{image}:latest")
