"""stack-build's bad input: one line naming the problem and the fix, exit 2, before any build.

None of these reaches the Docker engine; the last one finds none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.building.build_command import default_stack_folder, main

PROG = "stack-build: error: "


@pytest.fixture(autouse=True)
def in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where a default build-logs/ would harm nothing."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    """root <- child, each with a Dockerfile; child also has variant gpu."""
    folder = tmp_path / "stack"
    files = {
        "stack.toml": 'registry = "localhost"\nowner = "me"\n',
        "root/image.toml": 'parent = ""\n',
        "root/Dockerfile": "FROM scratch\n",
        "child/image.toml": 'parent = "root"\nvariants = ["gpu"]\n',
        "child/Dockerfile": "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n",
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def one_error_line(capsys: pytest.CaptureFixture[str], *argv: str, status: int = 2) -> str:
    assert main(list(argv)) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(PROG)
    return lines[0].removeprefix(PROG)


def test_unknown_image(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(capsys, "--stack", str(stack), "--image", "nope")
    assert line == f"unknown image 'nope' in {stack}: use one of root, child"


def test_unknown_variant(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(capsys, "--stack", str(stack), "--variant", "cuda12")
    assert line.startswith(f"no image of {stack} declares variant 'cuda12': drop --variant")
    line = one_error_line(capsys, "--stack", str(stack), "--image", "root", "--variant", "gpu")
    assert line == (
        "image 'root' has no variant 'gpu' (its variants: none): use --image with one of "
        "child, or drop --variant"
    )


def test_missing_dockerfile(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(capsys, "--stack", str(stack), "--image", "child", "--variant", "gpu")
    assert line == (
        f"no Dockerfile for child (gpu) (expected {stack / 'child/gpu/Dockerfile'}): add it, "
        "or build other images with --image"
    )


def test_a_stack_without_dockerfiles(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for dockerfile in stack.glob("*/Dockerfile"):
        dockerfile.unlink()
    line = one_error_line(capsys, "--stack", str(stack))
    assert line.startswith(f"no image of {stack} has a Dockerfile: stack-build builds each")


def test_a_broken_stack_declaration(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (stack / "child" / "image.toml").write_text('parent = "ghost"\n')
    line = one_error_line(capsys, "--stack", str(stack))
    assert line.startswith(f"{stack / 'child/image.toml'}: unknown parent 'ghost': use one of")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--build-arg", "NOEQUALS"), "invalid --build-arg 'NOEQUALS': write NAME=VALUE"),
        (("--build-arg", "1X=y"), "invalid --build-arg '1X=y': write NAME=VALUE"),
        (("--registry", "Bad Host"), "invalid --registry 'Bad Host': image references need"),
        (
            ("--registry", "MyHost"),
            "invalid --registry 'MyHost': image references need a registry host with a '.' or",
        ),
        (("--owner", "UPPER"), "invalid --owner 'UPPER': image references need"),
        (("--variant", "Bad"), "invalid --variant 'Bad': use a lowercase name such as cuda12"),
        (("--platform", "arm64"), "invalid --platform 'arm64': write OS/ARCH, e.g. linux/arm64"),
    ],
)
def test_bad_option_values(
    stack: Path, capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...], message: str
) -> None:
    assert one_error_line(capsys, "--stack", str(stack), *arguments).startswith(message)


def test_folders_that_would_change_an_image_or_are_missing_are_not_made(
    stack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inside = stack / "child" / "logs"
    line = one_error_line(capsys, "--stack", str(stack), "--logs", str(inside))
    assert line.startswith(f"--logs {inside} is inside the build context of child ")
    line = one_error_line(capsys, "--stack", str(stack), "--load", str(tmp_path / "none"))
    assert (
        line
        == f"--load {tmp_path / 'none'}: folder not found: pass the folder holding the archives"
    )
    a_file = tmp_path / "file"
    a_file.write_text("")
    line = one_error_line(capsys, "--stack", str(stack), "--save", str(a_file))
    assert line.startswith(f"--save {a_file} is a file: pass a folder")
    line = one_error_line(capsys, "--stack", str(stack), "--json", str(tmp_path))
    assert line.startswith(f"--json {tmp_path} is a folder: pass a file name")
    assert not (tmp_path / "build-logs").exists()


def test_jobs_must_be_positive(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--stack", str(stack), "--jobs", "0"])
    assert raised.value.code == 2
    assert "argument --jobs: '0': give a whole number of at least 1" in capsys.readouterr().err


def test_the_default_stack_is_the_plugins(tmp_path: Path) -> None:
    assert default_stack_folder(tmp_path) == tmp_path / "images"
    (tmp_path / "pytest.ini").write_text("[pytest]\ninspections_stack = stacks/mine\n")
    (tmp_path / "sub").mkdir()
    assert default_stack_folder(tmp_path / "sub") == tmp_path / "stacks" / "mine"


def test_an_engine_that_does_not_answer(
    stack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    line = one_error_line(capsys, "--stack", str(stack), status=1)
    assert line.startswith("the Docker engine does not answer (")
    assert line.endswith("): start dockerd, or point DOCKER_HOST at a running engine")
    assert "no-engine.sock" in line
