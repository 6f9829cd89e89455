"""Applying the tags of a tags file to the image id its run inspected, on a real engine."""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest

from inspections.publishing.apply_tags_command import apply_tags_main
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.tagging import apply_tags, local_id
from tests.publishing.conftest import ImageBuilder
from tests.publishing.runs import COMMIT, WHEN, Build, tags_file, tags_of, write_run


@pytest.mark.docker
def test_apply_tags_tags_every_reference(
    docker_client: docker.DockerClient, tiny_images: dict[str, str], owner: str
) -> None:
    references = tags_of(Build("base-notebook", owner=owner), WHEN, COMMIT)
    assert apply_tags(docker_client, tiny_images["x86_64"], references) == references
    assert [local_id(docker_client, r) for r in references] == [tiny_images["x86_64"]] * 3


@pytest.mark.docker
def test_a_bad_reference_tags_nothing(
    docker_client: docker.DockerClient, tiny_images: dict[str, str], owner: str
) -> None:
    good = f"localhost/{owner}/base-notebook:x86_64-latest"
    with pytest.raises(PublishUsageError, match="invalid tag"):
        apply_tags(docker_client, tiny_images["x86_64"], [good, f"localhost/{owner}/b:.bad"])
    assert local_id(docker_client, good) is None


@pytest.mark.docker
def test_a_missing_image_tags_nothing(docker_client: docker.DockerClient, owner: str) -> None:
    reference = f"localhost/{owner}/base-notebook:x86_64-latest"
    with pytest.raises(PublishError, match="not found in the local engine"):
        apply_tags(docker_client, f"localhost/{owner}/base-notebook:latest", [reference])
    assert local_id(docker_client, reference) is None


@pytest.mark.docker
@pytest.mark.parametrize(
    "build", [Build("base-notebook"), Build("pytorch-notebook", "aarch64", "cuda12")]
)
def test_command_tags_the_recorded_image_id(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Build,
) -> None:
    image_id = tiny_images[build.platform]
    build = Build(build.image, build.platform, build.variant, owner=owner, image_id=image_id)
    write_run(tmp_path, WHEN, COMMIT, [build])
    report = tmp_path / "applied.json"
    assert apply_tags_main([str(tags_file(tmp_path, build)), "--json", str(report)]) == 0
    references = tags_of(build, WHEN, COMMIT)
    assert [local_id(docker_client, r) for r in references] == [image_id] * len(references)
    assert capsys.readouterr().out.splitlines() == [f"tagged {r} <- {image_id}" for r in references]
    assert json.loads(report.read_text()) == {
        "command": "stack-apply-tags",
        "version": 1,
        "complete": True,
        "images": [
            {
                "image": build.image,
                "variant": build.variant,
                "platform": build.platform,
                "image_id": image_id,
                "tags_file": str(tags_file(tmp_path, build)),
                "repository": f"localhost/{owner}/{build.image}",
                "tags": references,
            }
        ],
    }


@pytest.mark.docker
def test_a_rebuild_of_latest_after_the_run_is_not_tagged(
    docker_client: docker.DockerClient,
    build_image: ImageBuilder,
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    latest = f"localhost/{owner}/base-notebook:latest"
    inspected = build_image(latest)
    build = Build("base-notebook", owner=owner, image_id=inspected)
    write_run(tmp_path, WHEN, COMMIT, [build])
    rebuilt = build_image(latest)  # `latest` now names another image, e.g. with Python 2.7
    assert local_id(docker_client, latest) == rebuilt != inspected
    assert apply_tags_main([str(tags_file(tmp_path, build))]) == 0
    references = tags_of(build, WHEN, COMMIT)
    assert [local_id(docker_client, r) for r in references] == [inspected] * len(references)
    capsys.readouterr()

    docker_client.images.remove(inspected, force=True)  # and now the inspected image is gone
    assert apply_tags_main([str(tags_file(tmp_path, build))]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"stack-apply-tags: error: image {inspected.removeprefix('sha256:')[:12]}, which the run "
        f"inspected for {tags_file(tmp_path, build)}, is no longer in the local engine (removed, "
        "or its tag rebuilt and the old image pruned): build the image and run pytest "
        "--emit-manifests again\n"
    )
    assert [local_id(docker_client, r) for r in references] == [None] * len(references)


@pytest.mark.docker
def test_nothing_is_tagged_unless_every_image_is_there(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    present = Build("one", owner=owner, image_id=tiny_images["x86_64"])
    gone = Build("two", owner=owner, image_id="sha256:" + "e" * 64)
    write_run(tmp_path, WHEN, COMMIT, [present, gone])
    report = tmp_path / "applied.json"
    arguments = [str(tags_file(tmp_path, present)), str(tags_file(tmp_path, gone))]
    assert apply_tags_main([*arguments, "--json", str(report)]) == 1
    assert "image eeeeeeeeeeee, which the run inspected" in capsys.readouterr().err
    assert local_id(docker_client, tags_of(present, WHEN, COMMIT)[0]) is None
    assert json.loads(report.read_text())["complete"] is False
    assert json.loads(report.read_text())["images"] == []


@pytest.mark.docker
def test_command_refuses_an_image_of_another_platform(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build = Build("base-notebook", "aarch64", owner=owner, image_id=tiny_images["x86_64"])
    write_run(tmp_path, WHEN, COMMIT, [build])
    path = tags_file(tmp_path, build)
    assert apply_tags_main([str(path)]) == 1
    error = capsys.readouterr().err
    assert f"is a x86_64 image but {path} holds aarch64 tags" in error
    assert local_id(docker_client, f"localhost/{owner}/base-notebook:aarch64-latest") is None


def test_command_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "tags" / "x86_64-default-img.txt"
    assert apply_tags_main([str(missing)]) == 2
    assert "inspections.json not found" in capsys.readouterr().err
    run = write_run(tmp_path, WHEN, COMMIT, [Build("a")])
    with pytest.raises(SystemExit) as exited:
        apply_tags_main([str(tags_file(run, Build("a"))), "--source", "localhost/demo/a:latest"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --source" in capsys.readouterr().err
    assert apply_tags_main([str(tags_file(run, Build("a"))), "--json", str(tmp_path)]) == 2
    assert f"--json {tmp_path} is a folder: pass a file name" in capsys.readouterr().err
