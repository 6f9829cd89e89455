"""The R tagger and the R packages manifest piece."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import r

from .support import FakeHost, assert_quoted, combined, recorded


def test_parse_r_version_of_a_patched_release() -> None:
    assert r.parse_r_version(recorded("R-version.txt")) == "4.2.2"


@pytest.mark.parametrize(
    "output",
    [
        "",
        'R Under development (unstable) (2024-10-20 r87253) -- "Unsuffered Consequences"',
        "Rscript (R) version 4.4.1 (2024-06-14)",
    ],
)
def test_parse_r_version_rejects_other_output(output: str) -> None:
    with pytest.raises(InspectionError, match=r"`R --version` printed .*'R version 4\.4\.1"):
        r.parse_r_version(output)


def test_r_tag() -> None:
    host = FakeHost.printing(combined({"R --version": recorded("R-version.txt")}))
    assert r.r_tag(host) == "r-4.2.2"


def test_manifest_quotes_the_version_and_the_packages_of_rs_own_library() -> None:
    host = FakeHost.printing(
        combined(
            {
                "R --version": recorded("R-version.txt"),
                r.R_PACKAGES_COMMAND: recorded("R-installed-packages.txt"),
            }
        )
    )
    markdown = r.r_packages_manifest(host)
    assert_quoted(markdown, "R --version", recorded("R-version.txt"))
    assert_quoted(markdown, r.R_PACKAGES_COMMAND, recorded("R-installed-packages.txt"))
    assert "`R --silent -e 'installed.packages(.Library)[, c(1,3)]'`:" in markdown
    # R pads the table and ends with empty prompts: the quote keeps neither.
    assert '\nbase      "base"      "4.2.2"\n' in markdown
    assert markdown.endswith('utils     "utils"     "4.2.2"\n>\n>\n```')
    assert not [line for line in markdown.splitlines() if line != line.rstrip()]


def test_the_inventory_reads_a_tab_separated_table_of_the_same_library() -> None:
    host = FakeHost.printing({r.R_PACKAGES_TABLE_COMMAND: recorded("R-library-packages-table.txt")})
    inventory = r.r_inventory(host)
    assert host.commands == [r.R_PACKAGES_TABLE_COMMAND]
    assert [p.name for p in inventory.packages][:3] == ["base", "compiler", "datasets"]
