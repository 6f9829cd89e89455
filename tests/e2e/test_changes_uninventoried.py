"""A change report never claims that no package changed when it has no packages to compare.

An image declares the library's package listings as manifest pieces but no inventory. Its
second build adds a Debian package and a Python distribution: the report says the packages
were not compared and which inventories to declare, in Markdown, in the run record and in
stack-diff's summary.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import docker
import pytest

from inspections.publishing.diff_command import diff_main
from tests.e2e.demo import run_pytest
from tests.plugin.stacks import LIBRARY_PIECES, record_of, remove_tags_of
from throwaway_stacks import StackImage, write_project

pytestmark = pytest.mark.docker

DOCKERFILE = r"""
FROM localhost/demo/docker-stacks-foundation:latest
USER root
RUN set -e; \
    info=/opt/venv/lib/python3.11/site-packages/stack_extra-1.0.dist-info; \
    mkdir -p "$info"; \
    printf 'Metadata-Version: 2.1\nName: stack-extra\nVersion: 1.0\n' > "$info/METADATA"; \
    echo pip > "$info/INSTALLER"; touch "$info/RECORD"; \
    mkdir -p /tmp/extra/DEBIAN; \
    printf 'Package: stack-extra\nVersion: 1.0\nArchitecture: all\n' > /tmp/extra/DEBIAN/control; \
    printf 'Maintainer: t <t@example.org>\nDescription: a probe\n' >> /tmp/extra/DEBIAN/control; \
    dpkg-deb --build /tmp/extra /tmp/extra.deb; dpkg -i /tmp/extra.deb; rm -rf /tmp/extra*
USER 1000
"""


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The root of a one-image stack inspected twice: `one` (the demo root image as it is) and
    `two` (with a package added by each package manager), compared with `one`."""
    root = tmp_path_factory.mktemp("uninventoried")
    owner = f"bare-{uuid.uuid4().hex[:8]}"
    bare = StackImage(files={"inspect_bare.py": LIBRARY_PIECES})
    write_project(root, owner, {"bare": bare}, "https://example.org/bare", message="bare")
    client = docker.from_env()
    reference = f"localhost/{owner}/bare:latest"
    try:
        client.images.get("localhost/demo/docker-stacks-foundation:latest").tag(reference)
        first = run_pytest("--stack", "stack", "--emit-manifests", "one", cwd=root)
        assert first.returncode == 0, first.stdout[-3000:]
        # No layer cache: another test's clean-up must not remove a layer this build uses.
        build = BytesIO(DOCKERFILE.encode())
        client.images.build(fileobj=build, tag=reference, rm=True, nocache=True)
        second = run_pytest(
            "--stack", "stack", "--emit-manifests", "two", "--compare-to", "one", cwd=root
        )
        assert second.returncode == 0, second.stdout[-3000:]
        assert "packages not compared" in second.stdout
        yield root
    finally:
        remove_tags_of(client, owner, noprune=False)


def test_the_report_says_packages_were_not_compared_and_what_to_declare(
    two_builds: Path,
) -> None:
    report = next((two_builds / "two/changes").iterdir()).read_text()
    assert "No package was added" not in report
    assert "- Packages: not compared: neither build's packages are inventoried" in report
    assert (
        "Neither build's packages are inventoried, so none were compared: to compare them, "
        "declare `apt_inventory` next to `apt_packages_manifest`, `pip_inventory` next to "
        "`pip_packages_manifest` (from `inspections.library`) in the image's inspections."
    ) in report
    # The manifests do list what changed: the report only declines to count it.
    manifest = next((two_builds / "two/manifests").iterdir()).read_text()
    assert "stack-extra/now 1.0 all [installed,local]" in manifest


def test_the_run_record_says_so_too(two_builds: Path) -> None:
    changes = record_of(two_builds / "two")["bare"]["changes"]
    assert changes["packages_compared"] is False
    assert changes["not_inventoried"] == ["previous", "current"]
    assert changes["counts"] is None and changes["packages"] == []
    assert changes["summary"] == "packages not compared"
    assert changes["inventories_to_declare"] == [
        {"inventory": "apt_inventory", "next_to": "apt_packages_manifest"},
        {"inventory": "pip_inventory", "next_to": "pip_packages_manifest"},
    ]


def test_stack_diff_says_so_too(two_builds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert diff_main([str(two_builds / "one"), str(two_builds / "two"), "--summary"]) == 0
    assert capsys.readouterr().out == "bare (x86_64, default): packages not compared\n"
    assert diff_main([str(two_builds / "one"), str(two_builds / "two")]) == 0
    assert "`pip_inventory` next to `pip_packages_manifest`" in capsys.readouterr().out
