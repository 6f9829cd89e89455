"""stack-init on a repository laid out like the Jupyter Docker Stacks (no Docker engine needed)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from inspections.building.init import main as stack_init
from inspections.plugin.plan import build_plan
from inspections.stack import load_stack
from tests.adopt.repository import PARENTS, write_repository


@pytest.fixture
def images(tmp_path: Path) -> Path:
    return write_repository(tmp_path / "repository") / "images"


def declared(images: Path, name: str) -> dict[str, object]:
    return tomllib.loads((images / name / "image.toml").read_text())


def test_the_declaration_follows_the_dockerfiles(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stack_init([str(images)]) == 0

    assert {name: declared(images, name)["parent"] for name in PARENTS} == PARENTS
    assert declared(images, "base-notebook")["variants"] == ["cuda"]
    assert "variants" not in declared(images, "minimal-notebook")
    assert tomllib.loads((images / "stack.toml").read_text()) == {
        "registry": "quay.io",
        "owner": "jupyter",
        "repository": "https://github.com/example/adopted-stacks",
    }
    stack = load_stack(images)
    plan = build_plan(stack, tuple(stack.images))
    assert [planned.name for planned in plan.inspections["base-notebook"]] == [
        "sha_tag",
        "date_tag",
        "os_tag",
        "python_minor_tag",
        "python_version_tag",
        "pip_packages_manifest",
        "apt_packages_manifest",
        "pip_inventory",
        "apt_inventory",
        "notebook_tag",
        "lab_tag",
        "hub_tag",
    ]
    # minimal-notebook installs apt packages: inherited from the root, declared nothing new.
    assert plan.inspections["minimal-notebook"] == plan.inspections["base-notebook"]
    written = capsys.readouterr().out.splitlines()
    assert f"wrote {images}/base-notebook/inspect_base_notebook.py" in written


def test_a_second_run_keeps_every_file(images: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_init([str(images)])
    (images / "base-notebook/image.toml").write_text('parent = "docker-stacks-foundation"\n')
    before = {path: path.read_bytes() for path in images.rglob("*") if path.is_file()}
    capsys.readouterr()

    assert stack_init([str(images)]) == 0

    assert {path: path.read_bytes() for path in images.rglob("*") if path.is_file()} == before
    assert all(line.startswith("kept ") for line in capsys.readouterr().out.splitlines())


def test_check_is_silent_in_sync_and_names_each_drift(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack_init([str(images)])
    capsys.readouterr()
    assert stack_init(["--check", str(images)]) == 0
    assert capsys.readouterr().out == f"{images}: in sync with its Dockerfiles (3 images)\n"

    dockerfile = images / "minimal-notebook/Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("/base-notebook\n", "/docker-stacks-foundation\n")
    )
    assert stack_init(["--check", str(images)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f'{images}/minimal-notebook/image.toml: parent = "base-notebook", but its Dockerfile\'s '
        '`FROM ${BASE_IMAGE}` names "docker-stacks-foundation" '
        "(quay.io/jupyter/docker-stacks-foundation)"
    ]


def test_check_finds_a_variant_and_declarations_without_dockerfiles(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack_init([str(images)])
    (images / "base-notebook/cuda13").mkdir()
    (images / "base-notebook/cuda13/Dockerfile").write_text(
        (images / "base-notebook/cuda/Dockerfile").read_text()
    )
    (images / "retired").mkdir()
    (images / "retired/image.toml").write_text('parent = "base-notebook"\n')
    capsys.readouterr()

    assert stack_init(["--check", str(images)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{images}/base-notebook/image.toml: variants = ['cuda'], but its folder has "
        "Dockerfiles for ['cuda', 'cuda13']",
        f"{images}/retired/image.toml: declares an image without a Dockerfile: add "
        f"{images}/retired/Dockerfile, or remove the folder's image.toml",
    ]


def test_a_dockerfile_that_cannot_be_followed_writes_nothing(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = images / "minimal-notebook/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("ARG OWNER=jupyter", "ARG OWNER"))
    before = sorted(images.rglob("*"))

    assert stack_init([str(images)]) == 1

    assert sorted(images.rglob("*")) == before
    assert capsys.readouterr().err.splitlines() == [
        f"stack-init: {dockerfile}: cannot follow `FROM ${{BASE_IMAGE}}`: ARG OWNER has no "
        "default: give it one (ARG OWNER=<default>)"
    ]


def test_check_maps_variants_through_their_variant_folders(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack_init([str(images)])
    (images / "base-notebook/cuda").rename(images / "base-notebook/gpu")
    declaration = images / "base-notebook/image.toml"
    declaration.write_text(
        'parent = "docker-stacks-foundation"\nvariants = ["cuda12"]\n\n'
        '[variant-folders]\ncuda12 = "gpu"\n'
    )
    capsys.readouterr()

    assert stack_init(["--check", str(images)]) == 0
    assert capsys.readouterr().out == f"{images}: in sync with its Dockerfiles (3 images)\n"

    declaration.write_text(declaration.read_text().replace('"gpu"', '"gpu13"'))
    assert stack_init(["--check", str(images)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{declaration}: variants = ['cuda12'] (in folders ['gpu13']), but its folder has "
        "Dockerfiles for ['gpu']"
    ]


def test_an_image_folder_is_refused_for_its_parent(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(images.rglob("*"))

    assert stack_init([str(images / "base-notebook")]) == 2

    assert sorted(images.rglob("*")) == before
    assert capsys.readouterr().err.splitlines() == [
        f"stack-init: error: {images}/base-notebook is an image folder (it has a Dockerfile): "
        f"pass the folder that holds the image folders, its parent ({images})"
    ]


def test_a_linked_image_folder_is_one_line_and_nothing_is_written_through_it(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = images.parent / "elsewhere"
    (images / "minimal-notebook").rename(elsewhere)
    (images / "minimal-notebook").symlink_to(elsewhere, target_is_directory=True)
    before = sorted(images.parent.rglob("*"))

    assert stack_init([str(images)]) == 1

    assert sorted(images.parent.rglob("*")) == before
    assert capsys.readouterr().err.splitlines() == [
        f"stack-init: {images}/minimal-notebook: an image folder must be a real folder, not a "
        "link: copy it, or give the image its own folder"
    ]


def test_a_dangling_dockerfile_link_is_one_line_naming_it(
    images: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = images / "base-notebook/cuda/Dockerfile"
    dockerfile.unlink()
    dockerfile.symlink_to(images / "nowhere")
    before = sorted(images.rglob("*"))

    assert stack_init(["--check", str(images)]) == 1
    assert stack_init([str(images)]) == 1

    assert sorted(images.rglob("*")) == before
    assert capsys.readouterr().err.splitlines() == 2 * [
        f"stack-init: {dockerfile}: a link to {images}/nowhere, which does not exist: point it "
        "at the Dockerfile, or put the Dockerfile there"
    ]


def test_a_dockerfile_linked_to_a_file_in_its_folder_is_read(images: Path) -> None:
    folder = images / "minimal-notebook"
    (folder / "Dockerfile").rename(folder / "Dockerfile.main")
    (folder / "Dockerfile").symlink_to("Dockerfile.main")

    assert stack_init([str(images)]) == 0
    assert declared(images, "minimal-notebook")["parent"] == "base-notebook"
