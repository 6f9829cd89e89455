"""stack-init's reading of a stack folder: the demo stack's real Dockerfiles, problems, remotes."""

from __future__ import annotations

import subprocess
from pathlib import Path
from textwrap import dedent

import pytest

from inspections.building.derive import derive_stack
from inspections.building.init import main as stack_init
from inspections.building.init import repository_url
from inspections.building.starters import pick_inspections
from inspections.plugin.plan import build_plan
from inspections.stack import load_stack

DEMO = Path(__file__).resolve().parents[3] / "demo"


def write(folder: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    return folder


def test_the_demo_stack_is_in_sync_with_its_dockerfiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert stack_init(["--check", str(DEMO)]) == 0
    assert capsys.readouterr().out == f"{DEMO}: in sync with its Dockerfiles (8 images)\n"


def test_the_picks_for_the_demo_stack_are_what_it_declares_by_hand() -> None:
    """The demo stack's inspections were written by hand; stack-init finds the same ones."""
    derived = derive_stack(DEMO)
    stack = load_stack(DEMO)
    plan = build_plan(stack, tuple(stack.images))
    declared = {
        name: [p.name for p in plan.inspections[name] if p.key.startswith(f"{name}/")]
        for name in stack.images
    }
    picked = {name: [p.name for p in picks] for name, picks in pick_inspections(derived).items()}
    assert picked == declared


@pytest.fixture
def stack_folder(tmp_path: Path) -> Path:
    return write(
        tmp_path / "images",
        {
            "root/Dockerfile": "FROM python:3.12-slim\nRUN apt-get install -y tini\n",
            "child/Dockerfile": """\
                ARG REGISTRY=ghcr.io
                ARG OWNER=me
                FROM $REGISTRY/$OWNER/root:latest
                RUN pip install torch
            """,
        },
    )


def test_picks_follow_the_tools_each_image_adds(stack_folder: Path) -> None:
    derived = derive_stack(stack_folder)
    picked = {name: [p.name for p in picks] for name, picks in pick_inspections(derived).items()}

    assert (derived.registry, derived.owner) == ("ghcr.io", "me")
    assert {name: image.parent for name, image in derived.images.items()} == {
        "root": "",
        "child": "root",
    }
    assert picked == {
        "root": [
            "sha_tag",
            "date_tag",
            "os_tag",
            "python_minor_tag",
            "python_version_tag",
            "apt_packages_manifest",
            "apt_inventory",
        ],
        "child": ["pytorch_tag", "pip_packages_manifest", "pip_inventory"],
    }


def test_dockerfiles_disagreeing_on_the_owner_are_one_line(
    stack_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(stack_folder, {"other/Dockerfile": "ARG OWNER=you\nFROM ghcr.io/you/root\n"})

    assert stack_init([str(stack_folder)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"stack-init: the Dockerfiles disagree on the owner ('me' in {stack_folder}/child/"
        f"Dockerfile; 'you' in {stack_folder}/other/Dockerfile): give them one ARG OWNER default"
    ]
    assert not (stack_folder / "stack.toml").exists()


def test_a_cycle_of_froms_is_named(stack_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(stack_folder, {"root/Dockerfile": "FROM ghcr.io/me/child\n"})

    assert stack_init(["--check", str(stack_folder)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"stack-init: {stack_folder}/child/Dockerfile: its FROM makes a cycle "
        "(child -> root -> child): one image of the cycle needs another base",
        f"stack-init: {stack_folder}/root/Dockerfile: its FROM makes a cycle "
        "(root -> child -> root): one image of the cycle needs another base",
    ]


@pytest.mark.parametrize("folder", ["nowhere", "."], ids=["missing folder", "no Dockerfiles"])
def test_a_folder_without_dockerfiles_is_a_usage_error(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert stack_init([folder]) == 2
    [error] = capsys.readouterr().err.splitlines()
    assert error.startswith("stack-init: error: ")
    assert error.endswith(
        "pass the folder that holds one folder per image, each with its Dockerfile"
    ) or error.endswith("pass the folder of the image folders")


def test_an_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        stack_init(["--bogus"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("git@github.com:jupyter/docker-stacks.git", "https://github.com/jupyter/docker-stacks"),
        (
            "https://github.com/jupyter/docker-stacks.git",
            "https://github.com/jupyter/docker-stacks",
        ),
        ("https://user@gitlab.example.org/a/b", "https://gitlab.example.org/a/b"),
        ("ssh://git@git.example.org:2222/team/stack.git", "https://git.example.org/team/stack"),
    ],
)
def test_the_repository_comes_from_the_git_remote(tmp_path: Path, remote: str, url: str) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "upstream", remote], check=True)
    assert repository_url(tmp_path) == url


def test_without_a_remote_the_repository_is_left_to_the_user(
    stack_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stack_init([str(stack_folder)]) == 0
    assert "repository" not in (stack_folder / "stack.toml").read_text()
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: no git remote gives the repository's address: add repository = "
        f'"https://host/owner/name" to {stack_folder}/stack.toml for the links in manifests'
    ]
