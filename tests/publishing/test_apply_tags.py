"""Applying the tags of a tags file to a real local image, from the API and the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import docker
import docker.errors
import pytest

from inspections.publishing import PublishError, PublishUsageError, apply_tags
from inspections.publishing.cli import apply_tags_main
from tests.publishing.runs import Build, tags_of, write_run

WHEN = datetime(2026, 11, 27, 11, 38, 14, tzinfo=UTC)
COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"


def _image_of(client: docker.DockerClient, reference: str) -> str | None:
    try:
        return str(client.images.get(reference).id)
    except docker.errors.ImageNotFound:
        return None


def test_apply_tags_tags_every_reference(
    docker_client: docker.DockerClient, tiny_images: dict[str, str], owner: str
) -> None:
    references = tags_of(Build("base-notebook", owner=owner), WHEN, COMMIT)
    assert apply_tags(docker_client, tiny_images["x86_64"], references) == references
    assert [_image_of(docker_client, r) for r in references] == [tiny_images["x86_64"]] * 3


def test_a_bad_reference_tags_nothing(
    docker_client: docker.DockerClient, tiny_images: dict[str, str], owner: str
) -> None:
    good = f"localhost/{owner}/base-notebook:x86_64-latest"
    with pytest.raises(PublishUsageError, match="invalid tag"):
        apply_tags(docker_client, tiny_images["x86_64"], [good, f"localhost/{owner}/b:.bad"])
    assert _image_of(docker_client, good) is None


def test_a_missing_image_tags_nothing(docker_client: docker.DockerClient, owner: str) -> None:
    reference = f"localhost/{owner}/base-notebook:x86_64-latest"
    with pytest.raises(PublishError, match="not found in the local engine"):
        apply_tags(docker_client, f"localhost/{owner}/base-notebook:latest", [reference])
    assert _image_of(docker_client, reference) is None


@pytest.mark.parametrize(
    ("build", "source_tag"),
    [
        (Build("base-notebook"), "latest"),
        (Build("pytorch-notebook", "aarch64", "cuda12"), "cuda12-latest"),
    ],
)
def test_command_tags_the_image_pytest_inspected(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Build,
    source_tag: str,
) -> None:
    build = Build(build.image, build.platform, build.variant, owner=owner)
    image_id = tiny_images[build.platform]
    docker_client.images.get(image_id).tag(f"localhost/{owner}/{build.image}", source_tag)
    write_run(tmp_path, WHEN, COMMIT, [build])
    tags_file = tmp_path / "tags" / f"{build.platform}-{build.variant}-{build.image}.txt"
    assert apply_tags_main([str(tags_file)]) == 0
    references = tags_of(build, WHEN, COMMIT)
    assert [_image_of(docker_client, r) for r in references] == [image_id] * len(references)
    source = f"localhost/{owner}/{build.image}:{source_tag}"
    assert capsys.readouterr().out.splitlines() == [f"tagged {r} <- {source}" for r in references]


def test_command_with_source(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("base-notebook", owner=owner)])
    tags_file = tmp_path / "tags" / "x86_64-default-base-notebook.txt"
    assert apply_tags_main([str(tags_file), "--source", tiny_images["x86_64"]]) == 0
    tagged = _image_of(docker_client, f"localhost/{owner}/base-notebook:x86_64-python-3.11.2")
    assert tagged == tiny_images["x86_64"]


def test_command_refuses_an_image_of_another_platform(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("base-notebook", "aarch64", owner=owner)])
    tags_file = tmp_path / "tags" / "aarch64-default-base-notebook.txt"
    assert apply_tags_main([str(tags_file), "--source", tiny_images["x86_64"]]) == 1
    error = capsys.readouterr().err
    assert f"is a x86_64 image but {tags_file} holds aarch64 tags" in error
    assert _image_of(docker_client, f"localhost/{owner}/base-notebook:aarch64-latest") is None


def test_command_without_the_inspected_image_fails(
    tmp_path: Path, owner: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_run(tmp_path, WHEN, COMMIT, [Build("base-notebook", owner=owner)])
    tags_file = tmp_path / "tags" / "x86_64-default-base-notebook.txt"
    assert apply_tags_main([str(tags_file)]) == 1
    assert capsys.readouterr().err == (
        f"stack-apply-tags: error: image localhost/{owner}/base-notebook:latest not found in "
        "the local engine: build it, or pass the right one\n"
    )


def test_command_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "x86_64-default-img.txt"
    assert apply_tags_main([str(missing)]) == 2
    assert f"cannot read {missing} (No such file or directory)" in capsys.readouterr().err
    write_run(tmp_path, WHEN, COMMIT, [Build("a"), Build("b")])
    files = [str(path) for path in sorted((tmp_path / "tags").glob("*.txt"))]
    assert apply_tags_main([*files, "--source", "localhost/demo/a:latest"]) == 2
    assert "--source names the image of one tags file" in capsys.readouterr().err
