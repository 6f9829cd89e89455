"""``python demo/build.py`` end to end, on the built demo stack and on a throwaway stack."""

from __future__ import annotations

import json
import re
import textwrap
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_builder.script import DEMO, MINBASE, docker, image_id, run_build
from throwaway_stacks import StackImage, one_step_dockerfile, write_stack

INPUTS_LABEL = "org.stack-inspections.inputs"
PARENTS: dict[str, str] = tomllib.loads((DEMO / "expected_versions.toml").read_text())["parents"]
TABLE_HEADER = re.compile(r"image\s+variant\s+status\s+duration\s+size\s+image id")


def image_statuses(stdout: str) -> dict[str, str]:
    """Each image's status from stack-build's closing table (in the table's order)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if TABLE_HEADER.fullmatch(line.strip()))
    statuses: dict[str, str] = {}
    for line in lines[start + 2 :]:
        if line.startswith("logs: "):
            break
        image, variant, status, *_ = re.split(r"\s{2,}", line.strip())
        assert variant == "default"
        statuses[image] = status
    return statuses


@pytest.fixture
def demo_ids() -> dict[str, str]:
    """The ids of the built demo images (the stack must have been built by demo/build.py)."""
    ids: dict[str, str] = {}
    for name in ["bookworm-minbase", *PARENTS]:
        found = image_id(f"localhost/demo/{name}:latest")
        if found is None:
            pytest.fail(f"demo image {name} is not built: run python demo/build.py first")
        ids[name] = found
    return ids


@pytest.mark.docker
def test_a_second_run_builds_nothing(demo_ids: dict[str, str]) -> None:
    logs = DEMO / ".build-logs"
    log_times = {path: path.stat().st_mtime_ns for path in logs.glob("*.log")}
    completed = run_build()
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("bookworm-minbase: present\n")
    statuses = image_statuses(completed.stdout)
    assert statuses == {name: "up to date" for name in PARENTS}
    order = list(statuses)
    for name, parent in PARENTS.items():
        if parent:
            assert order.index(parent) < order.index(name)
    assert completed.stderr == ""
    assert {name: image_id(f"localhost/demo/{name}:latest") for name in demo_ids} == demo_ids
    assert {path: path.stat().st_mtime_ns for path in logs.glob("*.log")} == log_times


def test_no_engine_is_one_line_and_exit_1(tmp_path: Path) -> None:
    completed = run_build(DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    assert completed.returncode == 1
    assert completed.stderr.startswith("error: the Docker engine does not answer (")
    assert completed.stderr.endswith("start dockerd, or point DOCKER_HOST at a running engine\n")
    assert completed.stderr.count("\n") == 1
    assert completed.stdout == ""


def test_unknown_only_image_is_one_line_and_exit_2() -> None:
    completed = run_build("--only", "no-such-notebook")
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: unknown image 'no-such-notebook' in {DEMO}: use one of ")
    assert "docker-stacks-foundation" in lines[0]


def test_a_folder_without_images_is_one_line(tmp_path: Path) -> None:
    completed = run_build("--stack", str(tmp_path))
    assert completed.returncode == 2
    assert completed.stderr.startswith(f"error: stack folder {tmp_path} declares no image: ")
    assert completed.stderr.count("\n") == 1


# --- a throwaway stack: two tiny images on the demo's Debian base ---------------------------


@pytest.fixture
def owner() -> Iterator[str]:
    """A registry owner of our own, with the demo's base image; every tag under it is removed."""
    name = f"build-test-{uuid.uuid4().hex[:8]}"
    if image_id(MINBASE) is None:
        pytest.fail(f"{MINBASE} is not built: run python demo/build.py first")
    docker("tag", MINBASE, f"localhost/{name}/bookworm-minbase:latest")
    yield name
    refs = docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", f"localhost/{name}/*")
    for ref in refs.split():
        docker("image", "rm", ref)


# The demo's root starts from its owner's minbase image, as demo/docker-stacks-foundation does.
ROOT_DOCKERFILE = (
    "ARG REGISTRY\nARG OWNER\nARG BASE_IMAGE=$REGISTRY/$OWNER/bookworm-minbase:latest\n"
    "FROM $BASE_IMAGE\nRUN true\n"
)
PLUGIN_FILES_LEFT_OUT = (DEMO / "base-notebook" / ".dockerignore").read_text()


@pytest.fixture
def tiny_stack(tmp_path: Path, owner: str) -> Path:
    """``tiny-root`` (from the base image) and ``tiny-child``, each one ``RUN`` step."""
    root_files = {
        "Dockerfile": ROOT_DOCKERFILE,
        ".dockerignore": PLUGIN_FILES_LEFT_OUT,
        "inspect_tiny_root.py": "",
    }
    images = {
        "tiny-root": StackImage(files=root_files),
        "tiny-child": StackImage("tiny-root", {"Dockerfile": one_step_dockerfile("test -d /etc")}),
    }
    stack = write_stack(tmp_path / "stack", owner, images)
    (stack / "expected_versions.toml").write_text(
        textwrap.dedent(
            """
            [tiny-root]
            os_id = "debian"
            [tiny-child]
            os_version_id = "12"
            """
        )
    )
    return stack


def label(ref: str) -> str | None:
    labels = json.loads(docker("image", "inspect", "--format", "{{json .Config.Labels}}", ref))
    return labels.get(INPUTS_LABEL) if labels else None


@pytest.mark.docker
def test_builds_once_then_only_what_changed(tiny_stack: Path, owner: str) -> None:
    root, child = f"localhost/{owner}/tiny-root:latest", f"localhost/{owner}/tiny-child:latest"

    first = run_build("--stack", str(tiny_stack))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("bookworm-minbase: present\n")
    assert image_statuses(first.stdout) == {"tiny-root": "built", "tiny-child": "built"}
    first_ids = {root: image_id(root), child: image_id(child)}
    assert None not in first_ids.values()
    assert label(root) and label(child) and label(root) != label(child)
    assert "RUN true" in (tiny_stack / ".build-logs" / "x86_64-default-tiny-root.log").read_text()

    (tiny_stack / "tiny-root" / "inspect_tiny_root.py").write_text("x = 1\n")
    again = run_build("--stack", str(tiny_stack))
    assert again.returncode == 0, again.stderr
    assert image_statuses(again.stdout) == {"tiny-root": "up to date", "tiny-child": "up to date"}
    assert {root: image_id(root), child: image_id(child)} == first_ids

    (tiny_stack / "tiny-root" / "Dockerfile").write_text(ROOT_DOCKERFILE + "RUN echo changed\n")
    changed = run_build("--stack", str(tiny_stack))
    assert changed.returncode == 0, changed.stderr
    assert image_statuses(changed.stdout) == {
        "tiny-root": "built",  # its Dockerfile changed
        "tiny-child": "built",  # its parent's id changed
    }
    assert image_id(root) != first_ids[root] and image_id(child) != first_ids[child]
    replaced = [ref for ref, old in first_ids.items() if old and image_id(old) is not None]
    assert replaced == []  # the images the rebuild replaced are gone


@pytest.mark.docker
def test_only_and_force(tiny_stack: Path, owner: str) -> None:
    assert run_build("--stack", str(tiny_stack)).returncode == 0
    forced = run_build("--stack", str(tiny_stack), "--only", "tiny-root", "--force")
    assert forced.returncode == 0, forced.stderr
    assert image_statuses(forced.stdout) == {"tiny-root": "built"}


@pytest.mark.docker
def test_verify_compares_with_expected_versions(tiny_stack: Path) -> None:
    passed = run_build("--stack", str(tiny_stack), "--verify")
    assert passed.returncode == 0, passed.stderr
    assert re.search(r"^verify tiny-root\s+ok \(1 values\)$", passed.stdout, re.M)
    assert re.search(r"^verify tiny-child\s+ok \(2 values\)$", passed.stdout, re.M)

    expected = tiny_stack / "expected_versions.toml"
    expected.write_text(expected.read_text().replace('"debian"', '"ubuntu"'))
    failed = run_build("--stack", str(tiny_stack), "--verify")
    assert failed.returncode == 1
    assert re.search(r"^verify tiny-child\s+FAILED \(2 values\)$", failed.stdout, re.M)
    assert failed.stderr.splitlines() == [
        "  os_id: expected 'ubuntu', image reports 'debian'",
        "  os_id: expected 'ubuntu', image reports 'debian'",
        f"error: images differ from {expected} (see above)",
    ]
