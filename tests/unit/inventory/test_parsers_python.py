"""`pip list` tables and the distributions JSON, recorded in the demo images."""

from __future__ import annotations

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.parsers.pip import (
    distributions_inventory,
    parse_distributions,
    parse_pip_list,
)

from .support import recorded


@pytest.mark.parametrize(
    "name",
    ["pip-list.txt", "pip-list-minimal-notebook.txt", "pip-list-minimal-notebook-changed.txt"],
)
def test_every_row_becomes_a_package(name: str) -> None:
    text = recorded(name)
    rows = [line.split() for line in text.splitlines()[2:] if line.strip()]
    inventory = parse_pip_list(text)
    assert sorted((p.name, p.version) for p in inventory.packages) == sorted(
        (name, version) for name, version in rows
    )


def test_pypi_purls_are_normalized_as_the_purl_spec_says() -> None:
    packages = {p.name: p.purl for p in parse_pip_list(recorded("pip-list.txt")).packages}
    assert packages["jupyter_server"].startswith("pkg:pypi/jupyter-server@")
    assert packages["Jinja2"] == "pkg:pypi/jinja2@3.1.6"


def test_pip_list_and_the_distributions_listing_agree() -> None:
    """Both were recorded in the same demo base-notebook: the same packages either way."""
    from_pip = parse_pip_list(recorded("pip-list.txt"))
    from_json = distributions_inventory(recorded("python-distributions-base-notebook.json"))
    assert {p.purl for p in from_pip.packages} == {p.purl for p in from_json.packages}


def test_local_versions_stay_in_the_purl() -> None:
    inventory = distributions_inventory(recorded("python-distributions-pytorch-notebook.json"))
    assert "pkg:pypi/torch@2.13.0%2Bcpu" in {p.purl for p in inventory.packages}


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("", "printed nothing first"),
        ("Usage: pip <command>\n", "'Package  Version' header"),
        ("Package Version\n------- -------\nsix\n", "line 3 'six'"),
    ],
)
def test_unreadable_pip_output_names_the_command(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_pip_list(output)
    assert "`python -m pip list --disable-pip-version-check`" in str(raised.value)
    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("Traceback (most recent call last):", "no JSON list"),
        ("[[1, 2], ", "not valid JSON"),
        ("[" * 100_000, "not valid JSON \\(its arrays and objects nest deeper than 64 levels\\)"),
        ("\n".join(['[["six", "1.17.0"]]', "x" * 50_000_001]), "printed 50000021 characters"),
    ],
)
def test_unreadable_distributions_listing(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError, match=fragment):
        parse_distributions(output)


def test_a_version_of_thousands_of_digits_is_refused_with_its_package() -> None:
    """`packaging` cannot even read it (Python's int limit): a refusal, never a traceback."""
    version = "1." + "9" * 5_000
    table = f"Package Version\n------- {'-' * len(version)}\nsix     {version}\n"
    with pytest.raises(InventoryError, match="line 3"):
        parse_pip_list(table)
    with pytest.raises(InventoryError, match="item 0"):
        distributions_inventory(f'[["six", "{version}"]]')


@pytest.mark.parametrize(
    ("pair", "missing"),
    [('[null, "1.0"]', "Name"), ('["versionless", null]', "Version"), ('["", "1.0"]', "Name")],
)
def test_a_distribution_without_name_or_version_is_refused_not_left_out(
    pair: str, missing: str
) -> None:
    """pip's table lists it by its folder's name: an SBOM without it would not be the truth."""
    listing = f'[["six", "1.17.0"], {pair}]'
    with pytest.raises(InventoryError, match=f"item 1: .* whose metadata has no {missing}; "):
        distributions_inventory(listing)
    assert list(parse_distributions(listing)) == ["six"]  # the taggers ask for names only
