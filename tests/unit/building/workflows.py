"""Stacks to generate workflows from, the generated workflow read back, and its linters."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Linted:
    """What GitHub's workflow schema (check-jsonschema) and actionlint said of some workflows,
    each linter started once for all of them: their start-up is most of their time."""

    schema: subprocess.CompletedProcess[str]
    shellchecked: subprocess.CompletedProcess[str]  # actionlint, with shellcheck
    linted: subprocess.CompletedProcess[str]  # actionlint alone
    folder: Path  # the current folder when actionlint ran

    def actionlint_on(self, path: Path) -> list[str]:
        """actionlint's complaints about `path` (its lines start with the file's path, which
        actionlint shows relative to the current folder where it can)."""
        shown = (f"{path}:", f"{os.path.relpath(path, self.folder)}:")
        lines = (self.shellchecked.stdout + self.linted.stdout).splitlines()
        return [line for line in lines if line.startswith(shown)]


def lint(schema_checked: list[Path], shellchecked: list[Path], linted: list[Path]) -> Linted:
    """check-jsonschema (GitHub's workflow schema, vendored) on `schema_checked`; actionlint
    on `shellchecked`, with shellcheck on every run script (one process per script: most of
    the time), and on `linted` without; all at once."""
    actionlint = [tool("actionlint"), "-no-color"]
    commands = {
        "schema": [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
        + [str(path) for path in schema_checked],
        "shellchecked": [*actionlint, "-shellcheck", tool("shellcheck")]
        + [str(path) for path in shellchecked],
        "linted": [*actionlint, "-shellcheck="] + [str(path) for path in linted],
    }
    running = {
        name: subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, command in commands.items()
    }
    done = {}
    for name, process in running.items():
        stdout, stderr = process.communicate()
        done[name] = subprocess.CompletedProcess(commands[name], process.returncode, stdout, stderr)
    return Linted(done["schema"], done["shellchecked"], done["linted"], Path.cwd())
