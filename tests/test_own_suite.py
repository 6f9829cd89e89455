"""Our own suite's session: pytest without the plugin, and no engine without the docker tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NO_ENGINE, PLUGIN

ROOT = Path(__file__).resolve().parents[1]
REACHES_THE_ENGINE = """
import os

import docker

def test_pings_the_engine():
    print("engine at", os.environ["DOCKER_HOST"])
    docker.from_env().ping()
"""


def test_our_own_session_is_a_plain_pytest_session(pytestconfig: pytest.Config) -> None:
    registered = pytestconfig.pluginmanager.list_name_plugin()
    assert [name for name, plugin in registered if plugin and name.startswith(PLUGIN)] == []
    assert pytestconfig.pluginmanager.is_blocked(PLUGIN)


@pytest.mark.parametrize(
    ("arguments", "folder"),
    [(["--stack", "demo"], "demo/"), ([], "images/"), (["images/base-notebook"], "images/")],
    ids=["--stack demo", "no arguments", "an image folder"],
)
def test_sessions_that_inspect_the_repositorys_stacks_keep_the_plugin(
    arguments: list[str], folder: str
) -> None:
    """pytest loads our conftest in them too (a `test*` folder at the root): it leaves them be."""
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    completed = subprocess.run(
        [*collect, *arguments],
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # nothing left in the stack folders
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    nodeids = [line for line in completed.stdout.splitlines() if "::" in line]
    assert any("inspect_" in nodeid for nodeid in nodeids)
    assert all(nodeid.startswith(folder) for nodeid in nodeids)


def _probe(folder: Path, selection: str) -> str:
    """The output of pytest `-m selection`, with this suite's conftest, on a test that pings
    the engine at DOCKER_HOST `unix://<folder>/engine.sock`."""
    (folder / "test_probe.py").write_text(REACHES_THE_ENGINE)
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"]
    completed = subprocess.run(
        [*command, "-m", selection, "test_probe.py"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DOCKER_HOST": f"unix://{folder}/engine.sock"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == pytest.ExitCode.TESTS_FAILED, completed.stdout
    return completed.stdout


def test_without_the_docker_tests_an_unmarked_test_cannot_reach_the_engine(
    tmp_path: Path,
) -> None:
    output = _probe(tmp_path, "not docker and not browser")
    assert f"engine at {NO_ENGINE}\n" in output
    assert f"DOCKER_HOST is {NO_ENGINE} in this session" in output


def test_other_selections_leave_the_engine_where_it_is(tmp_path: Path) -> None:
    output = _probe(tmp_path, "not browser")
    assert f"engine at unix://{tmp_path}/engine.sock\n" in output
    assert NO_ENGINE not in output
