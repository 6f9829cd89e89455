"""The input hash: what makes an image rebuild, and what does not."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from builder import inputs
from builder.inputs import input_files, input_hash

PARENT_ID = "sha256:" + "1" * 64
BUILD_ARGS = {"BASE_IMAGE": "localhost/demo/root:latest"}
# A change to an image folder (what it returns does not matter).
Change = Callable[[Path], object]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An image folder with build inputs and the plugin's files."""
    files = {
        "Dockerfile": "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nRUN true\n",
        "files/start.sh": "#!/bin/sh\nexec bash\n",
        "image.toml": 'parent = "root"\n',
        "inspect_image.py": "from inspections.library import python\n",
        "test_image.py": "def test_nothing(): pass\n",
        "conftest.py": "",
        "__pycache__/inspect_image.cpython-311.pyc": "bytes",
    }
    for name, text in files.items():
        path = tmp_path / "image" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "image"


def baseline(folder: Path) -> str:
    return input_hash(folder, PARENT_ID, BUILD_ARGS)


def test_inputs_are_the_build_files_only(folder: Path) -> None:
    assert [path.relative_to(folder).as_posix() for path in input_files(folder)] == [
        "Dockerfile",
        "files/start.sh",
    ]


def test_same_inputs_same_hash(folder: Path) -> None:
    assert baseline(folder) == baseline(folder)
    assert len(baseline(folder)) == 64


def append(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


CHANGES: dict[str, Change] = {
    "Dockerfile edited": lambda f: (f / "Dockerfile").write_text("FROM x\nRUN false\n"),
    "Dockerfile appended": lambda f: append(f / "Dockerfile", "RUN true\n"),
    "file in a subfolder edited": lambda f: (f / "files/start.sh").write_text("#!/bin/sh\n"),
    "file added": lambda f: (f / "requirements.txt").write_text("numpy\n"),
    "file renamed": lambda f: (f / "files/start.sh").rename(f / "files/run.sh"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_changed_build_file_changes_the_hash(folder: Path, change: Change) -> None:
    before = baseline(folder)
    change(folder)
    assert baseline(folder) != before


def test_a_changed_build_arg_changes_the_hash(folder: Path) -> None:
    other = {"BASE_IMAGE": "localhost/demo/other:latest"}
    more = {**BUILD_ARGS, "EXTRA": "1"}
    assert input_hash(folder, PARENT_ID, other) != baseline(folder)
    assert input_hash(folder, PARENT_ID, more) != baseline(folder)


def test_a_changed_parent_id_changes_the_hash(folder: Path) -> None:
    assert input_hash(folder, "sha256:" + "2" * 64, BUILD_ARGS) != baseline(folder)


NOT_INPUTS: dict[str, Change] = {
    "inspect_*.py edited": lambda f: (f / "inspect_image.py").write_text("x = 1\n"),
    "inspect_*.py added": lambda f: (f / "inspect_more.py").write_text("x = 1\n"),
    "test_*.py edited": lambda f: (f / "test_image.py").write_text("def test_x(): pass\n"),
    "test_*.py added in a subfolder": lambda f: (f / "files/test_more.py").write_text(""),
    "conftest.py edited": lambda f: (f / "conftest.py").write_text("import pytest\n"),
    "image.toml edited": lambda f: (f / "image.toml").write_text('parent = "root"\n# note\n'),
    "__pycache__ added": lambda f: (f / "files/__pycache__").mkdir(),
}


@pytest.mark.parametrize("change", NOT_INPUTS.values(), ids=NOT_INPUTS.keys())
def test_plugin_files_do_not_change_the_hash(folder: Path, change: Change) -> None:
    before = baseline(folder)
    change(folder)
    assert baseline(folder) == before


def test_a_big_file_is_hashed_by_size_and_mtime(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inputs, "BIG_FILE", 10)
    wheel = folder / "wheels" / "torch.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"a" * 20)
    os.utime(wheel, ns=(1_000_000_000, 1_000_000_000))
    before = baseline(folder)
    wheel.write_bytes(b"b" * 20)  # same size, same mtime: not read again
    os.utime(wheel, ns=(1_000_000_000, 1_000_000_000))
    assert baseline(folder) == before
    os.utime(wheel, ns=(2_000_000_000, 2_000_000_000))
    assert baseline(folder) != before
