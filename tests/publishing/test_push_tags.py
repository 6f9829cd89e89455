"""Pushing applied tags to a real registry on 127.0.0.1."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import docker
import pytest

from inspections.publishing import PublishError, apply_tags, push_tags
from inspections.publishing.cli import push_tags_main
from tests.publishing.registry import registry_manifest, registry_tags
from tests.publishing.runs import Build, tags_of, write_run

WHEN = datetime(2026, 11, 27, 11, 38, 14, tzinfo=UTC)
COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"


def test_push_tags_pushes_every_reference(
    docker_client: docker.DockerClient, tiny_images: dict[str, str], owner: str, registry: str
) -> None:
    references = tags_of(Build("base-notebook", registry=registry, owner=owner), WHEN, COMMIT)
    apply_tags(docker_client, tiny_images["x86_64"], references)
    pushed = push_tags(docker_client, references)
    assert [p.reference for p in pushed] == references
    path = f"{owner}/base-notebook"
    assert registry_tags(registry, path) == {r.rsplit(":", 1)[1] for r in references}
    for tag in pushed:
        served = registry_manifest(registry, path, tag.reference.rsplit(":", 1)[1])
        assert served is not None
        assert served.digest == tag.digest


def test_nothing_is_pushed_when_a_tag_is_not_applied(
    docker_client: docker.DockerClient, tiny_images: dict[str, str], owner: str, registry: str
) -> None:
    references = tags_of(Build("base-notebook", registry=registry, owner=owner), WHEN, COMMIT)
    apply_tags(docker_client, tiny_images["x86_64"], references[:-1])
    with pytest.raises(PublishError, match=re.escape(f"not tagged locally: {references[-1]}: run")):
        push_tags(docker_client, references)
    assert registry_tags(registry, f"{owner}/base-notebook") == set()


def test_command_pushes_the_tags_files(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    builds = [Build(image, registry=registry, owner=owner) for image in ("one", "two")]
    write_run(tmp_path, WHEN, COMMIT, builds)
    tags_files = [str(tmp_path / "tags" / f"x86_64-default-{b.image}.txt") for b in builds]
    for build in builds:
        apply_tags(docker_client, tiny_images["x86_64"], tags_of(build, WHEN, COMMIT))
    assert push_tags_main(tags_files) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == [
        *tags_of(builds[0], WHEN, COMMIT),
        *tags_of(builds[1], WHEN, COMMIT),
    ]
    assert registry_tags(registry, f"{owner}/two") == {
        "x86_64-latest",
        "x86_64-python-3.11.2",
        "x86_64-lab-4.6.6",
    }


def test_command_fails_when_the_registry_does_not_answer(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build = Build("base-notebook", registry="127.0.0.1:9", owner=owner)
    write_run(tmp_path, WHEN, COMMIT, [build])
    apply_tags(docker_client, tiny_images["x86_64"], tags_of(build, WHEN, COMMIT))
    assert push_tags_main([str(tmp_path / "tags" / "x86_64-default-base-notebook.txt")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"stack-push-tags: error: pushing 127.0.0.1:9/{owner}/base-notebook")
    assert "docker login 127.0.0.1:9" in error
    assert error.count("\n") == 1
