"""Each parser has one home: two functions of one name that parse would drift apart."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import inspections

PACKAGE = Path(inspections.__file__).parent


def test_no_two_modules_define_a_parser_of_the_same_name() -> None:
    homes: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("parse_"):
                homes[node.name].append(str(path.relative_to(PACKAGE)))
    assert {name: found for name, found in homes.items() if len(found) > 1} == {}
    assert "parse_distributions" in homes  # the scan found the parsers
