"""R's library listing, recorded in the demo r-notebook: plain, with more packages, wrapped."""

from __future__ import annotations

import re

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.parsers.r import parse_r_packages

from .support import recorded

QUOTED_ROW = re.compile(r'^(\S+)\s+"([^"]+)"\s+"([^"]+)"\s*$')


def _rows(text: str) -> set[tuple[str, str]]:
    return {(m[2], m[3]) for m in map(QUOTED_ROW.match, text.splitlines()) if m}


@pytest.mark.parametrize("name", ["R-library-packages.txt", "R-library-packages-recommended.txt"])
def test_every_matrix_row_becomes_a_package(name: str) -> None:
    text = recorded(name)
    inventory = parse_r_packages(text)
    assert {(p.name, p.version) for p in inventory.packages} == _rows(text)
    assert len(inventory) == len(_rows(text)) > 0


def test_a_wrapped_matrix_gives_the_same_packages() -> None:
    """R wrapped the columns because of one long name; everything else is as before."""
    unwrapped = parse_r_packages(recorded("R-library-packages-recommended.txt"))
    wrapped = parse_r_packages(recorded("R-library-packages-wrapped.txt"))
    added = set(wrapped.packages) - set(unwrapped.packages)
    assert set(unwrapped.packages) < set(wrapped.packages)
    assert [(p.name, p.version, p.purl) for p in added] == [
        (
            "wrapping.columns.of.a.long.package.name",
            "1.10-2",
            "pkg:cran/wrapping.columns.of.a.long.package.name@1.10-2",
        )
    ]


def test_manifests_right_stripped_lines_read_the_same() -> None:
    text = recorded("R-library-packages-wrapped.txt")
    stripped = "\n".join(line.rstrip() for line in text.strip("\n").splitlines())
    assert parse_r_packages(stripped) == parse_r_packages(text)


def test_dashed_versions_are_kept_as_printed() -> None:
    versions = {
        p.name: p.version
        for p in parse_r_packages(recorded("R-library-packages-recommended.txt")).packages
    }
    assert versions["MASS"] == "7.3-58.2"
    assert versions["nlme"] == "3.1-162"


def test_another_r_command_is_refused_with_the_expected_command() -> None:
    """The data frame that `Rscript -e ... print(as.data.frame(ip))` prints is not this matrix."""
    with pytest.raises(InventoryError) as raised:
        parse_r_packages(recorded("R-installed-packages-data-frame.txt"))
    message = str(raised.value)
    assert message.startswith(
        "`R --silent -e 'installed.packages(.Library)[, c(1,3)]'` printed line 1"
    )
    assert "quoted" in message


def test_a_row_without_header_is_refused() -> None:
    with pytest.raises(InventoryError, match="line 1"):
        parse_r_packages('base "base" "4.2.2"\n')


def test_a_missing_version_block_is_refused() -> None:
    text = recorded("R-library-packages-wrapped.txt")
    first_block = text.split("                                        Version")[0]
    with pytest.raises(InventoryError, match="printed no Version for 'base'"):
        parse_r_packages(first_block)
