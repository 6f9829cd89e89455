"""The installed console scripts: each answers --help, and a usage error exits with 2."""

from __future__ import annotations

import shutil
import subprocess

import pytest

SCRIPTS = ["stack-apply-tags", "stack-push-tags", "stack-merge-tags", "stack-update-wiki"]


def _installed(script: str) -> str:
    path = shutil.which(script)
    if path is None:
        pytest.fail(f"{script} is not installed: run pip install -e .", pytrace=False)
    return path


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script: str) -> None:
    completed = subprocess.run(
        [_installed(script), "--help"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"usage: {script} ")


@pytest.mark.parametrize("script", SCRIPTS)
def test_no_arguments_is_a_usage_error(script: str) -> None:
    completed = subprocess.run([_installed(script)], capture_output=True, text=True, check=False)
    assert completed.returncode == 2
    assert completed.stderr.splitlines()[-1].startswith(f"{script}: error: ")
