"""`mamba list` in mamba 2 format and `conda list` (mamba 1's format), both as published."""

from __future__ import annotations

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.parsers.conda import parse_mamba_list

from .support import recorded

LISTINGS = {"mamba-list-2.txt": 70, "conda-list-23.11.txt": 93}


def _rows(text: str) -> list[list[str]]:
    return [
        line.split()
        for line in text.splitlines()
        if line.strip()
        and not line.startswith(("#", "List of packages"))
        and line.split()[0] not in ("Name",)
        and not line.strip().startswith("─")
    ]


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_every_row_becomes_a_package(name: str) -> None:
    text = recorded(name)
    inventory = parse_mamba_list(text)
    rows = _rows(text)
    assert len(rows) == LISTINGS[name] == len(inventory)
    assert sorted((p.name, p.version) for p in inventory.packages) == sorted(
        (row[0], row[1]) for row in rows
    )


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_packages_installed_by_pip_are_pypi_packages(name: str) -> None:
    text = recorded(name)
    inventory = parse_mamba_list(text)
    from_pip = {row[0] for row in _rows(text) if row[3:] == ["pypi"]}
    assert from_pip
    assert {p.name for p in inventory.packages if p.ecosystem == "pypi"} == from_pip


def test_conda_purls_carry_build_and_channel() -> None:
    purls = {p.name: p.purl for p in parse_mamba_list(recorded("mamba-list-2.txt")).packages}
    assert purls["python"] == "pkg:conda/python@3.8.19?build=hd12c33a_0_cpython&channel=conda-forge"
    assert purls["Cerberus"] == "pkg:pypi/cerberus@1.3.5"


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("# packages in environment at /opt/conda:\n#\n", "listed no package"),
        ("critical libmamba Could not open lockfile\n", "line 1 'critical libmamba"),
    ],
)
def test_unreadable_output_names_the_command(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_mamba_list(output)
    assert str(raised.value).startswith("`mamba list` ")
    assert fragment in str(raised.value)
