"""The whole demo stack inspected on real containers: every value, every file, in order."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.demo import DEMO, PARENTS, expected_for, head_sha, record_of, run_pytest

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


def test_the_spark_manifest_piece_quotes_spark_submit(whole_stack: Path) -> None:
    manifest = next((whole_stack / "manifests").glob("x86_64-default-pyspark-notebook-*.md"))
    text = manifest.read_text()
    assert "`$ /usr/local/spark/bin/spark-submit --version 2>&1`" in text
    assert "Using Scala version" in text


def test_every_image_passed_its_image_tests(whole_stack: Path) -> None:
    record = record_of(whole_stack)
    assert {name: image["outcome"] for name, image in record.items()} == dict.fromkeys(
        IMAGES, "passed"
    )
    assert all(image["tests"]["passed"] >= 2 for image in record.values())
    assert all(not image["tests"]["failed"] for image in record.values())


def test_a_serial_session_writes_the_same_bytes(whole_stack: Path, tmp_path: Path) -> None:
    """The parallel session of `whole_stack` against a serial one: same files, same bytes."""
    completed = run_pytest("--stack", str(DEMO), "--emit-manifests", str(tmp_path), "-n", "0")
    assert completed.returncode == 0, completed.stdout[-3000:]

    def files(folder: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(folder)): path.read_bytes()
            for path in folder.rglob("*")
            if path.is_file() and path.name != "inspections.json"
        }

    assert len(files(whole_stack)) == 3 * len(IMAGES)
    assert files(tmp_path) == files(whole_stack)


def test_one_image_as_a_user_runs_it(tmp_path: Path) -> None:
    completed = run_pytest(
        "--stack", str(DEMO), "--image", "base-notebook", "--emit-manifests", str(tmp_path)
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    sha12 = head_sha()[:12]
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        f"hist_lines/x86_64-default-base-notebook-{sha12}.txt",
        "inspections.json",
        f"manifests/x86_64-default-base-notebook-{sha12}.md",
        "tags/x86_64-default-base-notebook.txt",
    ]
    history = (tmp_path / f"hist_lines/x86_64-default-base-notebook-{sha12}.txt").read_text()
    expected = expected_for("base-notebook", head_sha())
    assert history.startswith("| 2025-11-24 16:00:00 (UTC) | `x86_64-latest`<br />")
    assert "<br />".join(f"`x86_64-{tag}`" for tag in expected.tags) in history
    assert f"[Build manifest](./x86_64-default-base-notebook-{sha12})" in history
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
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "broken"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *command],
            cwd=tmp_path,
            check=True,
        )
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
