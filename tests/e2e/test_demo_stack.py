"""The whole demo stack inspected on real containers: every value, every file, in order."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from inspections.formats.manifest import read_build_manifest
from inspections.inventory.distro import distro_from_tags
from inspections.inventory.model import Inventory
from inspections.outputs.record import RECORD_FILE, read_record, record_document
from inspections.publishing.update_wiki_command import update_wiki_main
from tests.browser.renderer import render, screenshot
from tests.diagrams import mermaid_blocks
from tests.e2e.demo import (
    DEMO,
    EXPECTED,
    PARENTS,
    REPOSITORY,
    expected_for,
    head_sha,
    lineage,
    run_pytest,
)
from tests.plugin.stacks import record_of
from throwaway_stacks import commit_all

pytestmark = pytest.mark.docker

IMAGES = list(PARENTS)


@pytest.fixture(scope="module")
def whole_stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Outputs of one parallel session over every demo image."""
    out = tmp_path_factory.mktemp("whole-stack")
    completed = run_pytest("--stack", str(DEMO), "--emit-manifests", str(out), "-n", "2")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]
    return out


@pytest.mark.parametrize("image", IMAGES)
def test_tags_are_the_pinned_versions_in_hierarchy_order(whole_stack: Path, image: str) -> None:
    expected = expected_for(image, head_sha())
    lines = (whole_stack / f"tags/x86_64-default-{image}.txt").read_text().splitlines()
    reference = f"localhost/demo/{image}"
    assert lines == [f"{reference}:x86_64-latest"] + [
        f"{reference}:x86_64-{tag}" for tag in expected.tags
    ]


@pytest.mark.parametrize("image", IMAGES)
def test_manifest_pieces_follow_the_hierarchy(whole_stack: Path, image: str) -> None:
    expected = expected_for(image, head_sha())
    manifest = (whole_stack / f"manifests/x86_64-default-{image}-{head_sha()[:12]}.md").read_text()
    titles = [line[3:] for line in manifest.splitlines() if line.startswith("## ")]
    assert titles == ["Build Info", *expected.pieces]


def test_values_declared_below_an_image_are_absent_from_it(whole_stack: Path) -> None:
    tags = {name: " ".join(image["tags"]) for name, image in record_of(whole_stack).items()}
    assert "-r-4" not in tags["scipy-notebook"] and "-r-4" in tags["r-notebook"]
    assert "spark-" not in tags["pytorch-notebook"] and "spark-" in tags["pyspark-notebook"]
    assert "pytorch-" not in tags["pyspark-notebook"]
    assert "lab-" not in tags["docker-stacks-foundation"] and "lab-" in tags["base-notebook"]


def manifest_of(outputs: Path, image: str) -> str:
    return (outputs / f"manifests/x86_64-default-{image}-{head_sha()[:12]}.md").read_text()


@pytest.mark.parametrize("image", IMAGES)
def test_the_inventory_is_the_packages_its_manifest_lists(whole_stack: Path, image: str) -> None:
    """Inventories read dpkg-query, Python's distributions listing and R's table; a change
    report may compare one with an inventory read back from an older manifest's apt, pip and
    R listings, so both must give every package the same ecosystem, name, version,
    architecture and purl."""
    entry = record_of(whole_stack)[image]
    inventory = Inventory.from_json(entry["inventory"])
    manifest = read_build_manifest(manifest_of(whole_stack, image))
    assert manifest.inventory(distro_from_tags(entry["tags"])) == inventory
    expected = ["cran", "deb", "pypi"] if "r-notebook" in lineage(image) else ["deb", "pypi"]
    assert inventory.ecosystems() == expected


def test_the_spark_manifest_piece_quotes_spark_submit_as_the_jupyter_one(whole_stack: Path) -> None:
    spark = manifest_of(whole_stack, "pyspark-notebook").partition("\n## Apache Spark\n")[2]
    assert spark.startswith("\n`/usr/local/spark/bin/spark-submit --version`:\n\n```text\n")
    assert "Using Scala version" in spark
    # No wall-clock noise: the container's loopback hostname draws no warning from Spark.
    assert "WARN" not in spark.replace("WARNING: Using incubator modules", "")
    assert "SPARK_LOCAL_IP" not in spark


def test_a_manifest_in_the_jupyter_layout(whole_stack: Path) -> None:
    sha = head_sha()
    text = manifest_of(whole_stack, "r-notebook")
    python = EXPECTED["docker-stacks-foundation"]["python"]
    assert text.startswith(
        f"# Build manifest for image: r-notebook:{sha[:12]}\n\n"
        "## Build Info\n\n"
        "- Build timestamp: 2025-11-24T16:00:00Z\n"
        f"- Docker image: `localhost/demo/r-notebook:{sha[:12]}`\n"
    )
    assert f"\n\n## Python Packages\n\nPython {python}\n\n`python -m pip list" in text
    assert (
        "\n\n## Apt Packages\n\n`apt list --installed`:\n\n```text\n"
        "WARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n"
        "Listing...\n"
    ) in text
    assert "\n\n`R --silent -e 'installed.packages(.Library)[, c(1,3)]'`:\n\n```text\n" in text
    assert text.endswith("\n```\n")
    assert not [line for line in text.splitlines() if line != line.rstrip()]


@pytest.mark.parametrize("image", IMAGES)
def test_the_image_size_is_what_docker_images_prints(whole_stack: Path, image: str) -> None:
    docker = shutil.which("docker")
    assert docker, "the docker CLI is needed to compare sizes"
    printed = subprocess.run(
        [docker, "images", f"localhost/demo/{image}:latest", "--format", "{{.Size}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert re.fullmatch(r"[0-9.e+]+[kMGT]?B", printed), printed
    assert f"\n- Docker image size: {printed}\n" in manifest_of(whole_stack, image)


def test_the_record_reads_back_to_its_own_bytes(whole_stack: Path) -> None:
    """Every entry the session wrote passes the reader's checks and is written the same."""
    text = (whole_stack / RECORD_FILE).read_text(encoding="utf-8")
    record = read_record(whole_stack)
    assert record_document(record.images, record.files) == text


def test_every_image_passed_its_image_tests(whole_stack: Path) -> None:
    record = record_of(whole_stack)
    assert {name: image["outcome"] for name, image in record.items()} == dict.fromkeys(
        IMAGES, "passed"
    )
    assert all(image["tests"]["passed"] >= 2 for image in record.values())
    assert all(not image["tests"]["failed"] for image in record.values())


def without_timings(value: Any) -> Any:
    """A run record without what measures time (keys named `timing` or ending in `_seconds`)
    and without the session's own id."""
    if isinstance(value, dict):
        return {
            key: without_timings(item)
            for key, item in value.items()
            if key not in ("timing", "session") and not key.endswith("_seconds")
        }
    if isinstance(value, list):
        return [without_timings(item) for item in value]
    return value


def every_file(folder: Path) -> dict[str, Any]:
    """Each file below `folder`: its bytes, or the run record without its timings."""
    files: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            relative = str(path.relative_to(folder))
            if path.name == "inspections.json":
                files[relative] = without_timings(json.loads(path.read_bytes()))
            else:
                files[relative] = path.read_bytes()
    return files


@pytest.fixture(scope="module")
def serial_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Outputs of two serial sessions over every demo image, one after the other."""
    folders = []
    for _ in range(2):
        out = tmp_path_factory.mktemp("serial")
        completed = run_pytest("--stack", str(DEMO), "--emit-manifests", str(out), "-n", "0")
        assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]
        folders.append(out)
    return folders[0], folders[1]


def test_two_serial_sessions_write_the_same_bytes(serial_runs: tuple[Path, Path]) -> None:
    first, second = (every_file(folder) for folder in serial_runs)
    # Tags, manifest, history line, SBOM; the record and the stack diagram.
    assert len(first) == 4 * len(IMAGES) + 2
    assert first == second


def test_a_parallel_session_writes_what_a_serial_one_does(
    whole_stack: Path, serial_runs: tuple[Path, Path]
) -> None:
    assert every_file(whole_stack) == every_file(serial_runs[0])


def test_one_image_as_a_user_runs_it(tmp_path: Path) -> None:
    completed = run_pytest(
        "--stack", str(DEMO), "--image", "base-notebook", "--emit-manifests", str(tmp_path)
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    sha12 = head_sha()[:12]
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        "diagrams/stack.md",
        f"hist_lines/x86_64-default-base-notebook-{sha12}.txt",
        "inspections.json",
        f"manifests/x86_64-default-base-notebook-{sha12}.md",
        f"sbom/x86_64-default-base-notebook-{sha12}.cdx.json",
        "tags/x86_64-default-base-notebook.txt",
    ]
    history = (tmp_path / f"hist_lines/x86_64-default-base-notebook-{sha12}.txt").read_text()
    expected = expected_for("base-notebook", head_sha())
    references = "<br />".join(
        f"`localhost/demo/base-notebook:x86_64-{tag}`" for tag in expected.tags
    )
    assert history.startswith(f"| `2025-11-24T16:00:00Z` | {references} | [Git diff](")
    assert history.endswith(f"<br />[Build manifest](./x86_64-default-base-notebook-{sha12}) |")
    assert list(record_of(tmp_path)) == ["base-notebook"]
    assert "base-notebook" in completed.stdout and "passed" in completed.stdout


def test_a_failing_inspection_leaves_no_files_for_its_image(tmp_path: Path) -> None:
    """A copy of the demo declarations, one of them broken, run on the same built images."""
    stack = tmp_path / "stack"
    for source in DEMO.glob("*/*"):
        if source.name == "image.toml" or (
            source.suffix == ".py" and source.name.startswith("inspect_")
        ):
            target = stack / source.relative_to(DEMO)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text())
    (stack / "stack.toml").write_text((DEMO / "stack.toml").read_text())
    (stack / "r-notebook/inspect_broken.py").write_text(
        "from inspections import output_of, tagger\n\n\n"
        "@tagger\n"
        "def broken_tag(host):\n"
        '    return "broken-" + output_of(host, "R --no-such-option")\n'
    )
    commit_all(tmp_path, "broken")
    out = tmp_path / "out"
    completed = run_pytest(
        "--stack",
        str(stack),
        "--image",
        "r-notebook",
        "--image",
        "minimal-notebook",
        "--emit-manifests",
        str(out),
        "-n",
        "2",
        cwd=tmp_path,
    )
    assert completed.returncode == 1, completed.stdout[-3000:]
    assert (
        "r-notebook: broken_tag[r-notebook]: `R --no-such-option` exited with" in completed.stdout
    )
    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert [name for name in written if "r-notebook" in name] == []
    assert any("minimal-notebook" in name for name in written)


@pytest.mark.browser
@pytest.mark.usefixtures("browser")
def test_every_diagram_of_the_demo_stack_is_drawn_by_mermaid(
    whole_stack: Path, tmp_path: Path, pictures: Path | None
) -> None:
    """The output folder's stack, and the wiki the run makes: its Home and history pages."""
    (stack,) = mermaid_blocks((whole_stack / "diagrams/stack.md").read_text())
    wiki = tmp_path / "wiki"
    arguments = ["--wiki", str(wiki), "--checkout", str(REPOSITORY), str(whole_stack)]
    assert update_wiki_main(arguments) == 0
    pages = [wiki / "Home.md", *sorted((wiki / "images").iterdir())]
    assert len(pages) == 1 + len(IMAGES)
    diagrams = [stack] + [block for page in pages for block in mermaid_blocks(page.read_text())]

    drawn = render(diagrams, tmp_path).diagrams

    assert [(d.ok, d.error) for d in drawn] == [(True, "")] * len(diagrams)
    assert (drawn[0].nodes, drawn[0].edges) == (len(IMAGES), len(IMAGES) - 1)
    assert all("passed" in label for label in drawn[0].labels)
    assert sorted(drawn[1].labels) == sorted(drawn[0].labels)  # Home draws the run's stack
    assert [d.crossings() for d in drawn[:2]] == [[], []]  # no arrow across another box
    if pictures is not None:
        screenshot(stack, pictures / "stack.png", tmp_path)
