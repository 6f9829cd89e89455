"""What changed between two builds of an image, from the same runs that compute its tags.

A probe image is built twice from the demo's minimal-notebook: the second build adds a
Debian package, removes one and upgrades a Python distribution. Inspecting the second build
with --compare-to the first run's folder reports exactly those changes; so does stack-diff.
Every SBOM validates against the CycloneDX schema and lists what is really installed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from inspections.formats.sbom import SPEC_VERSION
from inspections.inventory.model import Inventory
from inspections.publishing.diff_command import diff_main
from inspections.publishing.update_wiki_command import update_wiki_main
from tests.e2e.demo import FIXED_EPOCH, run_pytest, write_probe_stack
from tests.plugin.stacks import LIBRARY_INVENTORIES, record_of, remove_tags_of
from throwaway_stacks import commit_all

pytestmark = pytest.mark.docker

PROBE_DOCKERFILE = r"""
FROM localhost/demo/minimal-notebook:latest
ARG STAGE=one
USER root
RUN set -e; \
    site=/opt/venv/lib/python3.11/site-packages; \
    version=$(if [ "$STAGE" = one ]; then echo 1.0; else echo 2.0; fi); \
    info="$site/stack_probe-$version.dist-info"; \
    mkdir -p "$info"; \
    printf 'Metadata-Version: 2.1\nName: stack-probe\nVersion: %s\n' "$version" \
        > "$info/METADATA"; \
    echo pip > "$info/INSTALLER"; touch "$info/RECORD"; \
    if [ "$STAGE" = two ]; then \
        dpkg --purge nano-tiny; \
        mkdir -p /tmp/extra/DEBIAN; \
        printf 'Package: stack-extra\nVersion: 1.0\nArchitecture: all\n' \
            > /tmp/extra/DEBIAN/control; \
        printf 'Maintainer: t <t@example.org>\nDescription: a probe\n' \
            >> /tmp/extra/DEBIAN/control; \
        dpkg-deb --build /tmp/extra /tmp/extra.deb; dpkg -i /tmp/extra.deb; \
        rm -rf /tmp/extra /tmp/extra.deb; \
    fi
USER 1000
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A one-image stack `probe` under a unique owner, committed to git; its image reference."""
    root = tmp_path_factory.mktemp("changes")
    owner = write_probe_stack(root, "changes", PROBE_DOCKERFILE, LIBRARY_INVENTORIES)
    commit_all(root, "probe")
    reference = f"localhost/{owner}/probe:latest"
    yield root, reference
    remove_tags_of(docker.from_env(), owner, noprune=False)


def build(root: Path, reference: str, stage: str) -> None:
    docker.from_env().images.build(
        path=str(root / "stack/probe"), tag=reference, buildargs={"STAGE": stage}, rm=True
    )


def installed(reference: str, command: str) -> str:
    """What `command` prints in a network-less container of `reference`."""
    completed = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", reference, "sh", "-c", command],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


@dataclass(frozen=True)
class Runs:
    """The first build inspected into `one`, the second into `two` compared with `one`."""

    one: Path
    two: Path
    nano_tiny: str  # the version the first build had, and the second removed


@pytest.fixture(scope="module")
def runs(probe: tuple[Path, str]) -> Runs:
    root, reference = probe
    build(root, reference, "one")
    nano_tiny = installed(reference, "dpkg-query -W -f '${Version}' nano-tiny")
    first = run_pytest("--stack", "stack", "--emit-manifests", "one", cwd=root)
    assert first.returncode == 0, first.stdout[-3000:]
    first_build = docker.from_env().images.get(reference).id
    build(root, reference, "two")
    docker.from_env().images.remove(first_build)  # untagged by the second build
    second = run_pytest(
        "--stack", "stack", "--emit-manifests", "two", "--compare-to", "one", cwd=root
    )
    assert second.returncode == 0, second.stdout[-3000:]
    assert "+1 \N{MINUS SIGN}1 ↑1 ↓0" in second.stdout
    return Runs(root / "one", root / "two", nano_tiny)


def test_the_change_report_lists_exactly_what_changed(runs: Runs) -> None:
    changes = record_of(runs.two)["probe"]["changes"]
    upgraded = {"ecosystem": "pypi", "kind": "upgraded", "name": "stack-probe"}
    assert changes["packages"] == [
        {"ecosystem": "deb", "kind": "added", "name": "stack-extra", "new": "1.0"},
        {"ecosystem": "deb", "kind": "removed", "name": "nano-tiny", "old": runs.nano_tiny},
        {**upgraded, "old": "1.0", "new": "2.0"},
    ]
    report = next((runs.two / "changes").iterdir()).read_text()
    assert "| added | `stack-extra` |  | `1.0` |" in report
    assert f"| removed | `nano-tiny` | `{runs.nano_tiny}` |  |" in report
    assert "| upgraded | `stack-probe` | `1.0` | `2.0` |" in report


def test_the_build_history_wiki_tells_the_same(runs: Runs, probe: tuple[Path, str]) -> None:
    """A CI job that keeps only the wiki: the first build filed there, the second compared."""
    root, _ = probe
    wiki = root / "wiki"
    assert update_wiki_main(["--wiki", str(wiki), "--checkout", str(root), str(runs.one)]) == 0
    a_day_later = FIXED_EPOCH + 86_400
    third = run_pytest(
        "--stack", "stack", "--emit-manifests", "three", "--compare-to", str(wiki),
        cwd=root, epoch=a_day_later,
    )  # fmt: skip
    assert third.returncode == 0, third.stdout[-3000:]
    from_wiki = record_of(root / "three")["probe"]["changes"]
    assert from_wiki["packages"] == record_of(runs.two)["probe"]["changes"]["packages"]
    # The new build's history line links its report, which the wiki files beside it.
    line = next((root / "three/hist_lines").iterdir()).read_text()
    stem = next((root / "three/changes").iterdir()).stem
    assert line.endswith(f"<br />[Changes](./{stem}-changes) |")
    assert (
        update_wiki_main(["--wiki", str(wiki), "--checkout", str(root), str(root / "three")]) == 0
    )
    filed = (wiki / "changes").rglob(f"{stem}-changes.md")
    assert [path.read_text() for path in filed] == [(root / f"three/changes/{stem}.md").read_text()]


def test_stack_diff_tells_the_same(runs: Runs, capsys: pytest.CaptureFixture[str]) -> None:
    assert diff_main([str(runs.one), str(runs.two), "--summary"]) == 0
    assert capsys.readouterr().out == "probe (x86_64, default): +1 \N{MINUS SIGN}1 ↑1 ↓0\n"


def test_each_sbom_validates_and_lists_the_inventory(runs: Runs) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    validator = JsonStrictValidator(SchemaVersion.from_version(SPEC_VERSION))
    for run in (runs.one, runs.two):
        inventory = Inventory.from_json(record_of(run)["probe"]["inventory"])
        sbom_text = next((run / "sbom").iterdir()).read_text()
        assert validator.validate_str(sbom_text) is None
        sbom = json.loads(sbom_text)
        assert len(sbom["components"]) == len(inventory.packages) > 100
        assert {c["purl"] for c in sbom["components"]} == {p.purl for p in inventory.packages}


def test_the_sbom_lists_what_is_really_installed(runs: Runs, probe: tuple[Path, str]) -> None:
    """A few purls checked against the image itself: dpkg's and Python's own answers."""
    _, reference = probe
    sbom = json.loads(next((runs.two / "sbom").iterdir()).read_text())
    purls = {component["purl"] for component in sbom["components"]}
    for package in ("dpkg", "stack-extra"):
        found = installed(reference, f"dpkg-query -W -f '${{Version}} ${{Architecture}}' {package}")
        version, architecture = found.split()
        quoted = version.replace("+", "%2B")
        assert f"pkg:deb/debian/{package}@{quoted}?arch={architecture}&distro=debian-12" in purls
    python = "python -c 'import importlib.metadata as m; print(m.version(\"stack-probe\"))'"
    assert f"pkg:pypi/stack-probe@{installed(reference, python)}" in purls
    assert not any("/nano-tiny@" in purl for purl in purls)
