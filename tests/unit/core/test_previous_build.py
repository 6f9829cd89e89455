"""A previous build found in a wiki checkout or a folder of history lines and manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.inventory.distro import Distro
from inspections.inventory.errors import InventoryError
from inspections.outputs.previous_build import previous_build_in_wiki
from tests.unit.formats.manifests import history_row, minimal_notebook_manifest
from tests.unit.inventory.support import minimal_notebook_inventory

OLD, NEW = "a" * 40, "b" * 40
MONTHLY_HEADER = "# Images built during 2026-11\n\n| Date | Image | Links |\n| - | - | - |\n"


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
                False, OLD, "2026-11-20T10:00:00Z", 649_000_000
            ),
            f"x86_64-default-minimal-notebook-{NEW[:12]}": minimal_notebook_manifest(
                True, NEW, "2026-11-27T10:00:00Z", 652_000_000
            ),
        },
    )
    newest = previous_build_in_wiki(tmp_path, "minimal-notebook", "x86_64", "default")
    earlier = previous_build_in_wiki(
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
        minimal_notebook_manifest(False, OLD, "2026-11-20T10:00:00Z", 649_000_000)
    )
    found = previous_build_in_wiki(tmp_path, "minimal-notebook", "x86_64", "default")
    assert found is not None and found.inventory is not None
    assert found.inventory.ecosystems() == ["deb", "pypi"]
    deb = next(p for p in found.inventory.packages if p.ecosystem == "deb")
    assert Distro("debian").id in deb.purl and "distro=" not in deb.purl  # no OS tag: guessed


def test_no_row_means_no_previous_build(tmp_path: Path) -> None:
    _wiki(tmp_path, {})
    assert previous_build_in_wiki(tmp_path, "scipy-notebook", "x86_64", "default") is None
    assert previous_build_in_wiki(tmp_path, "minimal-notebook", "aarch64", "default") is None
    assert (
        previous_build_in_wiki(
            tmp_path, "minimal-notebook", "x86_64", "default", "2026-11-01T00:00:00Z"
        )
        is None
    )


def test_a_pruned_manifest_is_reported(tmp_path: Path) -> None:
    _wiki(tmp_path, {})
    with pytest.raises(InventoryError, match="keeps only the newest manifests"):
        previous_build_in_wiki(tmp_path, "minimal-notebook", "x86_64", "default")
