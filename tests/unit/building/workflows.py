"""Stacks to generate workflows from, the generated workflow read back, and its linters."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import throwaway_stacks
from inspections.building.ci_github import MERGE_JOB, TIMESTAMP_JOB, WIKI_JOB
from throwaway_stacks import StackImage

ROOT = Path(__file__).resolve().parents[3]
FIXED_JOBS = {TIMESTAMP_JOB, MERGE_JOB, WIKI_JOB}


def write_stack(folder: Path, images: dict[str, tuple[str, list[str]]]) -> Path:
    """A stack folder of `images` (name -> parent, variants) with a stack.toml."""
    declared = {
        name: StackImage(parent, variants=tuple(variants))
        for name, (parent, variants) in images.items()
    }
    return throwaway_stacks.write_stack(folder, "example", declared, registry="ghcr.io")


def read_workflow(text: str) -> dict[str, Any]:
    """The workflow as GitHub reads it (YAML 1.2)."""
    document: dict[str, Any] = YAML(typ="safe", pure=True).load(io.StringIO(text))
    return document


def build_jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The jobs that build an image, by job id."""
    return {job: spec for job, spec in workflow["jobs"].items() if job not in FIXED_JOBS}


def tool(name: str) -> str:
    """The path of a development tool installed with the `dev` extra."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run pip install -e '.[dev]'", pytrace=False)
    return path


def lint(path: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """check-jsonschema (GitHub's workflow schema, vendored) and actionlint on `path`."""
    schema = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    actionlint = subprocess.run(
        # With shellcheck, actionlint also checks every run script.
        [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return schema, actionlint
