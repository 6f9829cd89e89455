"""Pushing applied tags to a real registry on 127.0.0.1, bound to the inspected image id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import docker
import pytest
from docker.models.images import Image, ImageCollection

from inspections.publishing.errors import PublishError
from inspections.publishing.push_tags_command import push_tags_main
from inspections.publishing.pushing import PushedTag, push_tags
from inspections.publishing.run_folders import tags_file_arguments
from inspections.publishing.tagging import apply_tags
from tests.publishing.conftest import RegistryBuild
from tests.publishing.registry import registry_manifest, registry_tags
from tests.publishing.runs import COMMIT, WHEN, Build, tags_file, tags_of, write_run
from tests.publishing.scripts import run_with_closed_stdout

pytestmark = pytest.mark.docker


def _applied(client: docker.DockerClient, folder: Path, builds: list[Build]) -> list[Path]:
    """Write a run of `builds` and apply every tag to its image: the tags files."""
    write_run(folder, WHEN, COMMIT, builds)
    for build in builds:
        apply_tags(client, build.image_id, tags_of(build, WHEN, COMMIT))
    return [tags_file(folder, build) for build in builds]


def test_push_tags_pushes_every_reference_as_the_inspected_image(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
) -> None:
    build = registry_build("base-notebook")
    [path] = _applied(docker_client, tmp_path, [build])
    pushed: list[PushedTag] = []
    push_tags(docker_client, tags_file_arguments([path]), lambda _, tag: pushed.append(tag))
    references = tags_of(build, WHEN, COMMIT)
    assert [str(p.reference) for p in pushed] == references
    repository = f"{owner}/base-notebook"
    assert registry_tags(registry, repository) == {r.rsplit(":", 1)[1] for r in references}
    for tag in pushed:
        served = registry_manifest(registry, repository, tag.reference.tag)
        assert served is not None
        assert served.digest == tag.digest
        assert served.document["config"]["digest"] == tiny_images["x86_64"]


def test_nothing_is_pushed_when_a_tag_is_not_applied(
    docker_client: docker.DockerClient,
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
) -> None:
    build = registry_build("base-notebook")
    write_run(tmp_path, WHEN, COMMIT, [build])
    references = tags_of(build, WHEN, COMMIT)
    apply_tags(docker_client, build.image_id, references[:-1])
    [found] = tags_file_arguments([tags_file(tmp_path, build)])
    with pytest.raises(PublishError) as raised:
        push_tags(docker_client, [found], lambda _, __: None)
    assert str(raised.value) == (
        f"nothing pushed: {references[-1]} is not tagged locally: run stack-apply-tags with "
        "these tags files, then push again"
    )
    assert registry_tags(registry, f"{owner}/base-notebook") == set()


def test_a_tag_moved_to_another_image_after_applying_pushes_nothing(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    builds = [registry_build("one"), registry_build("two")]
    paths = _applied(docker_client, tmp_path, builds)
    moved = tags_of(builds[1], WHEN, COMMIT)[1]
    apply_tags(docker_client, tiny_images["aarch64"], [moved])  # e.g. a rebuild, tagged by hand
    report = tmp_path / "pushed.json"
    assert push_tags_main([*map(str, paths), "--json", str(report)]) == 1
    captured = capsys.readouterr()
    short = {platform: image_id[7:19] for platform, image_id in tiny_images.items()}
    assert captured.err == (
        f"stack-push-tags: error: nothing pushed: {moved} is image {short['aarch64']}, not "
        f"{short['x86_64']} that the run inspected: run stack-apply-tags with these tags "
        "files, then push again\n"
    )
    assert captured.out == ""
    assert (
        registry_tags(registry, f"{owner}/one") == registry_tags(registry, f"{owner}/two") == set()
    )
    assert json.loads(report.read_text()) == {
        "command": "stack-push-tags",
        "version": 1,
        "complete": False,
        "images": [],
    }


def test_command_reports_real_digests_as_json(
    docker_client: docker.DockerClient,
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    builds = [registry_build("one"), registry_build("two", "aarch64")]
    paths = _applied(docker_client, tmp_path, builds)
    report = tmp_path / "pushed.json"
    assert push_tags_main([*map(str, paths), "--json", str(report)]) == 0
    document = json.loads(report.read_text())
    assert (document["command"], document["version"], document["complete"]) == (
        "stack-push-tags",
        1,
        True,
    )
    lines = []
    for build, path, entry in zip(builds, paths, document["images"], strict=True):
        repository = f"{registry}/{owner}/{build.image}"
        served = registry_manifest(registry, f"{owner}/{build.image}", f"{build.platform}-latest")
        assert served is not None
        assert served.document["config"]["digest"] == build.image_id
        assert entry == {
            "image": build.image,
            "variant": "default",
            "platform": build.platform,
            "image_id": build.image_id,
            "tags_file": str(path),
            "repository": repository,
            "tags": tags_of(build, WHEN, COMMIT),
            "digest": served.digest,
            "reference": f"{repository}@{served.digest}",
        }
        for reference in entry["tags"]:
            tagged = registry_manifest(registry, f"{owner}/{build.image}", reference.split(":")[-1])
            assert tagged is not None
            assert tagged.digest == served.digest
            lines.append(f"pushed {reference} {served.digest}")
    assert capsys.readouterr().out.splitlines() == lines


def test_command_fails_when_the_registry_does_not_answer(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build = Build(
        "base-notebook", registry="127.0.0.1:9", owner=owner, image_id=tiny_images["x86_64"]
    )
    [path] = _applied(docker_client, tmp_path, [build])
    report = tmp_path / "pushed.json"
    assert push_tags_main([str(path), "--json", str(report)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"stack-push-tags: error: pushing 127.0.0.1:9/{owner}/base-notebook")
    assert "docker login 127.0.0.1:9" in error
    assert error.count("\n") == 1
    assert json.loads(report.read_text())["complete"] is False


def test_a_closed_stdout_stops_the_printing_not_the_pushing(
    docker_client: docker.DockerClient,
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
) -> None:
    build = registry_build("base-notebook")
    [path] = _applied(docker_client, tmp_path, [build])
    report = tmp_path / "pushed.json"
    completed = run_with_closed_stdout("push_tags_main", [str(path), "--json", str(report)])
    assert (completed.returncode, completed.stderr) == (0, "")
    references = tags_of(build, WHEN, COMMIT)
    assert registry_tags(registry, f"{owner}/base-notebook") == {
        reference.rsplit(":", 1)[1] for reference in references
    }
    assert json.loads(report.read_text())["images"][0]["tags"] == references


@dataclass
class _MovingImages:
    """The engine's images, except that a push first moves its tag to `other` (a race, forced)."""

    images: ImageCollection
    other: str

    def get(self, name: str) -> Image:
        return self.images.get(name)

    def push(self, repository: str, tag: str, **options: Any) -> Any:
        self.images.get(self.other).tag(repository, tag)
        return self.images.push(repository, tag=tag, **options)


@dataclass
class _Client:
    images: _MovingImages


def test_a_tag_moved_during_the_push_is_reported(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
) -> None:
    build = registry_build("base-notebook")
    [path] = _applied(docker_client, tmp_path, [build])
    client = _Client(_MovingImages(docker_client.images, tiny_images["aarch64"]))
    pushed: list[PushedTag] = []
    with pytest.raises(PublishError) as raised:
        push_tags(
            cast(docker.DockerClient, client),
            tags_file_arguments([path]),
            lambda _, tag: pushed.append(tag),
        )
    served = registry_manifest(registry, f"{owner}/base-notebook", "x86_64-latest")
    assert served is not None
    assert served.document["config"]["digest"] == tiny_images["aarch64"]
    assert str(raised.value) == (
        f"{registry}/{owner}/base-notebook:x86_64-latest was pushed as {served.digest}, which is "
        f"not image {tiny_images['x86_64'][7:19]} that the run inspected (the tag was moved "
        "during the push): run stack-apply-tags and stack-push-tags again"
    )
    assert pushed == []
