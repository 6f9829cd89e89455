"""The torch wheel: the Dockerfile's pinned version, pip's find-links folders, the copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builder.wheels import (
    copy_if_changed,
    dockerfile_arg,
    existing_folders,
    find_links_values,
    prepare_torch_wheel,
)

from inspections.building.errors import BuildError
from tests.demo_builder.script import DEMO


def dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    return path


def test_dockerfile_arg_reads_the_default(tmp_path: Path) -> None:
    path = dockerfile(
        tmp_path,
        "# ARG TORCH_VERSION=0.1 in a comment\n"
        "ARG TORCH_VERSION_EXTRA=9.9\n"
        "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n"
        "ARG TORCH_VERSION=2.13.0+cpu\n"
        "RUN echo $TORCH_VERSION\n",
    )
    assert dockerfile_arg(path, "TORCH_VERSION") == "2.13.0+cpu"


@pytest.mark.parametrize(
    "declaration",
    ['ARG TORCH_VERSION="2.13.0+cpu"', "ARG PYTHON=3.11 \\\n    TORCH_VERSION=2.13.0+cpu"],
    ids=["quoted", "beside another ARG"],
)
def test_dockerfile_arg_reads_the_default_as_the_build_does(
    tmp_path: Path, declaration: str
) -> None:
    """The demo builder reads Dockerfiles with stack-build's own reader."""
    path = dockerfile(tmp_path, f"ARG BASE_IMAGE\nFROM $BASE_IMAGE\n{declaration}\n")
    assert dockerfile_arg(path, "TORCH_VERSION") == "2.13.0+cpu"


def test_dockerfile_arg_without_default_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = dockerfile(tmp_path, "ARG TORCH_VERSION\nFROM scratch\n")
    with pytest.raises(BuildError, match=f"{re.escape(str(path))}: no ARG TORCH_VERSION="):
        dockerfile_arg(path, "TORCH_VERSION")


def test_the_demo_pytorch_dockerfile_pins_a_cpu_torch() -> None:
    version = dockerfile_arg(DEMO / "pytorch-notebook" / "Dockerfile", "TORCH_VERSION")
    assert re.fullmatch(r"\d+\.\d+\.\d+\+cpu", version)


def test_find_links_values_come_from_the_environment_then_pip_config() -> None:
    pip_config = (
        ":env:.cert='/etc/ssl/certs/ca-certificates.crt'\n"
        ":env:.find-links='/opt/wheels'\n"
        "global.extra-index-url='file:///opt/pypi/simple'\n"
        'user.find-links="/srv/a /srv/b"\n'
        "global.find-links=/srv/c\n"
    )
    assert find_links_values("/env/wheels", pip_config) == [
        "/env/wheels",
        "/opt/wheels",
        "/srv/a /srv/b",
        "/srv/c",
    ]


def test_find_links_values_without_any_setting() -> None:
    assert find_links_values("", "global.index-url='https://pypi.org/simple'\n") == [""]


def test_existing_folders_split_strip_file_urls_and_drop_missing(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (tmp_path / "a-file").write_text("")
    values = [
        "",
        f"file://{second} {tmp_path / 'missing'}",
        f"{first} {tmp_path / 'a-file'}",
        f"{second}",
    ]
    assert existing_folders(values) == [second, first]


@pytest.fixture
def torch_image(tmp_path: Path) -> Path:
    """An image folder pinning a torch version no real wheelhouse has."""
    folder = tmp_path / "pytorch-notebook"
    folder.mkdir()
    dockerfile(folder, "FROM scratch\nARG TORCH_VERSION=0.0.1+test\n")
    return folder


def test_the_wheel_is_copied_and_stale_wheels_removed(
    tmp_path: Path, torch_image: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    wheel = wheelhouse / "torch-0.0.1+test-cp311-cp311-linux_x86_64.whl"
    wheel.write_bytes(b"wheel")
    stale = torch_image / "wheels" / "torch-0.0.0+cpu-cp311-cp311-linux_x86_64.whl"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheelhouse))
    assert prepare_torch_wheel(torch_image) is None
    copied = torch_image / "wheels" / wheel.name
    assert copied.read_bytes() == b"wheel"
    assert sorted(path.name for path in copied.parent.iterdir()) == [wheel.name]


def test_no_wheel_is_a_reason_to_skip(
    tmp_path: Path, torch_image: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))
    reason = prepare_torch_wheel(torch_image)
    assert reason is not None
    assert reason.startswith("no torch-0.0.1+test-cp311-cp311-*.whl in pip's find-links folders (")
    assert str(empty) in reason
    assert not (torch_image / "wheels").exists()


def test_copy_if_changed_keeps_an_equal_sized_copy(tmp_path: Path) -> None:
    source, target = tmp_path / "source.whl", tmp_path / "wheels" / "target.whl"
    source.write_bytes(b"one")
    copy_if_changed(source, target)
    assert target.read_bytes() == b"one"
    assert target.stat().st_mtime_ns == source.stat().st_mtime_ns
    source.write_bytes(b"two")
    copy_if_changed(source, target)
    assert target.read_bytes() == b"one"
    source.write_bytes(b"three")
    copy_if_changed(source, target)
    assert target.read_bytes() == b"three"
    assert not target.with_name("target.whl.partial").exists()
