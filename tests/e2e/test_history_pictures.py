"""An image's history in charts, from five real builds filed in a build history wiki.

A probe image is built five times from the demo's minimal-notebook, each build adding Python
distributions (1, 3, 5, 7, 9 of them), upgrading one, and growing by 8 MB; the fourth also
removes a Debian package. Each build is inspected with --compare-to the wiki and filed there
by stack-update-wiki, as a CI job does; the wiki's page of the probe then charts its size,
its packages and what each build changed, and Mermaid draws every chart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from inspections.formats.wiki_pages import history_page_path
from inspections.inventory.changes import MINUS
from inspections.publishing.update_wiki_command import update_wiki_main
from tests.browser.renderer import render, screenshot
from tests.diagrams import boxes_by_name, mermaid_blocks
from tests.e2e.demo import FIXED_EPOCH, REPOSITORY, run_pytest, write_probe_stack
from tests.plugin.stacks import remove_tags_of
from tests.publishing.test_wiki_pictures import table_rows
from throwaway_stacks import commit_all

pytestmark = [pytest.mark.docker, pytest.mark.browser, pytest.mark.usefixtures("browser")]

BUILDS = 5
README = REPOSITORY / "README.md"
DOCKERFILE = r"""
FROM localhost/demo/minimal-notebook:latest
ARG STAGE=1
USER root
RUN set -e; \
    site=/opt/venv/lib/python3.11/site-packages; \
    distribution() { \
        info="$site/$1-$2.dist-info"; mkdir -p "$info"; \
        printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$1" "$2" > "$info/METADATA"; \
        echo pip > "$info/INSTALLER"; touch "$info/RECORD"; \
    }; \
    for number in $(seq 1 $((STAGE * STAGE))); do distribution "probe_extra_$number" 1.0; done; \
    distribution stack_probe "$STAGE.0"; \
    if [ "$STAGE" -ge 4 ]; then dpkg --purge nano-tiny; fi; \
    head -c "$((STAGE * 8))M" /dev/zero > /opt/probe-data
USER 1000
"""
INSPECTIONS = """
    from inspections.library import apt, python

    python_version_tag = python.python_version_tag
    apt_packages_manifest = apt.apt_packages_manifest
    pip_packages_manifest = python.pip_packages_manifest
    apt_inventory = apt.apt_inventory
    pip_inventory = python.pip_inventory
"""


@dataclass(frozen=True)
class History:
    """The wiki after the five builds, and where they were made."""

    wiki: Path
    root: Path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    root = tmp_path_factory.mktemp("history")
    owner = write_probe_stack(root, "history", DOCKERFILE, INSPECTIONS)
    client = docker.from_env()
    wiki = root / "wiki"
    try:
        for stage in range(1, BUILDS + 1):
            # Each build of its own commit: the wiki names a build's manifest by its commit.
            (root / "stack/probe/stage.txt").write_text(f"{stage}\n")
            commit_all(root, f"Stage {stage}")
            image, _ = client.images.build(
                path=str(root / "stack/probe"),
                tag=f"localhost/{owner}/probe:latest",
                buildargs={"STAGE": str(stage)},
                rm=True,
            )
            image.tag(f"localhost/{owner}/probe", f"stage-{stage}")  # removed with the others
            compare = ["--compare-to", str(wiki)] if stage > 1 else []
            run = root / f"run-{stage}"
            completed = run_pytest(
                "--stack", "stack", "--emit-manifests", str(run), *compare,
                cwd=root, epoch=FIXED_EPOCH + stage * 86_400,
            )  # fmt: skip
            assert completed.returncode == 0, completed.stdout[-3000:]
            arguments = ["--wiki", str(wiki), "--checkout", str(root), str(run)]
            assert update_wiki_main(arguments) == 0
        yield History(wiki, root)
    finally:
        remove_tags_of(client, owner, noprune=False)


def test_the_page_tells_each_builds_size_packages_and_changes(history: History) -> None:
    page = (history.wiki / history_page_path("probe")).read_text()
    rows = table_rows(page)
    assert sorted(rows) == list(range(1, BUILDS + 1))
    sizes = [float(rows[number][2].removesuffix(" MB")) for number in sorted(rows)]
    assert sizes == sorted(sizes) and sizes[-1] - sizes[0] == pytest.approx(4 * 8.4, abs=1)
    packages = [int(rows[number][3]) for number in sorted(rows)]
    for stage in range(2, BUILDS + 1):
        added, removed = 2 * stage - 1, int(stage == 4)
        changes = rows[stage][4]
        # From the change report each run wrote, which the wiki filed and the page links.
        assert changes.startswith(f"[+{added} {MINUS}{removed} ↑1](./x86_64-default-probe-")
        assert changes.endswith("-changes)")
        assert packages[stage - 1] - packages[stage - 2] == added - removed
    assert rows[1][4] == ""


def test_mermaid_draws_every_chart_and_the_stack(history: History, pictures: Path | None) -> None:
    page = (history.wiki / history_page_path("probe")).read_text()
    charts = mermaid_blocks(page)
    # The README's picture of the changes: a point for each build but the first.
    (days,) = re.findall(r"^  x-axis \[(.*)\]$", charts[2], re.MULTILINE)
    assert len(days.split(", ")) == BUILDS - 1 == 4
    assert "by each of four builds of an image, since the build before it" in README.read_text()
    (stack,) = mermaid_blocks((history.wiki / "Home.md").read_text())
    drawn = render([*charts, stack], history.root).diagrams
    assert [(chart.ok, chart.error) for chart in drawn] == [(True, "")] * 4
    assert [chart.plots for chart in drawn[:3]] == [1, 1, 3]
    assert all(f"{day}" in drawn[0].text for day in ("11-25", "11-29"))
    assert boxes_by_name(stack)["probe"][0] == "passed"
    if pictures is not None:
        screenshot(charts[2], pictures / "history-changes.png", history.root)
