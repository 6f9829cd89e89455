"""The generated GitHub workflow: its job graph follows the stack, and GitHub's schema and
actionlint accept it, for the Jupyter declaration (images/), the demo stack and odd names."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from inspections.building.ci_command import main
from inspections.building.ci_github import (
    DEFAULT_RUNNERS,
    MERGE_JOB,
    TIMESTAMP_JOB,
    WIKI_JOB,
    WorkflowSettings,
    github_workflow,
)
from inspections.building.yaml_text import yaml_document
from inspections.stack import load_stack
from tests.unit.building.workflows import (
    ROOT,
    Linted,
    build_jobs,
    lint,
    read_workflow,
    write_stack,
)

# The Jupyter Docker Stacks: 11 images, pytorch-notebook in cuda12 and cuda13 and
# tensorflow-notebook in cuda as well: 14 builds per platform.
JUPYTER_BUILDS_PER_PLATFORM = 14


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stacks outside a git repository are named relative to the current folder."""
    monkeypatch.chdir(tmp_path)


def generate(stack: Path, *options: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What `stack-ci github --stack STACK OPTIONS` prints."""
    assert main(["github", "--stack", str(stack), *options]) == 0
    return capsys.readouterr().out


def steps_named(job: dict[str, Any], word: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if word in step.get("name", "")]


def download_of(job: dict[str, Any]) -> str | None:
    """The image artifact a build job downloads, if any."""
    found = [s["with"]["name"] for s in job["steps"] if "parent image" in s.get("name", "")]
    return found[0] if found else None


def upload_of(job: dict[str, Any]) -> str | None:
    found = [s["with"]["name"] for s in job["steps"] if "for the jobs of its" in s.get("name", "")]
    return found[0] if found else None


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The workflow of images/ with the default platforms, as a file and as data."""
    stack = load_stack(ROOT / "images")
    settings = WorkflowSettings(stack_folder="images", runners=DEFAULT_RUNNERS)
    path = tmp_path_factory.mktemp("workflow") / "images.yml"
    path.write_text(yaml_document(github_workflow(stack, settings)), encoding="utf-8")
    return path, read_workflow(path.read_text(encoding="utf-8"))


def test_the_jupyter_stack_gets_14_builds_per_platform(jupyter: tuple[Path, Any]) -> None:
    jobs = build_jobs(jupyter[1])

    per_platform = Counter(job["runs-on"] for job in jobs.values())
    assert len(jobs) == 2 * JUPYTER_BUILDS_PER_PLATFORM == 28
    assert per_platform == {"ubuntu-24.04": 14, "ubuntu-24.04-arm": 14}
    variants = sorted(
        (job["env"]["STACK_IMAGE"], job["env"]["STACK_VARIANT"])
        for job in jobs.values()
        if job["runs-on"] == "ubuntu-24.04" and job["env"]["STACK_VARIANT"] != "default"
    )
    assert variants == [
        ("pytorch-notebook", "cuda12"),
        ("pytorch-notebook", "cuda13"),
        ("tensorflow-notebook", "cuda"),
    ]


def test_each_build_needs_its_parents_build_on_the_same_platform(
    jupyter: tuple[Path, Any],
) -> None:
    stack = load_stack(ROOT / "images")
    jobs = build_jobs(jupyter[1])
    by_build = {
        (job["env"]["STACK_IMAGE"], job["env"]["STACK_VARIANT"], job["runs-on"]): job_id
        for job_id, job in jobs.items()
    }

    for (image, _variant, runner), job_id in by_build.items():
        job = jobs[job_id]
        parent = stack.images[image].parent
        if not parent:
            assert job["needs"] == [TIMESTAMP_JOB]
            assert download_of(job) is None
            continue
        # No parent of the Jupyter stack has a variant: cuda builds start from the default.
        parent_job = by_build[(parent, "default", runner)]
        assert job["needs"] == [TIMESTAMP_JOB, parent_job]
        assert download_of(job) == upload_of(jobs[parent_job])  # what the parent uploaded
        assert download_of(job) == f"image-{job_id.split('--')[0]}-default-{parent}"


def test_only_images_with_children_are_archived(jupyter: tuple[Path, Any]) -> None:
    jobs = build_jobs(jupyter[1])
    downloaded = {download_of(job) for job in jobs.values()} - {None}

    uploaded = {upload_of(job) for job in jobs.values()} - {None}
    assert uploaded == downloaded
    for job in jobs.values():
        build = steps_named(job, "Build the image")[0]["run"]
        assert ("--save" in build) == (upload_of(job) is not None)
        assert ("--load" in build) == (download_of(job) is not None)
        assert "--no-parents" in build


def test_a_failed_job_uploads_its_build_log(jupyter: tuple[Path, Any]) -> None:
    for job_id, job in build_jobs(jupyter[1]).items():
        build = steps_named(job, "Build the image")[0]["run"]
        upload = steps_named(job, "Upload the build log")[0]
        assert '--logs "$RUNNER_TEMP/build-logs"' in build
        assert upload["if"] == "${{ failure() }}"
        assert upload["with"]["path"] == "${{ runner.temp }}/build-logs/"
        assert upload["with"]["name"].startswith("build-log-" + job_id.split("--")[0] + "-")


def test_merge_needs_every_build_and_the_wiki_comes_last(jupyter: tuple[Path, Any]) -> None:
    workflow = jupyter[1]
    jobs = workflow["jobs"]

    assert sorted(jobs[MERGE_JOB]["needs"]) == sorted(build_jobs(workflow))
    assert jobs[WIKI_JOB]["needs"] == [MERGE_JOB]
    for job in (MERGE_JOB, WIKI_JOB):
        assert "github.ref == 'refs/heads/main'" in jobs[job]["if"]
    merge = steps_named(jobs[MERGE_JOB], "Merge")[0]["run"]
    assert merge.startswith("stack-merge-tags --push ")
    assert "--insecure" not in merge
    assert jobs[WIKI_JOB]["permissions"] == {"contents": "write"}


def test_tags_are_pushed_from_the_default_branch_only(jupyter: tuple[Path, Any]) -> None:
    for job in build_jobs(jupyter[1]).values():
        inspect = steps_named(job, "Test and inspect")[0]["run"]
        push = steps_named(job, "Push this platform")[0]
        assert "--emit-manifests=" in inspect and "--apply-tags" in inspect
        assert push["if"] == "${{ github.ref == 'refs/heads/main' }}"
        assert push["run"].startswith("stack-push-tags ")


def test_no_run_script_holds_a_github_expression(jupyter: tuple[Path, Any]) -> None:
    scripts = [
        step["run"] for job in jupyter[1]["jobs"].values() for step in job["steps"] if "run" in step
    ]

    assert len(scripts) > 28 * 4
    assert not [script for script in scripts if "${{" in script]


ODD_NAMES = ["0", "a.b", "a_b", "a-b", "on", "yes", "null", "1.0", "x86_64", "timestamp", "merge"]
BROKEN_NEEDS = ("- x86_64--base-notebook\n", "- x86_64--nobody\n")


def odd_stack(folder: Path) -> Path:
    """A stack of image and variant names that YAML or GitHub could take for something else."""
    return write_stack(
        folder,
        {"root": ("", ["1", "a.b"]), **{name: ("root", ["on", "3.10"]) for name in ODD_NAMES}},
    )


def workflow_of(stack: Path, folder_name: str) -> str:
    settings = WorkflowSettings(stack_folder=folder_name, runners=DEFAULT_RUNNERS)
    return yaml_document(github_workflow(load_stack(stack), settings))


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], Linted]:
    """The workflows of images/, demo/ and a stack of odd names, and one with a broken job
    graph, each linted."""
    folder = tmp_path_factory.mktemp("lint")
    texts = {
        "images": workflow_of(ROOT / "images", "images"),
        "demo": workflow_of(ROOT / "demo", "demo"),
        "odd": workflow_of(odd_stack(folder / "stack"), "stack"),
    }
    texts["broken"] = texts["demo"].replace(*BROKEN_NEEDS, 1)
    paths = {name: folder / f"{name}.yml" for name in texts}
    for name, text in texts.items():
        paths[name].write_text(text, encoding="utf-8")
    valid = [paths[name] for name in ("images", "demo", "odd")]
    # shellcheck on the Jupyter stack's scripts, with variants: the others' are made by the
    # same code, and image names (lowercase letters, digits, . _ -) are literal in any shell
    others = [paths[name] for name in ("demo", "odd", "broken")]
    return paths, lint(valid, [paths["images"]], others)


def test_github_schema_accepts_the_workflows(linted: tuple[dict[str, Path], Linted]) -> None:
    _, found = linted
    assert found.schema.returncode == 0, found.schema.stdout + found.schema.stderr


@pytest.mark.parametrize("name", ["images", "demo", "odd"])
def test_actionlint_accepts_the_workflow(name: str, linted: tuple[dict[str, Path], Linted]) -> None:
    paths, found = linted
    assert found.actionlint_on(paths[name]) == [], found.shellchecked.stdout + found.linted.stdout


def test_the_linters_do_catch_a_broken_job_graph(linted: tuple[dict[str, Path], Linted]) -> None:
    paths, found = linted
    assert found.linted.returncode == 1
    complaints = "\n".join(found.actionlint_on(paths["broken"]))
    assert 'needs job "x86_64--nobody" which does not exist' in complaints


def test_a_variant_builds_on_its_parents_same_variant_when_declared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(
        tmp_path / "stack",
        {
            "root": ("", []),
            "cuda-base": ("root", ["cuda"]),
            "leaf": ("cuda-base", ["cuda", "rocm"]),
        },
    )
    jobs = read_workflow(generate(stack, "--platform", "x86_64=gpu-runner", capsys=capsys))["jobs"]

    assert jobs["x86_64--leaf--cuda"]["needs"] == [TIMESTAMP_JOB, "x86_64--cuda-base--cuda"]
    assert jobs["x86_64--leaf--rocm"]["needs"] == [TIMESTAMP_JOB, "x86_64--cuda-base"]
    assert jobs["x86_64--cuda-base--cuda"]["needs"] == [TIMESTAMP_JOB, "x86_64--root"]
    assert download_of(jobs["x86_64--leaf--cuda"]) == "image-x86_64-cuda-cuda-base"
    assert jobs["x86_64--leaf--cuda"]["runs-on"] == "gpu-runner"


def test_any_image_name_the_stack_allows_gives_a_job_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Names YAML would read as numbers, booleans or null stay names (actionlint and the
    schema check this stack's workflow too, above)."""
    jobs = build_jobs(read_workflow(generate(odd_stack(tmp_path / "stack"), capsys=capsys)))

    builds = {(job["env"]["STACK_IMAGE"], job["env"]["STACK_VARIANT"]) for job in jobs.values()}
    assert len(jobs) == 2 * (3 + 3 * len(ODD_NAMES))  # every build has a job of its own
    assert ("a.b", "3.10") in builds and ("on", "on") in builds and ("0", "default") in builds


def test_the_same_stack_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    images = {"root": ("", []), "b": ("root", ["v"]), "a": ("root", []), "c": ("a", [])}
    texts = []
    for folder, order in [("one", images), ("two", dict(reversed(images.items())))]:
        write_stack(tmp_path / folder / "stack", order)  # folders created in another order
        monkeypatch.chdir(tmp_path / folder)
        texts.append(generate(Path("stack"), capsys=capsys))

    assert texts[0] == texts[1]
    assert texts[0].index("x86_64--a:") < texts[0].index("x86_64--b:")


def test_the_readme_shows_the_workflow_the_demo_stack_gets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("The workflow it writes for the demo stack")[1]
    excerpt = excerpt.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    shown = [line for line in excerpt.splitlines() if "…" not in line]
    generated = iter(generate(ROOT / "demo", capsys=capsys).splitlines())

    missing = [line for line in shown if line not in generated]  # in order, as a subsequence

    assert len(shown) > 100
    assert not missing, f"README lines not in the generated workflow, in order: {missing}"
