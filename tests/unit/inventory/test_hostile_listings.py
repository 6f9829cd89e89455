"""Listings from hostile images: no package is made up, every refusal is one line.

A distribution named `ghost 1.0\\x1enumpy` once put `numpy 7.7` into an SBOM (Python's
`splitlines` splits at `\\x1e`), and one named `evil pkg` became package `evil` at version
`pkg`. Every parser now splits at newlines only and reads each field by its ecosystem's
grammar: such a listing is refused, naming the listing and the package, escaped.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from inspections.formats.manifest import read_build_manifest
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.apt import parse_apt_list, parse_dpkg_query
from inspections.inventory.parsers.conda import parse_mamba_list
from inspections.inventory.parsers.julia import parse_julia_status
from inspections.inventory.parsers.pip import distributions_inventory, parse_pip_list
from inspections.inventory.parsers.r import parse_r_packages, parse_r_table
from inspections.markdown import quoted_command_output
from tests.unit.formats.manifests import manifest

from .support import debian_12

# Characters str.splitlines() splits at besides \n and \r; all are Cc, Zl or Zp.
SEPARATORS = ["\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\x0b", "\x0c"]


def pip_table(*rows: tuple[str, str]) -> str:
    """`pip list` output as pip writes it: columns as wide as their widest cell."""
    table = [("Package", "Version"), *rows]
    widths = [max(len(row[column]) for row in table) for column in (0, 1)]
    lines = [f"{name:<{widths[0]}} {version:<{widths[1]}}".rstrip() for name, version in table]
    lines.insert(1, " ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def conda_list(*rows: tuple[str, str, str, str]) -> str:
    """`mamba list` output of mamba 1 (conda's fixed-width rows)."""
    lines = ["# packages in environment at /opt/conda:", "#"]
    lines += [f"{n:<25} {v:<15} {b:>15}    {c}" for n, v, b, c in rows]
    return "\n".join(lines) + "\n"


Parse = Callable[[str], Inventory]
PARSERS: dict[str, tuple[Parse, Callable[[str, str], str]]] = {
    "pip table": (
        parse_pip_list,
        lambda name, version: pip_table(("pip", "26.3"), (name, version)),
    ),
    "python distributions": (
        distributions_inventory,
        lambda name, version: json.dumps([["pip", "26.3"], [name, version]]),
    ),
    "apt list": (
        lambda output: parse_apt_list(output, debian_12()),
        lambda name, version: f"Listing...\n{name}/now {version} all [installed,local]\n",
    ),
    "dpkg-query": (
        lambda output: parse_dpkg_query(output, debian_12()),
        lambda name, version: (
            f"installed\tadduser\t3.134\tall\ninstalled\t{name}\t{version}\tall\n"
        ),
    ),
    "R matrix": (
        parse_r_packages,
        lambda name, version: (
            f'       Package Version\nbase   "base"  "4.2.2"\n{name} "{name}" "{version}"\n'
        ),
    ),
    "R table": (parse_r_table, lambda name, version: f"base\t4.2.2\n{name}\t{version}\n"),
    "mamba list": (
        parse_mamba_list,
        lambda name, version: conda_list(
            ("bzip2", "1.0.8", "hd590300_5", "conda-forge"), (name, version, "h0_0", "conda-forge")
        ),
    ),
    "julia": (
        parse_julia_status,
        lambda name, version: f"Status `/x/Project.toml`\n  [7073ff75] {name} v{version}\n",
    ),
}


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
@pytest.mark.parametrize("listing", list(PARSERS))
def test_a_line_separator_in_a_name_makes_up_no_package(listing: str, separator: str) -> None:
    parse, listed = PARSERS[listing]
    name = f"ghost{separator}numpy"
    with pytest.raises(InventoryError) as raised:
        parse(listed(name, "7.7.0"))
    message = str(raised.value)
    assert "\n" not in message and separator not in message
    assert repr(separator)[1:-1] in message  # shown escaped, e.g. \x1e
    assert message.startswith("`")  # the listing's command comes first


@pytest.mark.parametrize("listing", list(PARSERS))
def test_a_name_with_a_space_is_never_split_into_another_package(listing: str) -> None:
    parse, listed = PARSERS[listing]
    with pytest.raises(InventoryError) as raised:
        parse(listed("evil pkg", "6.6.6"))
    message = str(raised.value)
    assert "evil pkg" in message and "\n" not in message


def test_the_ghost_distribution_names_the_listing_and_the_package() -> None:
    output = pip_table(("ghost 1.0\x1enumpy", "7.7"), ("pip", "26.3"))
    with pytest.raises(InventoryError) as raised:
        parse_pip_list(output)
    assert str(raised.value) == (
        "`python -m pip list --disable-pip-version-check` line 3: package "
        "'ghost 1.0\\x1enumpy' is refused: its name is not a PEP 508 name (ASCII letters, "
        "digits, '.', '_' and '-', starting and ending with a letter or digit); remove or "
        "repair that package in the image"
    )


def test_pips_column_table_is_cut_at_the_rules_widths() -> None:
    """`evil pkg 6.6.6` was read as package `evil` at version `pkg`."""
    output = pip_table(("evil pkg", "6.6.6"), ("six", "1.17.0"))
    with pytest.raises(InventoryError, match=r"line 3: package 'evil pkg' is refused"):
        parse_pip_list(output)


@pytest.mark.parametrize(
    "row",
    [
        "six      1.17.0 extra",  # beyond the last column
        "sixteen-x1.17.0",  # the name runs into the version column
        " six     1.17.0",  # a cell that does not start its column
        "six",  # no version
    ],
)
def test_a_row_that_does_not_fit_the_columns_is_refused(row: str) -> None:
    output = "Package  Version\n-------- -------\n" + row + "\n"
    with pytest.raises(InventoryError, match="python -m pip list"):
        parse_pip_list(output)


def test_pips_warnings_above_the_table_are_no_packages() -> None:
    output = "WARNING: Ignoring invalid distribution ~ip (/opt/venv)\n" + pip_table(("six", "1.0"))
    assert [p.name for p in parse_pip_list(output).packages] == ["six"]


@pytest.mark.parametrize(
    "line",
    [
        "fake/x/now 1.0 all [installed,local]",  # a slash in the name (apt prints it)
        "p-x/now 1.0 all numpy [installed,local]",  # an architecture with a space
        "p-x/now 1.0 all [installed,local] numpy",
        "Numpy/now 1.0 all [installed,local]",  # not a Debian name
    ],
)
def test_apt_lines_that_do_not_fit_debians_grammar_are_refused(line: str) -> None:
    with pytest.raises(InventoryError, match="apt list --installed"):
        parse_apt_list(f"Listing...\nadduser/now 3.134 all [installed]\n{line}\n", debian_12())


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("installed\tp-x\t1.0\x1enumpy\tall", "version '1.0\\x1enumpy' is not a Debian version"),
        ("installed\tp-x\t1.0\tall\x1enumpy", "architecture 'all\\x1enumpy' is not a Debian"),
        ("installed\tUp_Case\t1.0\tall", "package 'Up_Case' is refused"),
    ],
)
def test_dpkg_fields_outside_debians_grammar_are_refused(row: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_dpkg_query(f"installed\tadduser\t3.134\tall\n{row}\n", debian_12())
    assert fragment in str(raised.value)
    assert "line 2: " in str(raised.value)


def test_conda_rows_are_read_by_their_fixed_layout() -> None:
    """A name with a space would shift the columns: `evil` at version `pkg`, build `1.0`."""
    row = f"{'evil pkg':<25} {'1.0':<15} {'h0_0':>15}"
    with pytest.raises(InventoryError, match="printed line 4 'evil pkg"):
        parse_mamba_list(conda_list(("bzip2", "1.0.8", "hd590300_5", "conda-forge")) + row)


def test_mamba2_rows_are_cut_where_the_header_columns_start() -> None:
    output = (
        'List of packages in environment: "/opt/conda"\n\n'
        "  Name      Version  Build       Channel\n"
        "  " + "─" * 40 + "\n"
        "  bzip2     1.0.8    hd590300_5  conda-forge\n"
        "  evil pkg  6.6.6    h0_0        conda-forge\n"
    )
    with pytest.raises(InventoryError, match="line 6: package 'evil pkg' is refused"):
        parse_mamba_list(output)


def test_julia_notes_must_look_like_pkgs_own() -> None:
    """`Evil Pkg v1.0.0` would have been package `Evil` with no version."""
    output = "Status `/x/Project.toml`\n  [7073ff75] Evil Pkg v1.0.0\n"
    with pytest.raises(InventoryError, match="printed line 2"):
        parse_julia_status(output)
    pinned = "Status `/x/Project.toml`\n  [7073ff75] IJulia v1.34.4 ⚲\n"
    assert [p.version for p in parse_julia_status(pinned).packages] == ["1.34.4"]


def test_r_rows_are_named_by_their_package() -> None:
    output = '       Package Version\nbase   "base"  "4.2.2"\nnumpy  "ghost" "7.7"\n'
    with pytest.raises(InventoryError, match="printed the row 'numpy' for package 'ghost'"):
        parse_r_packages(output)


def test_a_manifest_read_back_is_split_at_newlines_only() -> None:
    """The change report's older side: a manifest quoting the ghost's pip table."""
    table = pip_table(("ghost 1.0\x1enumpy", "7.7"))
    pieces = {
        "Python Packages": [
            quoted_command_output("python -m pip list --disable-pip-version-check", table)
        ]
    }
    text = manifest(
        "probe", "0123456789ab" * 3 + "0123", "2026-11-27T12:00:00Z", 1_000_000, pieces, "x"
    )
    read = read_build_manifest(text)
    assert read.outputs[0].output == table.rstrip("\n")
    with pytest.raises(InventoryError, match=r"piece 'Python Packages': .*'ghost 1.0\\x1enumpy'"):
        read.inventory()
