"""Reading inventories back out of build manifests in the Jupyter Docker Stacks' format."""

from __future__ import annotations

import dataclasses

import pytest

from inspections.formats.manifest import build_timestamp, read_build_manifest
from inspections.formats.wiki_pages import WikiFormatError, manifest_timestamp
from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.conda import parse_mamba_list
from inspections.inventory.parsers.julia import parse_julia_status
from inspections.inventory.parsers.r import parse_r_packages
from inspections.markdown import quoted_command_output as quoted
from tests.unit.formats.manifests import manifest, minimal_notebook_manifest
from tests.unit.inventory.support import minimal_notebook_inventory, recorded

COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"


def test_build_info_is_read() -> None:
    text = minimal_notebook_manifest(False, COMMIT, "2026-11-27T11:38:14Z", 649_000_000)
    read = read_build_manifest(text)
    assert (read.image, read.tag, read.timestamp, read.size, read.commit) == (
        "minimal-notebook",
        COMMIT[:12],
        "2026-11-27T11:38:14Z",
        "649MB",
        COMMIT,
    )
    assert read.reference == f"localhost/demo/minimal-notebook:{COMMIT[:12]}"
    assert [(q.piece, q.command) for q in read.outputs] == [
        ("Python Packages", "python -m pip list --disable-pip-version-check"),
        ("Apt Packages", "apt list --installed"),
    ]


def test_a_build_from_a_modified_tree_is_read_as_modified() -> None:
    text = minimal_notebook_manifest(False, COMMIT, "2026-11-27T11:38:14Z", 649_000_000)
    line = f"- Git commit SHA: [{COMMIT}]("
    assert line in text
    marked = text.replace(
        ")\n- Git commit message:", ") (modified: uncommitted changes)\n- Git commit message:"
    )
    assert marked != text

    assert read_build_manifest(marked).modified
    assert read_build_manifest(marked).commit == COMMIT
    assert not read_build_manifest(text).modified


@pytest.mark.parametrize("changed", [False, True])
def test_the_inventory_read_back_is_the_one_parsed_from_the_outputs(changed: bool) -> None:
    text = minimal_notebook_manifest(changed, COMMIT, "2026-11-27T11:38:14Z", 649_000_000)
    assert read_build_manifest(text).inventory(Distro("debian", "12")) == (
        minimal_notebook_inventory(changed)
    )


def test_conda_r_and_julia_pieces_are_read_by_their_commands() -> None:
    pieces = {
        "Python Packages": [
            "Python 3.12.8",
            quoted("conda info", recorded("conda-info.txt")),
            quoted("mamba list", recorded("mamba-list-2.txt")),
        ],
        "R Packages": [
            quoted("R --version", recorded("R-version.txt")),
            quoted(
                "R --silent -e 'installed.packages(.Library)[, c(1,3)]'",
                recorded("R-library-packages-wrapped.txt"),
            ),
        ],
        "Julia Packages": [
            quoted(
                "julia -E 'using InteractiveUtils; versioninfo()'",
                recorded("julia-versioninfo.txt"),
            ),
            quoted("julia -E 'import Pkg; Pkg.status()'", recorded("julia-pkg-status-project.txt")),
        ],
    }
    text = manifest(
        "datascience-notebook", COMMIT, "2026-11-27T14:50:46Z", 5_200_000_000, pieces, "x"
    )
    expected = Inventory.merged(
        parse_mamba_list(recorded("mamba-list-2.txt")),
        parse_r_packages(recorded("R-library-packages-wrapped.txt")),
        parse_julia_status(recorded("julia-pkg-status-project.txt")),
    )
    assert read_build_manifest(text).inventory() == expected
    assert {"conda", "pypi", "cran", "julia"} == set(expected.ecosystems())


def test_fences_inside_outputs_and_messages_do_not_end_sections() -> None:
    """A commit message or an output holding ``` lines gets a longer fence, as it must."""
    message = (
        "Fix\n\n## Apt Packages\n\n`apt list --installed`:\n\n"
        "```text\nevil/now 6.6.6 all [installed]\n```"
    )
    output = "Listing...\n```\nadduser/now 3.134 all [installed]"
    with pytest.raises(InventoryError, match="line 2 '```'"):
        read_build_manifest(
            manifest(
                "base-notebook",
                COMMIT,
                "2026-11-27T14:50:46Z",
                646_000_000,
                {"Apt Packages": [quoted("apt list --installed", output)]},
                message,
            )
        ).inventory()
    clean = manifest(
        "base-notebook",
        COMMIT,
        "2026-11-27T14:50:46Z",
        646_000_000,
        {"Apt Packages": [quoted("apt list --installed", recorded("apt-list-installed.txt"))]},
        message,
    )
    inventory = read_build_manifest(clean).inventory()
    assert inventory is not None
    names = {p.name for p in inventory.packages}
    assert "evil" not in names and "adduser" in names


def test_a_listing_that_does_not_parse_names_the_manifest_and_piece() -> None:
    text = manifest(
        "base-notebook",
        COMMIT,
        "2026-11-27T14:50:46Z",
        646_000_000,
        {"Apt Packages": [quoted("apt list --installed", "Listing...\nE: broken")]},
        "x",
    )
    with pytest.raises(InventoryError) as raised:
        read_build_manifest(text).inventory()
    assert str(raised.value).startswith(
        "build manifest of base-notebook, piece 'Apt Packages': "
        "`apt list --installed` printed line 2"
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "starts with ''"),
        ("# Something else\n", "expected '# Build manifest for image"),
        (
            "# Build manifest for image: x:1\n\n## Build Info\n\n```text\nnever closed\n",
            "never closed",
        ),
        (
            "# Build manifest for image: x:1\n\n## Build Info\n\n"
            "- Build timestamp: 2026-11-27T14:50:46Z\n",
            "no reference, commit",
        ),
    ],
)
def test_broken_manifests_give_one_line(text: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        read_build_manifest(text)
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


STAMP = "2026-11-27T11:38:14Z"
TIMESTAMP_LINES = {
    "as written": (f"- Build timestamp: {STAMP}", STAMP),
    "a link after it": (f"- Build timestamp: {STAMP}](https://evil.example)[x", None),
    "text after it": (f"- Build timestamp: {STAMP} or later", None),
    "a space before it": (f"- Build timestamp:  {STAMP}", None),
    "no Z": (f"- Build timestamp: {STAMP[:-1]}", None),
    "a carriage return after it": (f"- Build timestamp: {STAMP}\r", STAMP),
}


@pytest.mark.parametrize(("line", "expected"), TIMESTAMP_LINES.values(), ids=TIMESTAMP_LINES)
def test_the_build_timestamp_is_read_alike_by_every_reader(line: str, expected: str | None) -> None:
    """The manifest, the wiki filing it and its history page read one timestamp, or refuse."""
    written = minimal_notebook_manifest(False, COMMIT, STAMP, 649_000_000)
    text = written.replace(f"- Build timestamp: {STAMP}", line, 1)
    assert text != written or expected == STAMP
    assert build_timestamp(text) == expected
    if expected is None:
        with pytest.raises(InventoryError, match="has no timestamp in its Build Info"):
            read_build_manifest(text)
        with pytest.raises(WikiFormatError, match="has no line '- Build timestamp: "):
            manifest_timestamp(text)
    else:
        assert read_build_manifest(text).timestamp == manifest_timestamp(text) == expected


def test_only_the_first_build_timestamp_line_counts() -> None:
    text = minimal_notebook_manifest(False, COMMIT, STAMP, 649_000_000).replace(
        f"- Build timestamp: {STAMP}", f"- Build timestamp: {STAMP}x\n- Build timestamp: {STAMP}"
    )
    assert build_timestamp(text) is None


def test_our_dollar_command_form_is_read_too() -> None:
    text = minimal_notebook_manifest(False, COMMIT, "2026-11-27T11:38:14Z", 595_700_000).replace(
        "`apt list --installed`:", "`$ apt list --installed`"
    )
    commands = [q.command for q in read_build_manifest(text).outputs]
    assert "apt list --installed" in commands


def test_a_manifest_without_its_size_line_is_read_without_a_size() -> None:
    """The size is the one Build Info line a build can do without (charts leave a gap)."""
    text = minimal_notebook_manifest(False, "a" * 40, STAMP, 649_000_000)
    without = "".join(
        line for line in text.splitlines(keepends=True) if "Docker image size" not in line
    )
    assert without != text
    manifest = read_build_manifest(without)
    assert manifest.size == ""
    assert manifest == dataclasses.replace(read_build_manifest(text), size="")
