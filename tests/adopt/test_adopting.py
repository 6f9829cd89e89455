"""A repository laid out like the Jupyter Docker Stacks adopts the plugin without moving a file.

Their test command keeps running as it did; once declared, one session runs their image tests
(with their own fixtures) and the inspections, and their failing test withholds the image's
files; their tests vouch only for the image they ran on. The migration guide's CI command runs
as the README writes it. Real containers of the demo images, tagged under the repository's
names.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from ruamel.yaml import YAML

from tests.adopt.repository import (
    CONTAINER_LABEL,
    REGISTRY,
    ROOT,
    VARIANT,
    adopt,
    checkout_environment,
    remove_tags,
    tag_images,
    tag_variant,
    write_repository,
)
from tests.plugin.stacks import record_of
from throwaway_stacks import commit_all

pytestmark = pytest.mark.docker

TIMEOUT_SECONDS = 600


@pytest.fixture
def owner() -> Iterator[str]:
    """An owner unique to the test: the demo images tagged `quay.io/<owner>/<image>`."""
    client = docker.from_env()
    name = f"adopt-{uuid.uuid4().hex[:8]}"
    tag_images(client, name)
    yield name
    remove_tags(client, name)
    labelled = client.containers.list(all=True, filters={"label": CONTAINER_LABEL})
    leaked = [c for c in labelled if c.attrs["Config"]["Image"].startswith(f"{REGISTRY}/{name}/")]
    assert not leaked, "their fixture left containers behind"


def pytest_in(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m pytest ...` in `root`, as their CI runs it (no cache, verbose)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", *arguments],
        cwd=root,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


_OUTCOME = re.compile(
    r"^(?:\[gw\d+\] \[ *\d+%\] (?P<xdist>[A-Z]+) (?P<xdist_id>\S+)"
    r"|(?P<serial_id>\S+::\S+) (?P<serial>PASSED|FAILED|SKIPPED|ERROR))",
    re.MULTILINE,
)


def outcomes(stdout: str) -> dict[str, str]:
    """node id -> PASSED/FAILED/... from a `-v` run, serial or under xdist."""
    found = {}
    for match in _OUTCOME.finditer(stdout):
        nodeid = match.group("xdist_id") or match.group("serial_id")
        found[nodeid] = match.group("xdist") or match.group("serial")
    return found


def their_command(owner: str, image: str, folders: list[str]) -> list[str]:
    """What their runner runs for `image`: its folder and its ancestors' under tests/by_image."""
    return [
        "--numprocesses",
        "2",
        "-m",
        "not info",
        *(f"tests/by_image/{folder}" for folder in folders),
        "--registry",
        REGISTRY,
        "--owner",
        owner,
        "--image",
        image,
    ]


@pytest.mark.parametrize("adopted", [False, True], ids=["before adoption", "after adoption"])
def test_their_test_command_runs_unchanged_with_the_plugin_installed(
    tmp_path: Path, owner: str, adopted: bool
) -> None:
    root = write_repository(tmp_path / "repository")
    if adopted:  # stack.toml and the top pytest.ini: their runner still reads tests/pytest.ini
        adopt(root)
    command = their_command(owner, "base-notebook", ["docker-stacks-foundation", "base-notebook"])

    with_plugin = pytest_in(root, *command)
    without_plugin = pytest_in(root, *command, "-p", "no:stack_inspections")

    output = with_plugin.stdout + with_plugin.stderr
    assert with_plugin.returncode == 0, output[-3000:]
    assert outcomes(with_plugin.stdout) == {
        "tests/by_image/docker-stacks-foundation/test_python.py::test_python_runs": "PASSED",
        "tests/by_image/base-notebook/test_lab.py::test_jupyter_lab_answers": "PASSED",
    }
    assert "image_verdict" not in output
    assert "stack inspections" not in output
    assert without_plugin.returncode == 0
    assert outcomes(without_plugin.stdout) == outcomes(with_plugin.stdout)


def test_one_session_runs_their_tests_and_the_inspections_and_their_failure_gates(
    tmp_path: Path, owner: str
) -> None:
    root = write_repository(tmp_path / "repository")
    adopt(root)
    # Their options, no path arguments: the stack and the image's test folders are collected.
    session = ["-m", "not info"]
    session += ["--registry", REGISTRY, "--owner", owner, "--image", "base-notebook"]

    passing = pytest_in(root, *session, "-n", "2", "--emit-manifests", "out")

    assert passing.returncode == 0, passing.stdout[-4000:] + passing.stderr[-2000:]
    ran = outcomes(passing.stdout)
    assert (
        ran["tests/by_image/docker-stacks-foundation/test_python.py::test_python_runs"] == "PASSED"
    )
    assert ran["tests/by_image/base-notebook/test_lab.py::test_jupyter_lab_answers"] == "PASSED"
    assert not [nodeid for nodeid in ran if "minimal-notebook" in nodeid]  # below base-notebook
    assert not [nodeid for nodeid in ran if "test_pip_list" in nodeid]  # -m "not info"
    inspections = [nodeid for nodeid in ran if "/inspect_" in nodeid]
    assert inspections and all(ran[nodeid] == "PASSED" for nodeid in inspections)
    tags = (root / "out/tags/x86_64-default-base-notebook.txt").read_text().splitlines()
    assert tags[0] == f"{REGISTRY}/{owner}/base-notebook:x86_64-latest"
    assert any(tag.startswith(f"{REGISTRY}/{owner}/base-notebook:x86_64-lab-") for tag in tags)
    record = record_of(root / "out")["base-notebook"]
    assert record["outcome"] == "passed"
    assert record["tests"]["passed"] == 2  # theirs: the ancestor's folder and the image's own

    # A failing test in the ancestor's folder withholds base-notebook's files.
    (root / "tests/by_image/docker-stacks-foundation/test_conda.py").write_text(
        "def test_conda_is_installed(container):\n"
        "    container.run_detached(command=['sleep', 'infinity'], network_disabled=True)\n"
        "    container.exec_cmd('conda --version')\n"
    )
    commit_all(root, "A test the demo image fails")
    failing = pytest_in(root, *session, "--emit-manifests", "out-failed")

    assert failing.returncode == 1, failing.stdout[-4000:]
    ran = outcomes(failing.stdout)
    assert ran[
        "tests/by_image/docker-stacks-foundation/test_conda.py::test_conda_is_installed"
    ] == ("FAILED")
    assert ran["tests/by_image/base-notebook/test_lab.py::test_jupyter_lab_answers"] == "PASSED"
    verdicts = [nodeid for nodeid in ran if nodeid.endswith("::image_verdict[base-notebook]")]
    assert [ran[nodeid] for nodeid in verdicts] == ["FAILED"]
    assert (
        "image test tests/by_image/docker-stacks-foundation/test_conda.py::test_conda_is_installed "
        "failed" in failing.stdout
    )
    assert not (root / "out-failed/tags/x86_64-default-base-notebook.txt").exists()
    assert record_of(root / "out-failed")["base-notebook"]["outcome"] == "failed"


def their_session(owner: str) -> list[str]:
    """A session at the top with their options for base-notebook, without the info tests."""
    return ["-m", "not info", "--registry", REGISTRY, "--owner", owner, "--image", "base-notebook"]


def test_their_tests_count_only_for_the_image_their_option_names(
    tmp_path: Path, owner: str
) -> None:
    root = write_repository(tmp_path / "repository")
    adopt(root)
    wider = [*their_session(owner), "--stack-image", "minimal-notebook"]

    refused = pytest_in(root, *wider, "--emit-manifests", "out")

    assert refused.returncode == pytest.ExitCode.USAGE_ERROR, refused.stdout[-3000:]
    assert [line for line in refused.stderr.splitlines() if line] == [
        "ERROR: --stack-image minimal-notebook: the project's own tests run only on the image "
        "--image names (base-notebook), so they cannot vouch for minimal-notebook: give it a "
        "session of its own (--image minimal-notebook), or add --inspections-only to inspect "
        "it without those tests"
    ]
    assert not (root / "out").exists()

    # Without the gate both images are inspected; their tests ran on base-notebook only.
    ungated = pytest_in(root, *wider, "-n", "2", "--no-test-gate", "--emit-manifests", "out")

    assert ungated.returncode == 0, ungated.stdout[-4000:] + ungated.stderr[-2000:]
    ran = outcomes(ungated.stdout)
    assert not [nodeid for nodeid in ran if nodeid.startswith("tests/by_image/minimal-notebook/")]
    records = record_of(root / "out")
    assert records["base-notebook"]["tests"] == {"passed": 2, "failed": []}
    assert records["minimal-notebook"]["tests"] == {"passed": 0, "failed": []}
    assert records["minimal-notebook"]["outcome"] == "passed"


def test_a_variant_counts_their_tests_only_when_they_ran_on_the_inspected_build(
    tmp_path: Path, owner: str
) -> None:
    root = write_repository(tmp_path / "repository")
    adopt(root)
    client = docker.from_env()
    session = [*their_session(owner), "-n", "2", "--variant", VARIANT]

    tag_variant(client, owner, "base-notebook")  # one build, tagged :latest and :cuda-latest
    same = pytest_in(root, *session, "--emit-manifests", "out")

    assert same.returncode == 0, same.stdout[-4000:] + same.stderr[-2000:]
    tags = (root / f"out/tags/x86_64-{VARIANT}-base-notebook.txt").read_text().splitlines()
    assert tags[0] == f"{REGISTRY}/{owner}/base-notebook:x86_64-{VARIANT}-latest"
    record = record_of(root / "out")["base-notebook"]
    assert (record["outcome"], record["tests"]["passed"]) == ("passed", 2)

    # :cuda-latest another build than the :latest their tests start: they vouch for neither.
    tag_variant(client, owner, "minimal-notebook")
    other = pytest_in(root, *session, "--emit-manifests", "out-other")

    assert other.returncode == 1, other.stdout[-4000:]
    ran = outcomes(other.stdout)
    assert ran["tests/by_image/base-notebook/test_lab.py::test_jupyter_lab_answers"] == "PASSED"
    verdicts = [nodeid for nodeid in ran if nodeid.endswith("::image_verdict[base-notebook]")]
    assert [ran[nodeid] for nodeid in verdicts] == ["FAILED"]
    assert (
        f"the project's image tests ran on {REGISTRY}/{owner}/base-notebook:latest" in other.stdout
    )
    assert not (root / f"out-other/tags/x86_64-{VARIANT}-base-notebook.txt").exists()
    assert record_of(root / "out-other")["base-notebook"]["outcome"] == "failed"


GUIDE = "## Adopting it in a repository like the Jupyter Docker Stacks"


def guide_blocks(language: str) -> list[str]:
    """The fenced code blocks of the README's migration guide in `language`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(GUIDE, 1)[1].split("\n## ", 1)[0]
    fenced = re.findall(r"^```(\w*)\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    return [body for found, body in fenced if found == language]


def wiki_checkouts() -> list[str]:
    """The folders the guide's workflow steps check the build history wiki out into."""
    steps = [step for block in guide_blocks("yaml") for step in YAML(typ="safe").load(block)]
    return [
        step["with"]["path"]
        for step in steps
        if str(step.get("uses", "")).startswith("actions/checkout@")
        and str(step["with"]["repository"]).endswith(".wiki")
    ]


def test_the_guides_ci_command_runs_in_their_layout(tmp_path: Path, owner: str) -> None:
    root = write_repository(tmp_path / "repository")  # with their wiki tool's folder, wiki/
    adopt(root)
    for checkout in wiki_checkouts():  # an empty wiki: no earlier build to compare with
        (root / checkout / "monthly-files").mkdir(parents=True)
    (command,) = [block for block in guide_blocks("sh") if "python3 -m pytest" in block]
    jupyter = tmp_path / "jupyter"
    environment = checkout_environment() | {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "REGISTRY": REGISTRY,
        "OWNER": owner,
        "IMAGE": "base-notebook",
        "GITHUB_REPOSITORY": "someone/adopted-stacks-fork",  # a fork's CI: not stack.toml's
    }

    result = subprocess.run(
        ["bash", "-euc", command.replace("/tmp/jupyter/", f"{jupyter}/")],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert record_of(jupyter / "out")["base-notebook"]["outcome"] == "passed"
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    (manifest,) = (jupyter / "out/manifests").glob("*-base-notebook-*.md")
    link = f"(https://github.com/someone/adopted-stacks-fork/commit/{commit})"
    assert link in manifest.read_text(encoding="utf-8")
