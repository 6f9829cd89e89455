"""Merging an x86_64 and an arm64 image into multi-platform tags on a real registry."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import docker
import pytest

from inspections.publishing.merge_tags_command import merge_tags_main
from inspections.publishing.pushing import PushedTag, push_tags
from inspections.publishing.run_folders import tags_file_arguments
from inspections.publishing.tagging import apply_tags
from tests.publishing.conftest import ImageBuilder, RegistryBuild
from tests.publishing.registry import registry_manifest, registry_tags
from tests.publishing.runs import COMMIT, WHEN, Build, tags_file, tags_of, write_run
from tests.publishing.scripts import run_with_closed_stdout

ARCHITECTURE = {"x86_64": "amd64", "aarch64": "arm64"}
TAGS = ("latest", "python-3.11.2", "lab-4.6.6")


def _run(
    client: docker.DockerClient, folder: Path, build: Build, pushed: int = -1
) -> tuple[Path, dict[str, str]]:
    """Write the run of `build`, apply its tags to its image and push the first `pushed` ones.

    Returns the run folder and the digest of every pushed reference.
    """
    write_run(folder, WHEN, COMMIT, [build])
    references = tags_of(build, WHEN, COMMIT)
    apply_tags(client, build.image_id, references)
    [found] = tags_file_arguments([tags_file(folder, build)])
    if pushed >= 0:
        found = dataclasses.replace(found, references=found.references[:pushed])
    digests: dict[str, str] = {}

    def note(_: object, tag: PushedTag) -> None:
        digests[str(tag.reference)] = tag.digest

    push_tags(client, [found], note)
    return folder, digests


def _platforms(registry: str, path: str, tag: str) -> dict[str, str]:
    """Architecture -> digest of the multi-platform tag `path:tag`; empty when it is absent."""
    served = registry_manifest(registry, path, tag)
    if served is None:
        return {}
    assert "manifest.list" in served.document["mediaType"], served.document
    return {
        entry["platform"]["architecture"]: entry["digest"] for entry in served.document["manifests"]
    }


@pytest.fixture
def two_platforms(
    docker_client: docker.DockerClient, registry_build: RegistryBuild, tmp_path: Path
) -> tuple[list[Path], dict[str, str]]:
    """Both platforms of base-notebook pushed: the run folders, and digest by reference."""
    folders, digests = [], {}
    for platform in ("x86_64", "aarch64"):
        build = registry_build("base-notebook", platform)
        folder, pushed = _run(docker_client, tmp_path / platform, build)
        folders.append(folder)
        digests.update(pushed)
    return folders, digests


@pytest.mark.docker
def test_push_creates_one_multi_platform_tag_per_tag(
    two_platforms: tuple[list[Path], dict[str, str]],
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    manifest_store: Path,
) -> None:
    folders, digests = two_platforms
    report = tmp_path / "merged.json"
    arguments = ["--insecure", "--push", "--image", "base-notebook", "--json", str(report)]
    assert merge_tags_main([*arguments, *map(str, folders)]) == 0
    path = f"{owner}/base-notebook"
    repository = f"{registry}/{path}"
    for tag in TAGS:
        assert _platforms(registry, path, tag) == {
            ARCHITECTURE[platform]: digests[f"{repository}:{platform}-{tag}"]
            for platform in ("x86_64", "aarch64")
        }
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["pushed", f"{repository}:{t}"] for t in TAGS]
    assert not [entry for entry in manifest_store.glob("*") if owner in entry.name]

    document = json.loads(report.read_text())
    assert {key: document[key] for key in ("command", "version", "complete", "push")} == {
        "command": "stack-merge-tags",
        "version": 1,
        "complete": True,
        "push": True,
    }
    expected = []
    for tag in TAGS:
        served = registry_manifest(registry, path, tag)
        assert served is not None
        platforms = []
        for platform in ("aarch64", "x86_64"):
            digest = digests[f"{repository}:{platform}-{tag}"]
            platforms.append(
                {
                    "platform": platform,
                    "tag": f"{repository}:{platform}-{tag}",
                    "image_id": tiny_images[platform],
                    "digest": digest,
                    "reference": f"{repository}@{digest}",
                }
            )
        expected.append(
            {
                "tag": f"{repository}:{tag}",
                "status": "pushed",
                "digest": served.digest,
                "reference": f"{repository}@{served.digest}",
                "platforms": platforms,
            }
        )
    assert document["merged"] == expected
    assert [line.split()[-1] for line in lines] == [entry["digest"] for entry in expected]


@pytest.mark.docker
def test_dry_run_pushes_nothing(
    two_platforms: tuple[list[Path], dict[str, str]],
    owner: str,
    registry: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folders, _ = two_platforms
    assert merge_tags_main(["--insecure", *map(str, folders)]) == 0
    out = capsys.readouterr().out
    prefix = f"{registry}/{owner}/base-notebook"
    assert f"ready  {prefix}:latest <- {prefix}:aarch64-latest, {prefix}:x86_64-latest\n" in out
    assert out.endswith(
        "dry run: 3 merged tags ready, the registry not asked; pass --push to check their "
        "platforms there and push them\n"
    )
    assert registry_tags(registry, f"{owner}/base-notebook") == {
        f"{platform}-{tag}" for platform in ("x86_64", "aarch64") for tag in TAGS
    }


def test_a_dry_run_needs_no_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing was pushed, and the registry (127.0.0.1:9, the discard port) answers nothing."""
    folders = []
    for platform in ("x86_64", "aarch64"):
        build = Build("base-notebook", platform=platform, registry="127.0.0.1:9", tags=TAGS[1:])
        folders.append(write_run(tmp_path / platform, WHEN, COMMIT, [build]))
    report = tmp_path / "merged.json"

    status = merge_tags_main([*map(str, folders), "--json", str(report)])

    captured = capsys.readouterr()
    prefix = "127.0.0.1:9/demo/base-notebook"
    assert status == 0, captured.err
    assert captured.err == ""
    assert captured.out.splitlines()[0] == (
        f"ready  {prefix}:latest <- {prefix}:aarch64-latest, {prefix}:x86_64-latest"
    )
    assert captured.out.endswith("pass --push to check their platforms there and push them\n")
    assert [entry["status"] for entry in json.loads(report.read_text())["merged"]] == ["ready"] * 3


@pytest.mark.docker
def test_a_platform_missing_from_the_registry_pushes_nothing_for_its_tag(
    docker_client: docker.DockerClient,
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    x86 = registry_build("base-notebook", "x86_64")
    arm = registry_build("base-notebook", "aarch64")
    x86_run, _ = _run(docker_client, tmp_path / "x86", x86)
    arm_run, _ = _run(docker_client, tmp_path / "arm", arm, pushed=2)
    report = tmp_path / "merged.json"
    arguments = ["--insecure", "--push", "--json", str(report), str(x86_run), str(arm_run)]
    assert merge_tags_main(arguments) == 1
    path = f"{owner}/base-notebook"
    assert set(_platforms(registry, path, "python-3.11.2")) == {"amd64", "arm64"}
    assert _platforms(registry, path, "lab-4.6.6") == {}
    assert registry_manifest(registry, path, "lab-4.6.6") is None
    problem = f"{registry}/{path}:aarch64-lab-4.6.6 is not in the registry: push it first"
    assert capsys.readouterr().err.splitlines() == [
        f"failed {registry}/{path}:lab-4.6.6: {problem}",
        "stack-merge-tags: error: 1 of 3 merged tags not pushed: fix what the 'failed' lines "
        "say (push missing platforms with stack-push-tags), then run again",
    ]
    document = json.loads(report.read_text())
    assert document["complete"] is False
    assert [entry["status"] for entry in document["merged"]] == ["pushed", "pushed", "failed"]
    assert document["merged"][2]["problem"] == problem
    assert "digest" not in document["merged"][2]


@pytest.mark.docker
def test_another_image_under_a_platform_tag_is_refused(
    two_platforms: tuple[list[Path], dict[str, str]],
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    build_image: ImageBuilder,
    owner: str,
    registry: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (x86_run, arm_run), _ = two_platforms
    # Someone pushes another x86_64 image under one of the platform tags.
    repository = f"{registry}/{owner}/base-notebook"
    other = build_image(f"{repository}:x86_64-lab-4.6.6")
    list(docker_client.images.push(repository, tag="x86_64-lab-4.6.6", stream=True, decode=True))
    assert merge_tags_main(["--insecure", "--push", str(x86_run), str(arm_run)]) == 1
    path = f"{owner}/base-notebook"
    assert set(_platforms(registry, path, "python-3.11.2")) == {"amd64", "arm64"}
    assert registry_manifest(registry, path, "lab-4.6.6") is None
    error = capsys.readouterr().err.splitlines()
    assert error[0] == (
        f"failed {repository}:lab-4.6.6: {repository}:x86_64-lab-4.6.6 in the registry is image "
        f"{other[7:19]}, not {tiny_images['x86_64'][7:19]} that the run inspected: push it with "
        "stack-push-tags"
    )
    assert "1 of 3 merged tags not pushed" in error[1]


@pytest.mark.docker
def test_an_image_of_the_wrong_platform_is_refused(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    registry_build: RegistryBuild,
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    arm = registry_build("base-notebook", "aarch64")
    x86_run, _ = _run(docker_client, tmp_path / "x86", registry_build("base-notebook", "x86_64"))
    write_run(tmp_path / "arm", WHEN, COMMIT, [arm])
    # The x86_64 image pushed under the aarch64 tags, with docker itself.
    repository = f"{registry}/{owner}/base-notebook"
    for reference in tags_of(arm, WHEN, COMMIT):
        apply_tags(docker_client, tiny_images["x86_64"], [reference])
        tag = reference.rsplit(":", 1)[1]
        list(docker_client.images.push(repository, tag=tag, stream=True, decode=True))
    assert merge_tags_main(["--insecure", "--push", str(x86_run), str(tmp_path / "arm")]) == 1
    assert registry_tags(registry, f"{owner}/base-notebook") == {
        f"{platform}-{tag}" for platform in ("x86_64", "aarch64") for tag in TAGS
    }
    error = capsys.readouterr().err
    assert f"{owner}/base-notebook:aarch64-latest is a x86_64 image, not aarch64" in error
    assert "3 of 3 merged tags not pushed" in error


@pytest.mark.docker
def test_a_variant_keeps_its_prefix(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
) -> None:
    folders = []
    for platform in ("x86_64", "aarch64"):
        build = Build(
            "pytorch-notebook",
            platform,
            "cuda12",
            ("python-3.11.2",),
            registry,
            owner,
            image_id=tiny_images[platform],
        )
        folders.append(_run(docker_client, tmp_path / platform, build)[0])
    # The same folders also hold a default-variant image, which --variant leaves alone.
    write_run(folders[0], WHEN, COMMIT, [Build("other", registry=registry, owner=owner)])
    arguments = ["--insecure", "--push", "--variant", "cuda12", *map(str, folders)]
    assert merge_tags_main(arguments) == 0
    path = f"{owner}/pytorch-notebook"
    assert registry_tags(registry, path) >= {"cuda12-latest", "cuda12-python-3.11.2"}
    assert set(_platforms(registry, path, "cuda12-python-3.11.2")) == {"amd64", "arm64"}
    assert registry_tags(registry, f"{owner}/other") == set()


@pytest.mark.docker
def test_an_image_whose_platform_failed_is_not_merged(
    two_platforms: tuple[list[Path], dict[str, str]],
    owner: str,
    registry: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (x86_run, arm_run), _ = two_platforms
    failed = Build("base-notebook", "aarch64", registry=registry, owner=owner, outcome="failed")
    write_run(arm_run, WHEN, COMMIT, [failed])  # the next aarch64 run failed
    # Merged from x86_64 alone, `latest` would lose its aarch64 image: nothing is merged.
    assert merge_tags_main(["--insecure", str(x86_run), str(arm_run)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"skipped base-notebook (aarch64, default) in {arm_run}: inspections.json says its "
        "outcome is failed; only passed images are published",
        "failed base-notebook (default): a platform's run of it did not pass; merge it once "
        "every platform passed",
        "stack-merge-tags: error: 1 image not merged: fix what the "
        "'failed' lines say (push missing platforms with stack-push-tags), then run again",
    ]
    assert "ready" not in captured.out


@pytest.mark.docker
def test_without_insecure_a_plain_http_registry_gets_a_hint(
    two_platforms: tuple[list[Path], dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    folders, _ = two_platforms
    assert merge_tags_main(["--push", *map(str, folders)]) == 1
    assert "(for a plain-HTTP registry pass --insecure)" in capsys.readouterr().err


@pytest.mark.docker
def test_a_closed_stdout_stops_the_printing_not_the_merging(
    two_platforms: tuple[list[Path], dict[str, str]], owner: str, registry: str, tmp_path: Path
) -> None:
    folders, _ = two_platforms
    report = tmp_path / "merged.json"
    arguments = ["--insecure", "--push", "--json", str(report), *map(str, folders)]
    completed = run_with_closed_stdout("merge_tags_main", arguments)
    assert (completed.returncode, completed.stderr) == (0, "")
    for tag in TAGS:
        assert set(_platforms(registry, f"{owner}/base-notebook", tag)) == {"amd64", "arm64"}
    assert [entry["status"] for entry in json.loads(report.read_text())["merged"]] == [
        "pushed"
    ] * len(TAGS)


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert merge_tags_main([str(tmp_path)]) == 2
    assert "inspections.json not found: the folder holds no complete run" in (
        capsys.readouterr().err
    )
    run = write_run(tmp_path / "run", WHEN, COMMIT, [Build("base-notebook")])
    assert merge_tags_main(["--image", "nobody", str(run)]) == 2
    assert capsys.readouterr().err == (
        "stack-merge-tags: error: no passed images match --image/--variant in the run folders "
        "(found: base-notebook (default))\n"
    )
    assert merge_tags_main([str(run), str(run)]) == 2
    assert "both hold the x86_64 tags of base-notebook" in capsys.readouterr().err
