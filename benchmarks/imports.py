"""What importing the plugin costs a pytest process; every xdist worker pays it again.

`python -X importtime -c "import pytest; import inspections.plugin.activation"`: pytest is imported
first, so what follows is what the plugin adds. Reported: the plugin's import time (median
over the rounds) and, from the median run, the heaviest modules it imports from elsewhere.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from benchmarks.sessions import environment
from benchmarks.tables import table
from benchmarks.workspace import PartResult, Workspace

PACKAGE = "inspections"
PLUGIN = f"{PACKAGE}.plugin.activation"  # what pytest loads through the entry point
HEAVIEST = 8
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)$")


@dataclass
class Imported:
    """One module in the import tree, with its cumulative import time."""

    name: str
    depth: int
    microseconds: int
    parent: Imported | None = None
    children: list[Imported] = field(default_factory=list)

    @property
    def package(self) -> str:
        return self.name.split(".")[0]


def import_tree(report: str) -> list[Imported]:
    """The top-level modules of an `-X importtime` report, children linked to parents.

    The report lists a module after everything it imported, one indent level deeper.
    """
    pending: list[Imported] = []
    for line in report.splitlines():
        match = IMPORT_LINE.match(line)
        if match is None:
            continue
        module = Imported(match[4], len(match[3]) // 2, int(match[2]))
        while pending and pending[-1].depth > module.depth:
            child = pending.pop()
            child.parent = module
            module.children.insert(0, child)
        pending.append(module)
    return pending


def _walk(modules: list[Imported]) -> list[Imported]:
    return [found for module in modules for found in (module, *_walk(module.children))]


def _import_plugin(workspace: Workspace) -> list[Imported]:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import pytest; import {PLUGIN}"],
        cwd=workspace.scratch,
        env=environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return import_tree(completed.stderr)


def _plugin_microseconds(tree: list[Imported]) -> int:
    return sum(module.microseconds for module in tree if module.package == PACKAGE)


def _heaviest_foreign(tree: list[Imported]) -> list[Imported]:
    """Modules from elsewhere that the plugin's own modules import, heaviest first."""
    foreign = [
        module
        for module in _walk(tree)
        if module.package != PACKAGE and module.parent and module.parent.package == PACKAGE
    ]
    return sorted(foreign, key=lambda module: -module.microseconds)[:HEAVIEST]


def _table(figures: dict[str, Any]) -> str:
    rows = [
        [item["module"], f"{item['seconds'] * 1000:.0f}", item["imported_by"]]
        for item in figures["heaviest_imports"]
    ]
    total = figures["plugin_import_seconds"] * 1000
    return f"importing {PLUGIN} after pytest: {total:.0f} ms\n" + table(
        rows, ["its heaviest imports", "ms", "imported by"]
    )


def measure(workspace: Workspace) -> PartResult:
    """Import the plugin once per round in a fresh interpreter."""
    trees = sorted(
        (_import_plugin(workspace) for _ in range(workspace.rounds)), key=_plugin_microseconds
    )
    figures: dict[str, Any] = {
        "plugin_import_seconds": statistics.median(map(_plugin_microseconds, trees)) / 1e6,
        "heaviest_imports": [
            {
                "module": module.name,
                "seconds": module.microseconds / 1e6,
                "imported_by": module.parent.name if module.parent else "",
            }
            for module in _heaviest_foreign(trees[len(trees) // 2])
        ],
    }
    return PartResult(name="imports", figures=figures, tables=[_table(figures)])
