"""The package's stages import one way: no module imports itself back through others;
outputs/, runtime/ and the console scripts (publishing/, building/) never import the plugin;
formats/ never imports outputs/, and inventory/ neither (every import counts, also one made
only for type checking or inside a function)."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import inspections

PACKAGE = Path(inspections.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_by(name: str) -> Iterator[str]:
    """The package's modules that module `name` imports anywhere in its text."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (target for target in targets if target in MODULES and target != name)


@functools.cache
def imports() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (read when a test first asks: it parses
    every module)."""
    return {name: set(imported_by(name)) for name in MODULES}


def circles() -> list[list[str]]:
    """Every set of modules that import each other in a loop (Tarjan's strongly connected
    components of more than one module)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = lowest[name] = len(index)
        stack.append(name)
        for target in imports()[name]:
            if target not in index:
                visit(target)
                lowest[name] = min(lowest[name], lowest[target])
            elif target in stack:
                lowest[name] = min(lowest[name], index[target])
        if lowest[name] == index[name]:
            component = []
            while (member := stack.pop()) != name:
                component.append(member)
            if component:
                found.append(sorted([name, *component]))

    for name in MODULES:
        if name not in index:
            visit(name)
    return found


def test_the_import_graph_is_read() -> None:
    """The graph the other tests check holds the imports they are about."""
    assert "inspections.outputs.results" in imports()["inspections.plugin.session"]
    assert "inspections.runtime.engine" in imports()["inspections.runtime.resources"]


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert circles() == []


@pytest.mark.parametrize("stage", ["outputs", "runtime", "publishing", "building"])
def test_a_later_stage_never_imports_the_plugin(stage: str) -> None:
    reaching_up = {
        name: sorted(
            target for target in imports()[name] if target.startswith("inspections.plugin")
        )
        for name in MODULES
        if name.startswith(f"inspections.{stage}.")
    }
    assert {name: targets for name, targets in reaching_up.items() if targets} == {}


@pytest.mark.parametrize(
    ("stage", "later"),
    [("formats", "outputs"), ("inventory", "outputs"), ("inventory", "formats")],
)
def test_an_earlier_stage_never_imports_a_later_one(stage: str, later: str) -> None:
    reaching_up = {
        name: sorted(t for t in imports()[name] if t.startswith(f"inspections.{later}."))
        for name in MODULES
        if name.startswith(f"inspections.{stage}.")
    }
    assert {name: targets for name, targets in reaching_up.items() if targets} == {}


def test_finishing_a_session_loads_no_plugin_module() -> None:
    code = (
        "import sys, inspections.outputs.finish, inspections.outputs.summary; "
        "print(sorted(m for m in sys.modules if m.startswith('inspections.plugin')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_a_class_name_means_one_thing() -> None:
    """No two classes of the package share a name, whatever their stage."""
    defined: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                defined.setdefault(node.name, []).append(name)
    assert {name: where for name, where in defined.items() if len(where) > 1} == {}


def test_the_console_scripts_do_not_load_pytest() -> None:
    """The commands start without pytest (a fifth of their start-up): only the plugin needs it."""
    scripts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    modules = sorted(
        {target.partition(":")[0] for target in scripts["project"]["scripts"].values()}
    )
    code = f"import sys; import {', '.join(modules)}; print('pytest' in sys.modules)"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert len(modules) >= 7
    assert completed.stdout.strip() == "False"
