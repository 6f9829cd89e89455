"""Image archives: their names, and what is refused before anything is loaded."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from inspections.building.archives import archive_name, check_archive, read_archive
from inspections.building.errors import BuildUsageError

REFERENCE = "localhost/me/base:latest"


def test_archive_names() -> None:
    assert archive_name("x86_64", "default", "base-notebook") == "x86_64-default-base-notebook.tar"
    assert archive_name("aarch64", "cuda12", "pytorch") == "aarch64-cuda12-pytorch.tar"


def config_blob(architecture: str = "amd64") -> bytes:
    return json.dumps({"architecture": architecture, "os": "linux", "config": {}}).encode()


def write_archive(
    path: Path,
    manifest: object,
    files: dict[str, bytes],
) -> Path:
    """A tar as `docker save` writes one (no layers needed); without manifest.json for None."""
    if manifest is not None:
        files = {"manifest.json": json.dumps(manifest).encode(), **files}
    with tarfile.open(path, "w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def saved_image(path: Path, tags: list[str], architecture: str = "amd64") -> tuple[Path, str]:
    """An archive of one image as the classic store saves it: the config named by its id."""
    config = config_blob(architecture)
    digest = hashlib.sha256(config).hexdigest()
    manifest = [{"Config": f"{digest}.json", "RepoTags": tags, "Layers": []}]
    return write_archive(path, manifest, {f"{digest}.json": config}), f"sha256:{digest}"


def test_an_archive_of_one_image(tmp_path: Path) -> None:
    path, image_id = saved_image(tmp_path / "x86_64-default-base.tar", [REFERENCE])
    archived = read_archive(path)
    assert archived.image_id == image_id
    assert archived.references == (REFERENCE,)
    assert archived.platform == "x86_64"
    check_archive(archived, REFERENCE, "x86_64")


def test_an_oci_layout_archive(tmp_path: Path) -> None:
    config = config_blob("arm64")
    digest = hashlib.sha256(config).hexdigest()
    manifest = [{"Config": f"blobs/sha256/{digest}", "RepoTags": [REFERENCE], "Layers": []}]
    path = write_archive(tmp_path / "a.tar", manifest, {f"blobs/sha256/{digest}": config})
    archived = read_archive(path)
    assert (archived.image_id, archived.platform) == (f"sha256:{digest}", "aarch64")


def refusal(path: Path) -> str:
    with pytest.raises(BuildUsageError) as raised:
        read_archive(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path} is not an image archive (")
    assert message.endswith(
        "give --load a folder of archives written by stack-build --save (or docker save)"
    )
    return message


def test_what_is_not_an_image_archive_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "text.tar"
    text.write_text("not a tar at all\n" * 100)
    refusal(text)
    no_manifest = write_archive(tmp_path / "no-manifest.tar", None, {"layer.tar": b""})
    assert "no manifest.json in it" in refusal(no_manifest)
    config = config_blob()
    config_name = f"{hashlib.sha256(config).hexdigest()}.json"
    entry = {"Config": config_name, "RepoTags": [REFERENCE], "Layers": []}
    both = write_archive(tmp_path / "two.tar", [entry, entry], {config_name: config})
    assert "2 images in it, where one is expected" in refusal(both)
    missing = write_archive(tmp_path / "missing.tar", [entry], {})
    assert f"no image config '{config_name}' in it" in refusal(missing)
    forged = write_archive(tmp_path / "forged.tar", [entry], {config_name: config_blob("s390x")})
    assert "does not match its digest" in refusal(forged)


def test_an_archive_of_another_image_or_platform_is_refused(tmp_path: Path) -> None:
    path, _ = saved_image(tmp_path / "x86_64-default-base.tar", ["localhost/me/other:latest"])
    with pytest.raises(BuildUsageError) as raised:
        check_archive(read_archive(path), REFERENCE, "x86_64")
    assert str(raised.value) == (
        f"{path} holds localhost/me/other:latest, not {REFERENCE}: remove it, or save the right "
        "image under this name (stack-build --save)"
    )
    both, _ = saved_image(tmp_path / "both.tar", [REFERENCE, "localhost/me/other:latest"])
    with pytest.raises(BuildUsageError) as raised:
        check_archive(read_archive(both), REFERENCE, "x86_64")
    assert str(raised.value) == (
        f"{both} is tagged localhost/me/other:latest besides {REFERENCE}, and loading it would "
        f"tag those too: remove it, or save {REFERENCE} alone under this name (stack-build --save)"
    )
    untagged, _ = saved_image(tmp_path / "untagged.tar", [])
    with pytest.raises(BuildUsageError, match="holds an untagged image, not"):
        check_archive(read_archive(untagged), REFERENCE, "x86_64")
    arm, _ = saved_image(tmp_path / "arm.tar", [REFERENCE], "arm64")
    with pytest.raises(BuildUsageError, match="holds a aarch64 image, not x86_64"):
        check_archive(read_archive(arm), REFERENCE, "x86_64")


def test_docker_hub_references_are_compared_as_the_engine_writes_them(tmp_path: Path) -> None:
    hub = "docker.io/jupyter/base-notebook:latest"
    path, _ = saved_image(
        tmp_path / "x86_64-default-base-notebook.tar", ["jupyter/base-notebook:latest"]
    )
    check_archive(read_archive(path), hub, "x86_64")
    both, _ = saved_image(tmp_path / "both.tar", ["jupyter/base-notebook:latest", "ubuntu:latest"])
    with pytest.raises(
        BuildUsageError, match=r"is tagged ubuntu:latest besides docker\.io/jupyter"
    ):
        check_archive(read_archive(both), hub, "x86_64")
