"""The generated workflow's own steps, run on this machine, give what one local session gives.

A small stack (root -> child, which has the variant `slim` -> leaf, all FROM the demo's
Debian base) is committed to a throwaway repository with the workflow `stack-ci github`
writes for it (x86_64 only). `actions_runner` then runs the workflow's jobs in `needs:` order,
each in a fresh folder, with every image of the stack removed from the engine before each
job: a job has only the parent its `needs:` handed it as an artifact. The jobs push to a
throwaway registry on 127.0.0.1; the merge and wiki jobs run as on the default branch. The
tags files, manifests and history lines of all jobs together must be those of local sessions
(`stack-build`, then `pytest --emit-manifests`) with the same SOURCE_DATE_EPOCH, the wiki the
one `stack-update-wiki` makes of the local outputs, and the registry must hold every
platform tag and its merged tag.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import docker.errors
import pytest

from tests.building.actions_runner import RunContext, WorkflowRun
from tests.plugin.stacks import OS_INSPECTIONS, PLUGIN_TEST_INI
from tests.publishing.jupyter_wiki import INTRO
from tests.publishing.registry import registry, registry_tags
from tests.unit.building.workflows import read_workflow
from throwaway_stacks import BASE_IMAGE, StackImage, commit_all, one_step_dockerfile, write_stack

pytestmark = pytest.mark.docker

__all__ = ["registry"]  # the fixture
SOURCE_DATE_EPOCH = "1795780800"  # 2026-11-27T12:00:00Z
OUTPUT_FOLDERS = ("tags", "manifests", "hist_lines")
COMMIT_ENVIRONMENT = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def write_repository(root: Path, registry: str, owner: str) -> None:
    """The throwaway stack in `root/stack`, its ini file and .gitignore (not committed)."""
    child_tag = """
        from inspections import output_of, tagger

        @tagger
        def child_tag(host):
            return output_of(host, "cat /etc/stack-child.txt")
    """
    child_dockerfile = "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY child.txt /etc/stack-child.txt\n"
    root_files = {
        "Dockerfile": f"FROM {BASE_IMAGE}\nCOPY root.txt /etc/stack-root.txt\n",
        "root.txt": "root\n",
        "inspect_root.py": OS_INSPECTIONS
        + "\n    from inspections.library.build import date_tag, sha_tag\n",
        "test_root.py": """
            def test_root_file(host):
                assert host.file("/etc/stack-root.txt").content_string == "root\\n"
        """,
    }
    child_files = {
        "Dockerfile": child_dockerfile,
        "child.txt": "child-1.0\n",
        "slim/Dockerfile": child_dockerfile,
        "slim/child.txt": "child-1.0-slim\n",
        "inspect_child.py": child_tag,
    }
    leaf_dockerfile = one_step_dockerfile("echo leaf > /etc/leaf")
    images = {
        "root": StackImage(files=root_files),
        "child": StackImage("root", child_files, variants=("slim",)),
        "leaf": StackImage("child", {"Dockerfile": leaf_dockerfile}),
    }
    write_stack(root / "stack", owner, images, "https://example.org/stack", registry)
    write_files(
        root, {".gitignore": "__pycache__/\n.pytest_cache/\n", "pytest.ini": PLUGIN_TEST_INI}
    )


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def run(arguments: list[str], folder: Path, environment: dict[str, str]) -> None:
    completed = subprocess.run(
        arguments, cwd=folder, env=environment, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, f"{arguments}:\n{completed.stdout}\n{completed.stderr}"


def files_below(folder: Path, subfolders: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Relative path -> content of every file below `folder` (only in `subfolders` if given)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and ".git" not in path.relative_to(folder).parts
        and (not subfolders or path.relative_to(folder).parts[0] in subfolders)
    }


def remove_stack_images(client: docker.DockerClient, prefix: str) -> None:
    """Remove every tag of the stack's repositories, and the images left without a tag."""
    for image in client.images.list():
        for tag in image.tags:
            if tag.startswith(prefix):
                # An earlier tag's removal may have removed the image already.
                with contextlib.suppress(docker.errors.ImageNotFound):
                    client.images.remove(tag)


def has_image(client: docker.DockerClient, reference: str) -> bool:
    try:
        client.images.get(reference)
    except docker.errors.ImageNotFound:
        return False
    return True


@pytest.fixture(scope="module")
def docker_client() -> docker.DockerClient:
    client = docker.from_env()
    client.ping()
    return client


@pytest.fixture
def owner(docker_client: docker.DockerClient, registry: str) -> Iterator[str]:
    """An owner unique to the test; every image of it is removed afterwards."""
    name = f"ci-jobs-{uuid.uuid4().hex[:8]}"
    yield name
    remove_stack_images(docker_client, f"{registry}/{name}/")


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """The machine's environment for the jobs and the local sessions: no GitHub variables
    of an outer CI, a Docker client configuration of the test's own, and the build time."""
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith("GITHUB_")
    }
    return inherited | {
        "DOCKER_CONFIG": str(tmp_path / "docker-config"),
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        **COMMIT_ENVIRONMENT,
    }


def make_wiki(folder: Path) -> Path:
    """A bare wiki repository holding only its Home page."""
    work = folder / "wiki-start"
    write_files(work, {"Home.md": INTRO + "\n"})
    commit_all(work, "Start the wiki")
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(folder / "wiki.git")], check=True
    )
    return folder / "wiki.git"


def local_outputs(repository: Path, folder: Path, environment: dict[str, str]) -> Path:
    """A local build and session of every image and variant, into `folder`/out."""
    checkout = folder / "local"
    subprocess.run(["git", "clone", "-q", str(repository), str(checkout)], check=True)
    out = folder / "local-out"
    for variant, images in [("default", ["root", "child", "leaf"]), ("slim", ["child"])]:
        selection = [word for image in images for word in ("--image", image)]
        run(
            ["stack-build", "--stack", "stack", "--variant", variant, *selection],
            checkout,
            environment,
        )
        run(
            ["pytest", "--stack", "stack", "--variant", variant, f"--emit-manifests={out}"],
            checkout,
            environment,
        )
    return out


def test_the_jobs_give_what_one_local_session_gives(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    registry: str,
    owner: str,
    environment: dict[str, str],
) -> None:
    repository = tmp_path / "repository"
    write_repository(repository, registry, owner)
    workflow_file = ".github/workflows/stack.yml"
    run(
        [
            *["stack-ci", "github", "--stack", "stack", "--platform", "x86_64=ubuntu-24.04"],
            *["--install", "command -v stack-build pytest stack-push-tags stack-merge-tags"],
            *["--insecure-registry", "--output", workflow_file],
        ],
        repository,
        environment,
    )
    commit_all(repository, "A stack and its workflow")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True, check=True
    ).stdout.strip()
    wiki = make_wiki(tmp_path)
    workflow: dict[str, Any] = read_workflow((repository / workflow_file).read_text())
    context = RunContext(
        repository=repository,
        wiki=wiki,
        github={
            "ref": "refs/heads/main",
            "sha": sha,
            "repository": "example/stack",
            "event_name": "push",
            "workflow": "Stack stack",
        },
        secrets={"REGISTRY_USER": "ci", "REGISTRY_TOKEN": "not-checked-by-the-test-registry"},
        environment=environment,
    )
    prefix = f"{registry}/{owner}/"
    parent_of = {"x86_64--child": "root:latest", "x86_64--child--slim": "root:latest"}
    parent_of["x86_64--leaf"] = "child:latest"
    absent_before: dict[str, bool] = {}

    def fresh_runner(job: str) -> None:
        remove_stack_images(docker_client, prefix)
        if job in parent_of:
            absent_before[job] = not has_image(docker_client, prefix + parent_of[job])

    results = WorkflowRun(workflow, context, tmp_path / "run").run(before_job=fresh_runner)

    failures = [failure for result in results.values() for failure in result.failures]
    assert not failures, "\n\n".join(failures)
    assert {job: result.result for job, result in results.items()} == {
        job: "success" for job in workflow["jobs"]
    }
    assert absent_before == dict.fromkeys(parent_of, True)
    runs = tmp_path / "run" / "artifacts"
    assert sorted(path.name for path in runs.iterdir()) == [
        "image-x86_64-default-child",  # leaf's parent
        "image-x86_64-default-root",  # child's and child slim's parent
        "run-x86_64-default-child",
        "run-x86_64-default-leaf",
        "run-x86_64-default-root",
        "run-x86_64-slim-child",
    ]
    ci_outputs: dict[str, bytes] = {}
    for run_folder in sorted(runs.glob("run-*")):
        ci_outputs |= files_below(run_folder, OUTPUT_FOLDERS)

    remove_stack_images(docker_client, prefix)
    local_out = local_outputs(repository, tmp_path, environment)

    local = files_below(local_out, OUTPUT_FOLDERS)
    assert len(local) == 4 * 3  # 4 builds: a tags file, a manifest and a history line each
    assert sorted(ci_outputs) == sorted(local)
    for name, content in local.items():
        assert ci_outputs[name] == content, name
    tags_files = [name for name in local if name.startswith("tags/")]
    for name in tags_files:
        for reference in local[name].decode().splitlines():
            repository_path, _, tag = reference.removeprefix(registry + "/").partition(":")
            merged = tag.removeprefix("x86_64-")
            assert {tag, merged} <= registry_tags(registry, repository_path), reference
    local_wiki = tmp_path / "local-wiki"
    subprocess.run(["git", "clone", "-q", str(make_wiki(tmp_path / "again")), str(local_wiki)])
    run(
        ["stack-update-wiki", "--wiki", str(local_wiki), "--branch", "main", str(local_out)],
        tmp_path / "local",
        environment,
    )
    ci_wiki = tmp_path / "ci-wiki"
    subprocess.run(["git", "clone", "-q", str(wiki), str(ci_wiki)], check=True)
    assert files_below(ci_wiki) == files_below(local_wiki)
    assert len(files_below(ci_wiki)) > 1 + 4  # Home, monthly page, 4 manifests
