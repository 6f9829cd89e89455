"""Change reports between two builds, on the recorded minimal-notebook builds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from inspections.inventory.builds import BuildFacts
from inspections.inventory.changes import ChangeReport, compare_builds, package_changes
from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.purls import deb_package, pypi_package
from inspections.inventory.sizes import ImageSize, parse_human_size
from inspections.outputs.previous_build import facts_of_entry
from inspections.outputs.record_entry import RecordEntry
from tests.record_entries import sample_entry

from .support import debian_12, minimal_notebook_build, minimal_notebook_inventory


def _report() -> ChangeReport:
    previous = minimal_notebook_build(
        False,
        ("x86_64-latest", "x86_64-python-3.11", "x86_64-aaaaaaaaaaaa"),
        parse_human_size("649MB"),
    )
    current = minimal_notebook_build(
        True, ("x86_64-latest", "x86_64-python-3.11", "x86_64-bbbbbbbbbbbb"), ImageSize(655_123_456)
    )
    return compare_builds(previous, current)


def _by_kind(report: ChangeReport, ecosystem: str) -> dict[str, dict[str, tuple[str, str]]]:
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for change in report.packages:
        if change.ecosystem == ecosystem:
            found.setdefault(change.kind, {})[change.name] = (change.old, change.new)
    return found


def test_apt_changes_of_the_recorded_next_build() -> None:
    changes = _by_kind(_report(), "deb")
    assert set(changes["removed"]) == {"nano-tiny", "unzip"}
    assert {"jq", "libjq1", "libonig5"} <= set(changes["added"])
    assert changes["upgraded"]["curl"] == ("7.88.1-10+deb12u15", "8.14.1-2+deb13u2~bpo13+1")
    assert changes["upgraded"]["e2fsprogs"] == ("1.47.0-2+b2", "1.47.2-3~bpo12+1")
    assert "downgraded" not in changes


def test_pip_changes_of_the_recorded_next_build() -> None:
    changes = _by_kind(_report(), "pypi")
    assert changes == {
        "added": {"tabulate": ("", "0.10.0")},
        "removed": {"Send2Trash": ("2.2.0", "")},
        "upgraded": {"setuptools": ("66.1.1", "84.2.1")},
        "downgraded": {
            "certifi": ("2026.10.19.post1", "2026.10.18"),
            "packaging": ("26.4", "26.0rc3"),
        },
    }


def test_counts_match_the_inventories() -> None:
    report = _report()
    before = minimal_notebook_inventory(changed=False)
    after = minimal_notebook_inventory(changed=True)
    counts = report.counts()
    assert len(before) + counts["added"] - counts["removed"] == len(after)
    assert report.summary() == (
        f"+{counts['added']} \N{MINUS SIGN}{counts['removed']} "
        f"↑{counts['upgraded']} ↓{counts['downgraded']}"
    )


def test_the_reverse_comparison_mirrors_every_change() -> None:
    report = _report()
    reverse = compare_builds(report.current, report.previous)
    mirror = {
        "added": "removed",
        "removed": "added",
        "upgraded": "downgraded",
        "downgraded": "upgraded",
    }
    assert sorted(
        (c.ecosystem, c.name, mirror[c.kind], c.new, c.old) for c in report.packages
    ) == sorted((c.ecosystem, c.name, c.kind, c.old, c.new) for c in reverse.packages)


def test_tags_gained_and_lost_without_latest() -> None:
    report = _report()
    assert report.tags_gained == ("x86_64-bbbbbbbbbbbb",)
    assert report.tags_lost == ("x86_64-aaaaaaaaaaaa",)


def test_size_change_is_approximate_when_read_from_a_manifest() -> None:
    size = _report().size
    assert size is not None
    assert size.change == 655_123_456 - 649_000_000
    assert size.approximate
    assert size.percent == pytest.approx(100 * 6_123_456 / 649_000_000)
    exact = compare_builds(
        minimal_notebook_build(False, size=ImageSize(100)),
        minimal_notebook_build(True, size=ImageSize(90)),
    ).size
    assert exact is not None and not exact.approximate and exact.percent == -10


def test_the_report_is_plain_json() -> None:
    document = json.loads(json.dumps(_report().to_json()))
    assert document["counts"]["upgraded"] == _report().counts()["upgraded"]
    assert document["size"]["approximate"] is True
    assert {"ecosystem": "pypi", "kind": "added", "name": "tabulate", "new": "0.10.0"} in document[
        "packages"
    ]


def test_pypi_names_compare_normalized() -> None:
    """pip shows the metadata's name, which a new release may spell differently."""
    changes = package_changes(
        Inventory.of([pypi_package("jupyter_client", "8.9.0")]),
        Inventory.of([pypi_package("jupyter-client", "8.10.0")]),
    )
    assert [(c.kind, c.name, c.old, c.new) for c in changes] == [
        ("upgraded", "jupyter-client", "8.9.0", "8.10.0")
    ]


def test_an_undecidable_version_change_is_reported_as_changed() -> None:
    changes = package_changes(
        Inventory.of([pypi_package("legacy", "2.0-beta-local")]),
        Inventory.of([pypi_package("legacy", "2.0")]),
    )
    assert [(c.kind, c.old, c.new) for c in changes] == [("changed", "2.0-beta-local", "2.0")]


def test_multiarch_packages_are_told_apart_by_architecture() -> None:
    distro = debian_12()
    before = Inventory.of([deb_package("libc6", "2.36-9+deb12u9", "amd64", distro)])
    after = Inventory.of(
        [
            deb_package("libc6", "2.36-9+deb12u13", "amd64", distro),
            deb_package("libc6", "2.36-9+deb12u13", "i386", distro),
        ]
    )
    assert [(c.kind, c.name, c.arch, c.old, c.new) for c in package_changes(before, after)] == [
        ("added", "libc6", "i386", "", "2.36-9+deb12u13"),
        ("upgraded", "libc6", "amd64", "2.36-9+deb12u9", "2.36-9+deb12u13"),
    ]


def test_builds_of_different_images_are_not_compared() -> None:
    previous = minimal_notebook_build(False)
    other = BuildFacts("base-notebook", "x86_64", "default", "c" * 40, "2026-11-27T10:00:00Z")
    with pytest.raises(
        InventoryError, match="image 'minimal-notebook' before, 'base-notebook' now"
    ):
        compare_builds(previous, other)


def test_build_facts_survive_json_and_refuse_hostile_documents() -> None:
    facts = minimal_notebook_build(True, ("x86_64-python-3.11",), parse_human_size("649MB"))
    assert BuildFacts.from_json(json.loads(json.dumps(facts.to_json()))) == facts
    document = facts.to_json()
    for key, value, fragment in [
        ("commit", "HEAD; rm -rf /", "not a git sha"),
        ("timestamp", "yesterday", "not like 2026-11-27T14:50:46Z"),
        ("tags", ["x86_64-python 3.11"], "not a Docker tag"),
        ("platform", "X86/64", "lowercase"),
        ("tags", "x86_64-python-3.11", "list of strings"),
    ]:
        with pytest.raises(InventoryError, match=fragment):
            BuildFacts.from_json({**document, key: value})


def test_a_build_without_inventory_stays_without_one() -> None:
    """A run record's entry of an image that declares no inventory holds `{}`: not data."""
    facts = BuildFacts("bare", "x86_64", "default", "c" * 40, "2026-11-27T10:00:00Z")
    assert facts.inventory is None
    assert BuildFacts.from_json(json.loads(json.dumps(facts.to_json()))) == facts
    written = sample_entry("bare").to_json()
    assert written["inventory"] == {}
    entry = RecordEntry.from_json(written, "record", "fix it")
    assert facts_of_entry(entry).inventory is None
    empty = RecordEntry.from_json({**written, "inventory": {"packages": []}}, "record", "fix it")
    assert facts_of_entry(empty).inventory == Inventory()


def test_a_report_reads_back_from_its_json() -> None:
    data = json.loads(json.dumps(_report().to_json()))
    assert ChangeReport.from_json(data).to_json() == data


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda data: data["counts"].update(added=99), "do not follow from its packages"),
        (lambda data: data["size"].update(change_percent=6334243100.0), "do not follow from"),
        (lambda data: data["size"]["previous"].update(bytes=-5), 'must be {"bytes"'),
        (lambda data: data["packages"][0].update(kind="stolen"), "of kind 'stolen'"),
        (lambda data: data.pop("previous"), "a change report without 'previous'"),
        (lambda data: data.update(tags="x"), "not as the run record writes it"),
        (lambda data: data["tags"]["gained"].append("a b"), "lists the tag 'a b'"),
    ],
    ids=["counts", "percent", "negative size", "kind", "missing", "tags", "bad tag"],
)
def test_a_tampered_report_is_refused(edit: Callable[[dict[str, Any]], object], says: str) -> None:
    data = json.loads(json.dumps(_report().to_json()))
    edit(data)
    with pytest.raises(InventoryError, match=re.escape(says)):
        ChangeReport.from_json(data)
