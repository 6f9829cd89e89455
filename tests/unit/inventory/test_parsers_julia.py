"""`Pkg.status()`: an empty project (recorded), and published listings with markers, stdlibs."""

from __future__ import annotations

import re

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.parsers.julia import parse_julia_status

from .support import recorded

ENTRY = re.compile(r"\[[0-9a-f]{8}\] (\S+)(?: v(\S+))?")


def test_an_empty_project_has_no_packages() -> None:
    assert len(parse_julia_status(recorded("julia-pkg-status.txt"))) == 0


@pytest.mark.parametrize("name", ["julia-pkg-status-project.txt", "julia-pkg-status-stdlib.txt"])
def test_every_entry_becomes_a_package(name: str) -> None:
    text = recorded(name)
    entries = [match.groups() for match in map(ENTRY.search, text.splitlines()) if match]
    inventory = parse_julia_status(text)
    assert sorted((p.name, p.version) for p in inventory.packages) == sorted(
        (entry_name, version or "") for entry_name, version in entries
    )
    assert len(inventory) == len(entries) > 0


def test_marked_and_annotated_entries_are_read() -> None:
    packages = {
        p.name: p for p in parse_julia_status(recorded("julia-pkg-status-project.txt")).packages
    }
    assert packages["CairoMakie"].version == "0.15.11"  # marked ⌃
    assert packages["Makie"].version == "0.24.11"  # marked ⌅
    assert packages["ManoptExamples"].version == "0.1.18"  # followed by a path
    assert packages["IJulia"].purl == "pkg:julia/IJulia@1.34.4"


def test_a_standard_library_has_no_version() -> None:
    packages = {
        p.name: p for p in parse_julia_status(recorded("julia-pkg-status-stdlib.txt")).packages
    }
    assert packages["Random"].version == ""
    assert packages["Random"].purl == "pkg:julia/Random"


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("", "printed no status"),
        ("nothing\n", "printed no status"),
        ("ERROR: LoadError: ArgumentError: Package Pkg not found\n", "line 1 'ERROR: LoadError"),
    ],
)
def test_unreadable_output_names_the_command(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_julia_status(output)
    assert str(raised.value).startswith("`julia -E 'import Pkg; Pkg.status()'` ")
    assert fragment in str(raised.value)


def test_log_messages_between_the_rows_are_skipped() -> None:
    text = recorded("julia-pkg-status-project.txt")
    status, rows = text.split("\n", 1)
    logged = "\n".join(
        [
            "[ Info: Precompiling IJulia",
            status,
            "┌ Warning: a package is not installed",
            "│   name = Foo",
            "└ @ Pkg.Operations",
            rows,
        ]
    )
    assert parse_julia_status(logged) == parse_julia_status(text)
