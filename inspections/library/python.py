"""Python version taggers and the pip-based "Python Packages" manifest piece."""

from __future__ import annotations

import re

from inspections import InspectionError, manifest, output_of, packages, tagger
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.pip import (
    DISTRIBUTIONS_COMMAND,
    PIP_LIST_COMMAND,
    distributions_inventory,
)
from inspections.library.parsing import search_version
from inspections.library.pieces import combined_output, quoted_combined
from inspections.library.protocols import Host

PYTHON_VERSION_COMMAND = "python --version"

_PYTHON_VERSION = re.compile(r"^Python (?P<version>\d+\.\d+\.\d+\S*)\s*$", re.MULTILINE)
# As `python --version` prints it: 3.11.7, 3.13.0rc1, a development build's 3.14.0a1+. The line
# is Markdown text in the manifest, so nothing else may follow.
_VERSION_LINE = re.compile(r"Python \d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?\+?")
_MAJOR_MINOR = re.compile(r"\d+\.\d+")


def parse_python_version(output: str) -> str:
    """The version from `python --version` output, e.g. `3.11.7` from `Python 3.11.7`."""
    return search_version(
        _PYTHON_VERSION, output, PYTHON_VERSION_COMMAND, "a line like 'Python 3.11.7'"
    )


def major_minor(version: str) -> str:
    """The `major.minor` prefix of a version, e.g. `3.11` from `3.11.7`."""
    match = _MAJOR_MINOR.match(version)
    if match is None:
        raise ValueError(f"{version!r} does not start with major.minor")
    return match.group()


def python_version_line(host: Host) -> str:
    """The output of `python --version` as the Jupyter manifests show it: one bare line.

    It is Markdown text, not quoted, so anything but a version line is refused.
    """
    output = combined_output(host, PYTHON_VERSION_COMMAND).rstrip()
    if not _VERSION_LINE.fullmatch(output):
        shown = repr(output[:80]) if output else "nothing"
        raise InspectionError(
            f"`{PYTHON_VERSION_COMMAND}` printed {shown}; expected one line like 'Python 3.11.7'"
        )
    return output


@tagger
def python_version_tag(host: Host) -> str:
    """The full Python version, e.g. `python-3.11.7`."""
    return "python-" + parse_python_version(combined_output(host, PYTHON_VERSION_COMMAND))


@tagger
def python_minor_tag(host: Host) -> str:
    """The Python major.minor version, e.g. `python-3.11`."""
    version = parse_python_version(combined_output(host, PYTHON_VERSION_COMMAND))
    return "python-" + major_minor(version)


@manifest("Python Packages")
def pip_packages_manifest(host: Host) -> str:
    """The Python version line, then the pip packages, for images without conda."""
    return f"{python_version_line(host)}\n\n{quoted_combined(host, PIP_LIST_COMMAND)}"


@packages
def pip_inventory(host: Host) -> Inventory:
    """The pip packages of the manifest piece as data, `pkg:pypi/<name>@<version>`, each by
    the name and version of its metadata: what Python imports and pip's table shows."""
    return distributions_inventory(output_of(host, DISTRIBUTIONS_COMMAND))
