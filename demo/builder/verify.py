"""``--verify``: run each image once and compare what it reports with expected_versions.toml."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from inspections.building.build_run import SUCCEEDED, ImageBuildResult
from inspections.building.errors import BuildError
from inspections.stack import Stack

EXPECTED_VERSIONS = "expected_versions.toml"
# Containers as the plugin starts them: no network, a hostname that resolves (to loopback),
# without which Spark cannot start.
INSPECTION_LIKE = (
    "--network",
    "none",
    "--hostname",
    "inspected",
    "--add-host",
    "inspected:127.0.0.1",
)
PIP_VERSION = "python -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "
DPKG_VERSION = "dpkg-query -W -f '${Version}' "
# How --verify reads each key of expected_versions.toml inside an image (shell, stdout).
VERIFY_COMMANDS = {
    "os_id": ". /etc/os-release && echo $ID",
    "os_version_id": ". /etc/os-release && echo $VERSION_ID",
    "python": "python --version | cut -d' ' -f2",
    "pip": "pip --version | cut -d' ' -f2",
    "lab": "jupyter lab --version",
    "notebook": "jupyter notebook --version",
    "hub": "jupyterhub --version",
    "numpy": PIP_VERSION + "numpy",
    "pandas": PIP_VERSION + "pandas",
    "matplotlib": PIP_VERSION + "matplotlib",
    "r": "R --version | head -n1 | cut -d' ' -f3",
    "r_version_line": "R --version | head -n1",
    "r_base_core_deb": DPKG_VERSION + "r-base-core",
    "java": "java --version | head -n1 | cut -d' ' -f2",
    "java_version_line": "java --version | head -n1",
    "openjdk_deb": DPKG_VERSION + "openjdk-17-jre-headless",
    "spark": "/usr/local/spark/bin/spark-submit --version 2>&1 >/dev/null"
    " | sed -n 's/.*version \\([0-9][0-9.]*\\).*/\\1/p' | head -n1",
    "pyspark": PIP_VERSION + "pyspark",
    "torch": "python -c 'import torch; print(torch.__version__)'",
    "tensorflow_cpu": PIP_VERSION + "tensorflow-cpu",
}


def expected_file(stack: Stack) -> Path:
    """The stack's file of expected versions."""
    return stack.folder / EXPECTED_VERSIONS


def read_expected(stack: Stack) -> dict[str, object]:
    """The stack's expected versions, or BuildError naming the file."""
    path = expected_file(stack)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise BuildError(f"cannot read {path}: {error}") from error


def verify(docker: str, stack: Stack, results: list[ImageBuildResult]) -> bool:
    """Check every image this run built or found up to date against the expected versions."""
    expected = read_expected(stack)
    passed = True
    for result in results:
        if result.status not in SUCCEEDED:
            continue
        name = result.target.image
        values = expected_values(expected, stack, name)
        problems = verify_image(docker, result.target.reference, values)
        passed = passed and not problems
        status = "FAILED" if problems else "ok"
        print(f"verify {name:<26} {status} ({len(values)} values)", flush=True)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    return passed


def expected_values(expected: dict[str, object], stack: Stack, name: str) -> dict[str, str]:
    """The values expected of an image: its own section merged over its ancestors'."""
    values: dict[str, str] = {}
    for ancestor in stack.lineage_names(name):
        section = expected.get(ancestor, {})
        if isinstance(section, dict):
            values.update({key: str(value) for key, value in section.items()})
    return values


def verify_image(docker: str, ref: str, values: dict[str, str]) -> list[str]:
    """Run an image once and compare what it reports with ``values``; the mismatches."""
    unknown = sorted(set(values) - set(VERIFY_COMMANDS))
    if unknown:
        return [f"no verify command for {', '.join(unknown)}"]
    completed = subprocess.run(
        [docker, "run", "--rm", *INSPECTION_LIKE, ref, "bash", "-c", verify_script(values)],
        capture_output=True,
        text=True,
        check=False,
    )
    return mismatches(values, completed.stdout)


def verify_script(values: dict[str, str]) -> str:
    """A shell script printing ``key<TAB>value`` for every key of ``values``."""
    return "".join(
        f"printf '%s\\t%s\\n' {key} \"$({VERIFY_COMMANDS[key]})\"\n" for key in sorted(values)
    )


def mismatches(values: dict[str, str], output: str) -> list[str]:
    """The expected values that the script's ``output`` does not report, one line each."""
    found = dict(line.split("\t", 1) for line in output.splitlines() if "\t" in line)
    return [
        f"{key}: expected {value!r}, image reports {found.get(key)!r}"
        for key, value in sorted(values.items())
        if found.get(key) != value
    ]
