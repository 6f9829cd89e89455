"""The listing an inventory reads and the one its manifest piece quotes give the same packages.

Each pair was recorded in the same demo image: a change report compares an inventory read
from the machine-readable listing with one read back from an older manifest's human listing.
"""

from __future__ import annotations

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.parsers.apt import parse_apt_list, parse_dpkg_query
from inspections.inventory.parsers.pip import distributions_inventory, parse_pip_list, pip_version
from inspections.inventory.parsers.r import parse_r_packages, parse_r_table

from .support import debian_12, recorded


def test_dpkg_query_and_apt_list_give_the_same_debian_packages() -> None:
    from_dpkg = parse_dpkg_query(recorded("dpkg-query-minimal-notebook.txt"), debian_12())
    from_apt = parse_apt_list(recorded("apt-list-installed-minimal-notebook.txt"), debian_12())
    assert from_dpkg == from_apt
    assert len(from_dpkg) > 100


def test_the_distributions_listing_and_pips_table_give_the_same_python_packages() -> None:
    listed = distributions_inventory(recorded("python-distributions-scipy-notebook.json"))
    from_table = parse_pip_list(recorded("pip-list-scipy-notebook.txt"))
    assert listed == from_table
    assert {"numpy", "pandas", "matplotlib"} <= {p.name for p in listed.packages}


def test_rs_table_and_matrix_give_the_same_r_packages() -> None:
    from_table = parse_r_table(recorded("R-library-packages-table.txt"))
    from_matrix = parse_r_packages(recorded("R-library-packages.txt"))
    assert from_table == from_matrix
    assert "pkg:cran/stats@4.2.2" in {p.purl for p in from_table.packages}


@pytest.mark.parametrize(
    ("written", "normalized"),
    [("2024.07.04", "2024.7.4"), ("1.0.0-beta", "1.0.0b0"), ("2.13.0+CPU", "2.13.0+cpu")],
)
def test_versions_of_either_listing_are_normalized_as_pep_440_says(
    written: str, normalized: str
) -> None:
    table = f"Package Version\n------- ----------\nsix     {written}\n"
    listing = f'[["six", "{written}"]]'
    assert pip_version(written) == normalized
    assert [p.version for p in distributions_inventory(listing).packages] == [normalized]
    assert parse_pip_list(table) == distributions_inventory(listing)


def test_a_version_that_is_no_pep_440_version_is_kept_as_written() -> None:
    assert pip_version("2004d") == "2004d"
    table = "Package Version\n------- -------\npytz    2004d\n"
    assert [p.version for p in parse_pip_list(table).packages] == ["2004d"]


def test_dpkg_rows_of_packages_apt_does_not_list_are_left_out() -> None:
    """apt lists as installed every dpkg status but these two (checked in a real container)."""
    rows = [
        "installed\tadduser\t3.134\tall",
        "unpacked\thalf-there\t1.0\tall",
        "half-configured\tbeing-set-up\t2.0\tamd64",
        "config-files\tremoved-kept-config\t3.0\tall",
        "not-installed\tpurged\t\t",
    ]
    inventory = parse_dpkg_query("\n".join(rows), debian_12())
    assert [p.name for p in inventory.packages] == ["adduser", "being-set-up", "half-there"]


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("", "listed no installed package"),
        ("installed\tadduser\t3.134", "line 1 'installed\\tadduser\\t3.134'"),
        ("installed\tadduser\t3.134\tall\textra", "line 1"),
        ("Installed\tadduser\t3.134\tall", "line 1"),
        ('{"name": "adduser"}', "line 1"),
    ],
)
def test_unreadable_dpkg_rows_name_the_command(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_dpkg_query(output, debian_12())
    assert str(raised.value).startswith("`dpkg-query --show --showformat ")
    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    ("output", "fragment"), [("", "printed no package"), ("base 4.2.2", "line 1 'base 4.2.2'")]
)
def test_unreadable_r_tables_name_the_command(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_r_table(output)
    assert str(raised.value).startswith("`Rscript -e ")
    assert fragment in str(raised.value)
