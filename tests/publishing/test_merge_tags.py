"""Merging an x86_64 and an arm64 image into multi-platform tags on a real registry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import docker
import pytest

from inspections.publishing import apply_tags, push_tags
from inspections.publishing.cli import merge_tags_main
from tests.publishing.registry import registry_manifest, registry_tags
from tests.publishing.runs import Build, tags_of, write_run

WHEN = datetime(2026, 11, 27, 11, 38, 14, tzinfo=UTC)
COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"
ARCHITECTURE = {"x86_64": "amd64", "aarch64": "arm64"}


def _run(
    client: docker.DockerClient, image_id: str, folder: Path, build: Build, pushed: int = -1
) -> tuple[Path, dict[str, str]]:
    """Write the run of `build`, apply its tags to `image_id` and push the first `pushed` ones.

    Returns the run folder and the digest of every pushed reference.
    """
    write_run(folder, WHEN, COMMIT, [build])
    references = tags_of(build, WHEN, COMMIT)
    apply_tags(client, image_id, references)
    chosen = references if pushed < 0 else references[:pushed]
    return folder, {p.reference: p.digest for p in push_tags(client, chosen)}


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
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
) -> tuple[list[Path], dict[str, str]]:
    """Both platforms of base-notebook pushed: the run folders, and digest by reference."""
    folders, digests = [], {}
    for platform in ("x86_64", "aarch64"):
        build = Build("base-notebook", platform, registry=registry, owner=owner)
        folder, pushed = _run(docker_client, tiny_images[platform], tmp_path / platform, build)
        folders.append(folder)
        digests.update(pushed)
    return folders, digests


def test_push_creates_one_multi_platform_tag_per_tag(
    two_platforms: tuple[list[Path], dict[str, str]],
    owner: str,
    registry: str,
    capsys: pytest.CaptureFixture[str],
    manifest_store: Path,
) -> None:
    folders, digests = two_platforms
    arguments = ["--insecure", "--push", "--image", "base-notebook", *map(str, folders)]
    assert merge_tags_main(arguments) == 0
    path = f"{owner}/base-notebook"
    for tag in ("latest", "python-3.11.2", "lab-4.6.6"):
        assert _platforms(registry, path, tag) == {
            ARCHITECTURE[platform]: digests[f"{registry}/{path}:{platform}-{tag}"]
            for platform in ("x86_64", "aarch64")
        }
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["pushed", f"{registry}/{path}:{tag}"] for tag in ("latest", "python-3.11.2", "lab-4.6.6")
    ]
    assert not [entry for entry in manifest_store.glob("*") if owner in entry.name]


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
    assert out.endswith("dry run: 3 merged tags ready; pass --push to push them\n")
    assert registry_tags(registry, f"{owner}/base-notebook") == {
        f"{platform}-{tag}"
        for platform in ("x86_64", "aarch64")
        for tag in ("latest", "python-3.11.2", "lab-4.6.6")
    }


def test_a_platform_missing_from_the_registry_pushes_nothing_for_its_tag(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    x86 = Build("base-notebook", "x86_64", registry=registry, owner=owner)
    arm = Build("base-notebook", "aarch64", registry=registry, owner=owner)
    x86_run, _ = _run(docker_client, tiny_images["x86_64"], tmp_path / "x86", x86)
    arm_run, _ = _run(docker_client, tiny_images["aarch64"], tmp_path / "arm", arm, pushed=2)
    assert merge_tags_main(["--insecure", "--push", str(x86_run), str(arm_run)]) == 1
    path = f"{owner}/base-notebook"
    assert set(_platforms(registry, path, "python-3.11.2")) == {"amd64", "arm64"}
    assert _platforms(registry, path, "lab-4.6.6") == {}
    assert registry_manifest(registry, path, "lab-4.6.6") is None
    error = capsys.readouterr().err.splitlines()
    assert error == [
        f"failed {registry}/{path}:lab-4.6.6: {registry}/{path}:aarch64-lab-4.6.6 is not in the "
        "registry: push it first",
        "stack-merge-tags: error: 1 of 3 merged tags not pushed: fix what the 'failed' lines "
        "say (push missing platforms with stack-push-tags), then run again",
    ]


def test_an_image_of_the_wrong_platform_is_refused(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    x86 = Build("base-notebook", "x86_64", registry=registry, owner=owner)
    arm = Build("base-notebook", "aarch64", registry=registry, owner=owner)
    x86_run, _ = _run(docker_client, tiny_images["x86_64"], tmp_path / "x86", x86)
    arm_run, _ = _run(docker_client, tiny_images["x86_64"], tmp_path / "arm", arm)
    assert merge_tags_main(["--insecure", "--push", str(x86_run), str(arm_run)]) == 1
    assert registry_tags(registry, f"{owner}/base-notebook") == {
        f"{platform}-{tag}"
        for platform in ("x86_64", "aarch64")
        for tag in ("latest", "python-3.11.2", "lab-4.6.6")
    }
    error = capsys.readouterr().err
    assert f"{owner}/base-notebook:aarch64-latest is a x86_64 image, not aarch64" in error
    assert "3 of 3 merged tags not pushed" in error


def test_a_variant_keeps_its_prefix(
    docker_client: docker.DockerClient,
    tiny_images: dict[str, str],
    owner: str,
    registry: str,
    tmp_path: Path,
) -> None:
    folders = []
    for platform in ("x86_64", "aarch64"):
        build = Build("pytorch-notebook", platform, "cuda12", ("python-3.11.2",), registry, owner)
        folders.append(_run(docker_client, tiny_images[platform], tmp_path / platform, build)[0])
    # The same folders also hold a default-variant image, which --variant leaves alone.
    write_run(folders[0], WHEN, COMMIT, [Build("other", registry=registry, owner=owner)])
    arguments = ["--insecure", "--push", "--variant", "cuda12", *map(str, folders)]
    assert merge_tags_main(arguments) == 0
    path = f"{owner}/pytorch-notebook"
    assert registry_tags(registry, path) >= {"cuda12-latest", "cuda12-python-3.11.2"}
    assert set(_platforms(registry, path, "cuda12-python-3.11.2")) == {"amd64", "arm64"}
    assert registry_tags(registry, f"{owner}/other") == set()


def test_without_insecure_a_plain_http_registry_gets_a_hint(
    two_platforms: tuple[list[Path], dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    folders, _ = two_platforms
    assert merge_tags_main([*map(str, folders)]) == 1
    assert "(for a plain-HTTP registry pass --insecure)" in capsys.readouterr().err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert merge_tags_main([str(tmp_path)]) == 2
    assert "tags not found: pass the folder given to pytest --emit-manifests" in (
        capsys.readouterr().err
    )
    run = write_run(tmp_path / "run", WHEN, COMMIT, [Build("base-notebook")])
    assert merge_tags_main(["--image", "nobody", str(run)]) == 2
    assert capsys.readouterr().err == (
        "stack-merge-tags: error: no tags files match --image/--variant in the run folders "
        "(found: base-notebook (default))\n"
    )
    assert merge_tags_main([str(run), str(run)]) == 2
    assert "both hold the x86_64 tags of base-notebook" in capsys.readouterr().err
