"""Bad input gives one clear line, before any container starts where it can."""

from __future__ import annotations

import shutil

import docker
import pytest

from tests.plugin.stacks import MakeStack, labelled_containers, record_of
from throwaway_stacks import StackImage

TAGGER = """
    from inspections import tagger, output_of

    @tagger
    def os_tag(host):
        return output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")
"""


def one_image() -> dict[str, StackImage]:
    return {"root": StackImage(files={"inspect_root.py": TAGGER})}


def usage_error_line(result: pytest.RunResult) -> str:
    lines = [line for line in result.stderr.lines if line.startswith("ERROR: ")]
    assert len(lines) == 1, result.stderr.str()
    return lines[0]


@pytest.mark.docker
def test_unknown_image_is_a_usage_error(pytester: pytest.Pytester, make_stack: MakeStack) -> None:
    make_stack(one_image())
    result = pytester.runpytest_subprocess("--stack", "stack", "--image", "nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert usage_error_line(result) == (
        f"ERROR: unknown image 'nope' in --image: the stack at {pytester.path / 'stack'} has root"
    )


@pytest.mark.docker
def test_unknown_parent_names_the_file(pytester: pytest.Pytester, make_stack: MakeStack) -> None:
    make_stack({**one_image(), "child": StackImage(parent="nobody")})
    result = pytester.runpytest_subprocess("--stack", "stack")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    line = usage_error_line(result)
    assert "stack/child/image.toml: unknown parent 'nobody'" in line
    assert 'use one of root or "" for a root' in line  # not child itself


def test_missing_stack_folder(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--stack", "absent")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "stack folder" in usage_error_line(result)
    assert "absent not found: pass --stack DIR" in usage_error_line(result)


@pytest.mark.docker
def test_emit_dir_that_is_a_file_fails_before_any_container(
    pytester: pytest.Pytester, make_stack: MakeStack, docker_client: docker.DockerClient
) -> None:
    make_stack(one_image())
    (pytester.path / "taken").write_text("a file")
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "taken")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--emit-manifests" in usage_error_line(result)
    assert "is a file: pass a folder" in usage_error_line(result)
    assert "collected" not in result.stdout.str()


@pytest.mark.docker
def test_image_not_built_says_how_to_build_it(
    pytester: pytest.Pytester, make_stack: MakeStack, owner: str
) -> None:
    second = TAGGER.replace("def os_tag", "def os_tag_again")
    child = StackImage(parent="root", files={"inspect_child.py": second})
    make_stack({**one_image(), "child": child}, built=["root"])
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out", "-rs")
    # root: its tagger and its verdict; child: the first item errors, the second is skipped,
    # and its verdict fails.
    result.assert_outcomes(passed=2, errors=1, skipped=1, failed=1)
    reference = f"localhost/{owner}/child:latest"
    message = (
        f"image {reference} not found locally: build it first, "
        f"e.g. docker build -t {reference} {pytester.path / 'stack' / 'child'}"
    )
    result.stdout.fnmatch_lines([f"child: os_tag[[]child[]]: {message}"])
    assert result.stdout.str().count(f"child: os_tag_again[[]child[]]: {message}") == 0
    result.stdout.fnmatch_lines(["*child: * (reported once, on its first item)*"])
    assert [p.name for p in (pytester.path / "out/tags").iterdir()] == ["x86_64-default-root.txt"]


@pytest.mark.docker
def test_without_git_the_outputs_say_why(
    pytester: pytest.Pytester,
    make_stack: MakeStack,
    docker_client: docker.DockerClient,
    owner: str,
) -> None:
    make_stack(one_image())
    shutil.rmtree(pytester.path / ".git")
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    reason = record_of(pytester.path / "out")["root"]["reasons"][0]
    assert reason.startswith(f"no git commit for {pytester.path / 'stack'}")
    assert reason.endswith("run inside a git checkout of the stack with at least one commit")
    assert not (pytester.path / "out/tags").exists()
    assert labelled_containers(docker_client, owner) == []
