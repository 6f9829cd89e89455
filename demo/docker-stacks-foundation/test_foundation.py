"""Image tests for docker-stacks-foundation and every image below it."""

from typing import Any


def test_python_comes_from_the_venv(host: Any) -> None:
    assert host.check_output("command -v python") == "/opt/venv/bin/python"


def test_runs_as_the_notebook_user(host: Any) -> None:
    assert host.check_output("id -un") == "jovyan"
    assert host.check_output("id -u") == "1000"
