"""The input hash: what makes an image build again, and what does not."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from inspections.building import image_inputs
from inspections.building.image_inputs import BuildInputs, context_entries, input_hash

PARENT_ID = "sha256:" + "1" * 64
ROOT = Path(__file__).resolve().parents[3]
PRINT_HASH = (
    "import sys; from pathlib import Path; "
    "from inspections.building.image_inputs import input_hash; "
    "from tests.unit.building.test_image_inputs import inputs_of; "
    "print(input_hash(inputs_of(Path(sys.argv[1]))))"
)
Change = Callable[[Path], object]  # a change to the build context (its value does not matter)


@pytest.fixture
def context(tmp_path: Path) -> Path:
    """A build context with a `.dockerignore` that leaves the plugin's files out."""
    files = {
        "Dockerfile": "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY files /files\n",
        ".dockerignore": "inspect_*.py\ntest_*.py\nimage.toml\n**/__pycache__\n",
        "files/start.sh": "#!/bin/sh\nexec bash\n",
        "image.toml": 'parent = "root"\n',
        "inspect_image.py": "from inspections.library import python\n",
        "test_image.py": "def test_nothing(): pass\n",
        "__pycache__/inspect_image.cpython-311.pyc": "bytes",
    }
    for name, text in files.items():
        path = tmp_path / "image" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "image"


def inputs_of(context: Path, **changes: object) -> BuildInputs:
    inputs = BuildInputs(
        context=context,
        dockerfile=context / "Dockerfile",
        parent_id=PARENT_ID,
        bases=(),
        build_args=(("BASE_IMAGE", "localhost/demo/root:latest"), ("OWNER", "demo")),
        platform="x86_64",
        buildkit=True,
    )
    return dataclasses.replace(inputs, **changes)  # type: ignore[arg-type]


def test_the_entries_are_what_docker_build_sends(context: Path) -> None:
    entries = context_entries(context, context / ".dockerignore")
    assert [relative for relative, _, _ in entries] == [
        ".dockerignore",
        "Dockerfile",
        "files",
        "files/start.sh",
    ]


def test_same_inputs_same_hash(context: Path) -> None:
    assert input_hash(inputs_of(context)) == input_hash(inputs_of(context))
    assert len(input_hash(inputs_of(context))) == 64


def append(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


CHANGES: dict[str, Change] = {
    "Dockerfile edited": lambda c: (c / "Dockerfile").write_text("FROM x\nRUN false\n"),
    "Dockerfile appended": lambda c: append(c / "Dockerfile", "RUN true\n"),
    "file in a subfolder edited": lambda c: (c / "files/start.sh").write_text("#!/bin/sh\n"),
    "file made executable": lambda c: (c / "files/start.sh").chmod(0o755),
    "file added": lambda c: (c / "requirements.txt").write_text("numpy\n"),
    "file renamed": lambda c: (c / "files/start.sh").rename(c / "files/run.sh"),
    "empty folder added": lambda c: (c / "empty").mkdir(),
    "link added": lambda c: (c / "link").symlink_to("files/start.sh"),
    ".dockerignore edited": lambda c: append(c / ".dockerignore", "*.md\n"),
    "a left-out file taken back": lambda c: append(c / ".dockerignore", "!test_image.py\n"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_changed_context_changes_the_hash(context: Path, change: Change) -> None:
    before = input_hash(inputs_of(context))
    change(context)
    assert input_hash(inputs_of(context)) != before


LEFT_OUT: dict[str, Change] = {
    "inspect_*.py edited": lambda c: (c / "inspect_image.py").write_text("x = 1\n"),
    "inspect_*.py added": lambda c: (c / "inspect_more.py").write_text("x = 1\n"),
    "test_*.py edited": lambda c: (c / "test_image.py").write_text("def test_x(): pass\n"),
    "image.toml edited": lambda c: (c / "image.toml").write_text('parent = "root"\n# note\n'),
    "__pycache__ added in a subfolder": lambda c: (c / "files/__pycache__").mkdir(),
}


@pytest.mark.parametrize("change", LEFT_OUT.values(), ids=LEFT_OUT.keys())
def test_files_dockerignore_leaves_out_do_not_change_the_hash(
    context: Path, change: Change
) -> None:
    before = input_hash(inputs_of(context))
    change(context)
    assert input_hash(inputs_of(context)) == before


def test_buildkit_reads_the_dockerfiles_own_ignore_file_instead(context: Path) -> None:
    own = context / "Dockerfile.dockerignore"
    own.write_text("test_*.py\nimage.toml\nnotes.txt\n")
    before = input_hash(inputs_of(context))
    (context / "notes.txt").write_text("left out by Dockerfile.dockerignore\n")
    (context / "image.toml").write_text('parent = "root"\n# note\n')
    assert input_hash(inputs_of(context)) == before
    (context / "inspect_image.py").write_text("x = 1\n")  # only .dockerignore leaves it out
    assert input_hash(inputs_of(context)) != before
    before = input_hash(inputs_of(context))
    append(own, "inspect_*.py\n")
    assert input_hash(inputs_of(context)) != before


def test_the_classic_builder_reads_dockerignore_only(context: Path) -> None:
    own = context / "Dockerfile.dockerignore"
    own.write_text("files\n")
    classic = input_hash(inputs_of(context, buildkit=False))
    assert input_hash(inputs_of(context)) != classic
    (context / "inspect_image.py").write_text("x = 1\n")
    assert input_hash(inputs_of(context, buildkit=False)) == classic
    (context / "files/start.sh").write_text("#!/bin/sh\n")
    assert input_hash(inputs_of(context, buildkit=False)) != classic
    classic = input_hash(inputs_of(context, buildkit=False))
    append(own, "# a file of the context to this builder\n")
    assert input_hash(inputs_of(context, buildkit=False)) != classic


def test_without_dockerignore_every_file_is_an_input(context: Path) -> None:
    (context / ".dockerignore").unlink()
    before = input_hash(inputs_of(context))
    (context / "inspect_image.py").write_text("x = 2\n")
    assert input_hash(inputs_of(context)) != before


@pytest.mark.parametrize(
    "changes",
    [
        {"parent_id": "sha256:" + "2" * 64},
        {"bases": (("debian:12", "sha256:" + "3" * 64),)},
        {"build_args": (("BASE_IMAGE", "localhost/demo/root:latest"),)},
        {"build_args": (("BASE_IMAGE", "localhost/demo/root:latest"), ("OWNER", "other"))},
        {"platform": "aarch64"},
    ],
    ids=["parent id", "another base image", "build arg dropped", "build arg changed", "platform"],
)
def test_other_inputs_change_the_hash(context: Path, changes: dict[str, object]) -> None:
    assert input_hash(inputs_of(context, **changes)) != input_hash(inputs_of(context))


def test_build_args_count_whatever_their_order(context: Path) -> None:
    swapped = (("OWNER", "demo"), ("BASE_IMAGE", "localhost/demo/root:latest"))
    assert input_hash(inputs_of(context, build_args=swapped)) == input_hash(inputs_of(context))


def test_a_big_file_is_hashed_by_size_and_mtime(
    context: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(image_inputs, "BIG_FILE", 10)
    wheel = context / "wheels" / "torch.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"a" * 20)
    os.utime(wheel, ns=(1_000_000_000, 1_000_000_000))
    before = input_hash(inputs_of(context))
    wheel.write_bytes(b"b" * 20)  # same size, same mtime: not read again
    os.utime(wheel, ns=(1_000_000_000, 1_000_000_000))
    assert input_hash(inputs_of(context)) == before
    os.utime(wheel, ns=(2_000_000_000, 2_000_000_000))
    assert input_hash(inputs_of(context)) != before


def test_pipes_and_sockets_count_by_kind_and_are_never_opened(
    context: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = input_hash(inputs_of(context))
    os.mkfifo(context / "files" / "pipe")  # opening it to read would wait for a writer
    monkeypatch.chdir(context)  # a short socket path
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("socket")
        hashed = subprocess.run(
            [sys.executable, "-c", PRINT_HASH, str(context)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert hashed.returncode == 0, hashed.stderr
        assert hashed.stdout.strip() == input_hash(inputs_of(context)) != before
        (context / "files" / "pipe").chmod(0o600)
        assert input_hash(inputs_of(context)) != hashed.stdout.strip()
