"""Build history rows, and a previous build found in a wiki checkout or a run folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError
from inspections.inventory.history import parse_history_row, previous_build

from .manifests import history_row, minimal_notebook_manifest
from .support import minimal_notebook_inventory

OLD, NEW = "a" * 40, "b" * 40
MONTHLY_HEADER = "# Images built during 2026-11\n\n| Date | Image | Links |\n| - | - | - |\n"


def test_a_jupyter_format_row_is_read() -> None:
    row = parse_history_row(
        history_row("base-notebook", OLD, "2026-11-27T14:50:46Z", ["python-3.12", "lab-4.4.0"])
    )
    assert row.timestamp == "2026-11-27T14:50:46Z"
    assert row.tags == ("x86_64-python-3.12", "x86_64-lab-4.4.0")
    assert row.references[0] == "localhost/demo/base-notebook:x86_64-python-3.12"
    assert row.commit == OLD
    assert row.manifest_file == f"x86_64-default-base-notebook-{OLD[:12]}"
    assert row.is_build_of("base-notebook", "x86_64", "default")
    assert not row.is_build_of("notebook", "x86_64", "default")


def test_our_readme_row_is_read() -> None:
    """The row the README shows as this project's real output (shortened there with …)."""
    sha = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"
    url = "https://github.com/example/demo-stack"
    row = parse_history_row(
        f"| 2026-11-27 11:38:14 (UTC) | `localhost/demo/base-notebook:x86_64-latest`<br />"
        f"`localhost/demo/base-notebook:x86_64-hub-6.1.1` | [Git diff]({url}/commit/{sha})<br />"
        f"[Dockerfile]({url}/blob/{sha}/demo/base-notebook/Dockerfile)<br />"
        f"[Build manifest](./x86_64-default-base-notebook-{sha[:12]}) |"
    )
    assert row.timestamp == "2026-11-27T11:38:14Z"
    assert row.tags == ("x86_64-latest", "x86_64-hub-6.1.1")


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("| Date | Image | Links |", "expected `2026-11-27T14:50:46Z`"),
        ("| `2026-11-27T14:50:46Z` | `no-tag` | x |", "expected `registry/owner/image:tag`"),
        ("| `2026-11-27T14:50:46Z` | `r/o/i:t` | [Git diff](x) |", "expected [Git diff]"),
        ("not a row", "is not '| date | images | links |'"),
    ],
)
def test_broken_rows_give_one_line(row: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_history_row(row)
    assert fragment in str(raised.value)


def _wiki(folder: Path, manifests: dict[str, str]) -> None:
    rows = [
        history_row("minimal-notebook", NEW, "2026-11-27T10:00:00Z", ["python-3.11", "debian-12"]),
        history_row("base-notebook", NEW, "2026-11-27T10:00:00Z", ["python-3.11"]),
        history_row("minimal-notebook", OLD, "2026-11-20T10:00:00Z", ["python-3.11", "debian-12"]),
    ]
    monthly = folder / "monthly-files" / "2026" / "2026-11.md"
    monthly.parent.mkdir(parents=True)
    monthly.write_text(MONTHLY_HEADER + "\n".join(rows) + "\n")
    for name, text in manifests.items():
        path = folder / "manifests" / "2026" / "2026-11" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_newest_earlier_build_is_read_from_the_wiki(tmp_path: Path) -> None:
    _wiki(
        tmp_path,
        {
            f"x86_64-default-minimal-notebook-{OLD[:12]}": minimal_notebook_manifest(
                False, OLD, "2026-11-20T10:00:00Z", "649MB"
            ),
            f"x86_64-default-minimal-notebook-{NEW[:12]}": minimal_notebook_manifest(
                True, NEW, "2026-11-27T10:00:00Z", "652MB"
            ),
        },
    )
    newest = previous_build(tmp_path, "minimal-notebook", "x86_64", "default")
    earlier = previous_build(
        tmp_path, "minimal-notebook", "x86_64", "default", before="2026-11-27T10:00:00Z"
    )
    assert newest is not None and earlier is not None
    assert (newest.commit, newest.size and newest.size.shown) == (NEW, "652MB")
    assert earlier.commit == OLD
    assert earlier.tags == ("x86_64-debian-12", "x86_64-python-3.11")
    assert earlier.reference == "localhost/demo/minimal-notebook"
    assert earlier.inventory == minimal_notebook_inventory(changed=False)
    deb = next(p for p in earlier.inventory.packages if p.ecosystem == "deb")
    assert deb.purl.endswith("distro=debian-12")  # from the debian-12 tag


def test_a_run_folder_works_the_same(tmp_path: Path) -> None:
    name = f"x86_64-default-minimal-notebook-{OLD[:12]}"
    (tmp_path / "hist_lines").mkdir()
    (tmp_path / "manifests").mkdir()
    (tmp_path / "hist_lines" / f"{name}.txt").write_text(
        history_row("minimal-notebook", OLD, "2026-11-20T10:00:00Z", ["python-3.11"])
    )
    (tmp_path / "manifests" / f"{name}.md").write_text(
        minimal_notebook_manifest(False, OLD, "2026-11-20T10:00:00Z", "649MB")
    )
    found = previous_build(tmp_path, "minimal-notebook", "x86_64", "default")
    assert found is not None and found.inventory is not None
    assert found.inventory.ecosystems() == ["deb", "pypi"]
    deb = next(p for p in found.inventory.packages if p.ecosystem == "deb")
    assert Distro("debian").id in deb.purl and "distro=" not in deb.purl  # no OS tag: guessed


def test_no_row_means_no_previous_build(tmp_path: Path) -> None:
    _wiki(tmp_path, {})
    assert previous_build(tmp_path, "scipy-notebook", "x86_64", "default") is None
    assert previous_build(tmp_path, "minimal-notebook", "aarch64", "default") is None
    assert (
        previous_build(tmp_path, "minimal-notebook", "x86_64", "default", "2026-11-01T00:00:00Z")
        is None
    )


def test_a_pruned_manifest_is_reported(tmp_path: Path) -> None:
    _wiki(tmp_path, {})
    with pytest.raises(InventoryError, match="keeps only the newest manifests"):
        previous_build(tmp_path, "minimal-notebook", "x86_64", "default")
