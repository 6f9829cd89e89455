"""Package URLs that say what they describe: every purl built reads back as its package.

`x|y<b>bold</b>` once made `pkg:cran/x%7Cy%3Cb%3Ebold%3C/b%3E@1.0`, which purl parsers read as
namespace `x|y<b>bold<` and name `b>`: another package than the one listed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from packageurl import PackageURL

from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError
from inspections.inventory.purls import (
    conda_package,
    cran_package,
    deb_package,
    julia_package,
    package_url,
    pypi_package,
)

HOSTILE_NAMES = [
    "x|y<b>bold</b>",
    "a/b",
    "a:b",
    "a@b",
    "a?b",
    "a#b",
    "/leading",
    "trailing/",
    "a%2Fb",
    " padded ",
    "",
]
TYPES = ["deb", "pypi", "conda", "cran", "julia", "npm", "generic"]


def test_a_name_that_reads_back_as_another_package_is_refused() -> None:
    with pytest.raises(InventoryError) as raised:
        package_url("cran", "x|y<b>bold</b>", "1.0")
    assert str(raised.value) == (
        "package 'x|y<b>bold</b>' is refused: its package URL "
        "'pkg:cran/x%7Cy%3Cb%3Ebold%3C/b%3E@1.0' reads back as type 'cran', namespace "
        "'x|y<b>bold<', name 'b>', version '1.0', not type 'cran', namespace '', "
        "name 'x|y<b>bold</b>', version '1.0'"
    )


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_every_purl_built_reads_back_or_is_refused(kind: str, name: str) -> None:
    try:
        purl = package_url(kind, name, "1.0", "debian" if kind == "deb" else None)
    except (InventoryError, ValueError):
        return  # refused (packageurl itself refuses an empty name)
    parsed = PackageURL.from_string(purl)
    expected_name = name.lower().replace("_", "-") if kind == "pypi" else name
    assert (parsed.type, parsed.name, parsed.version) == (kind, expected_name, "1.0")


@pytest.mark.parametrize(
    ("version", "read_back"), [("1.0#frag", "1.0#frag"), ("1:2.3+dfsg~1", "1:2.3+dfsg~1")]
)
def test_versions_read_back_whole(version: str, read_back: str) -> None:
    assert PackageURL.from_string(package_url("deb", "pkg", version, "debian")).version == read_back


def test_pypi_names_are_normalized_as_the_purl_spec_says_and_no_more() -> None:
    assert package_url("pypi", "Jupyter_Server", "2.0") == "pkg:pypi/jupyter-server@2.0"
    assert package_url("pypi", "zope.interface", "7.0") == "pkg:pypi/zope.interface@7.0"


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if n])
def test_each_ecosystem_refuses_names_outside_its_grammar(name: str) -> None:
    for build in (
        lambda: deb_package(name, "1.0", "all", Distro("debian", "12")),
        lambda: pypi_package(name, "1.0"),
        lambda: conda_package(name, "1.0", "h0_0", "conda-forge"),
        lambda: cran_package(name, "1.0"),
        lambda: julia_package(name, "1.0.0"),
    ):
        with pytest.raises(InventoryError, match="is refused: its name is not"):
            build()


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: conda_package("bzip2", "1.0.8", "h 0", "conda-forge"), "its build 'h 0'"),
        (lambda: conda_package("bzip2", "1.0.8", "h0", "conda forge"), "its channel"),
        (lambda: cran_package("MASS", "7.3 58"), "its version '7.3 58' is not an R version"),
        (lambda: julia_package("IJulia", "1.34"), "is not a Julia version number"),
    ],
)
def test_other_fields_outside_their_grammar_are_refused(
    build: Callable[[], object], fragment: str
) -> None:
    with pytest.raises(InventoryError, match=fragment):
        build()
