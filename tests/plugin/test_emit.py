"""The plugin end to end on throwaway stacks: what it writes, in which order, and when not."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from inspections.outputs.record import read_record, sha256_of
from tests.diagrams import boxes_by_name, mermaid_blocks
from tests.plugin.stacks import OS_INSPECTIONS, MakeStack, git_sha, record_of
from throwaway_stacks import StackImage

pytestmark = pytest.mark.docker

CHILD_INSPECTIONS = """
    from inspections import output_of, tagger

    @tagger
    def dpkg_tag(host):
        return "dpkg-" + output_of(host, "dpkg-query -W -f '${Version}' dpkg")
"""


FAILING_CHILD_INSPECTIONS = (
    CHILD_INSPECTIONS
    + """
    @tagger
    def missing_tool(host):
        return output_of(host, "no-such-tool --version")
"""
)


def two_images(child_files: dict[str, str] | None = None) -> dict[str, StackImage]:
    return {
        "root": StackImage(files={"inspect_root.py": OS_INSPECTIONS}),
        "child": StackImage(
            parent="root", files=child_files or {"inspect_child.py": CHILD_INSPECTIONS}
        ),
    }


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_writes_tags_manifest_history_line_and_json_for_each_image(
    pytester: pytest.Pytester, make_stack: MakeStack, owner: str
) -> None:
    stack = make_stack(two_images())
    sha = git_sha(stack)
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    result.assert_outcomes(passed=7)  # 5 inspections, 2 image verdicts
    out = pytester.path / "out"
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "diagrams/stack.md",
        f"hist_lines/x86_64-default-child-{sha[:12]}.txt",
        f"hist_lines/x86_64-default-root-{sha[:12]}.txt",
        "inspections.json",
        f"manifests/x86_64-default-child-{sha[:12]}.md",
        f"manifests/x86_64-default-root-{sha[:12]}.md",
        "tags/x86_64-default-child.txt",
        "tags/x86_64-default-root.txt",
    ]
    # The child re-runs its parent's tagger on itself, root's taggers first.
    child_tags = read(out / "tags/x86_64-default-child.txt").splitlines()
    assert child_tags[0] == f"localhost/{owner}/child:x86_64-latest"
    assert child_tags[1] == f"localhost/{owner}/child:x86_64-debian-12"
    assert child_tags[2].startswith(f"localhost/{owner}/child:x86_64-dpkg-1.")
    assert len(child_tags) == 3
    assert read(out / "tags/x86_64-default-root.txt").splitlines() == [
        f"localhost/{owner}/root:x86_64-latest",
        f"localhost/{owner}/root:x86_64-debian-12",
    ]
    manifest = read(out / f"manifests/x86_64-default-child-{sha[:12]}.md")
    assert manifest.startswith(f"# Build manifest for image: child:{sha[:12]}\n\n## Build Info\n")
    assert f"- Docker image: `localhost/{owner}/child:{sha[:12]}`\n" in manifest
    assert f"[{sha}](https://example.org/stack/commit/{sha})" in manifest
    assert "## OS Release\n\n`cat /etc/os-release`:\n\n```text\nPRETTY_NAME=" in manifest
    history = read(out / f"hist_lines/x86_64-default-child-{sha[:12]}.txt")
    assert history.startswith("| `") and history.endswith(" |") and "\n" not in history
    assert (
        f"`localhost/{owner}/child:x86_64-debian-12`<br />`localhost/{owner}/child:x86_64-dpkg-1."
        in history
    )
    assert f"[Dockerfile](https://example.org/stack/blob/{sha}/stack/child/Dockerfile)" in history
    record = record_of(out)
    assert record["child"]["outcome"] == "passed"
    assert [i["name"] for i in record["child"]["inspections"]] == [
        "os_tag",
        "os_release",
        "dpkg_tag",
    ]
    assert record["child"]["platform"] == "x86_64"
    assert set(record["child"]["files"]) == {
        "tags/x86_64-default-child.txt",
        f"manifests/x86_64-default-child-{sha[:12]}.md",
        f"hist_lines/x86_64-default-child-{sha[:12]}.txt",
    }


def test_only_the_requested_image_is_inspected(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack(two_images())
    result = pytester.runpytest_subprocess(
        "--stack", "stack", "--image", "child", "--emit-manifests", "out", "-v"
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*os_tag[[]child[]] PASSED*", "*dpkg_tag[[]child[]] PASSED*"])
    assert [p.name for p in (pytester.path / "out/tags").iterdir()] == ["x86_64-default-child.txt"]


def test_a_failing_inspection_leaves_no_files_for_its_image_only(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack(two_images({"inspect_child.py": FAILING_CHILD_INSPECTIONS}))
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    result.assert_outcomes(passed=6, failed=2)  # the inspection, and child's verdict
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*child: missing_tool[[]child[]]: `no-such-tool --version` not found in the image*"]
    )
    out = pytester.path / "out"
    assert [p.name for p in (out / "tags").iterdir()] == ["x86_64-default-root.txt"]
    assert not list(out.glob("*/*child*"))
    record = record_of(out)
    assert record["child"]["outcome"] == "failed"
    assert "missing_tool failed" in record["child"]["reasons"][0]
    assert record["child"]["files"] == {}


def test_the_output_folder_holds_the_stack_drawn_from_its_whole_record(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = two_images({"inspect_child.py": FAILING_CHILD_INSPECTIONS})
    images["sibling"] = StackImage(parent="root", variants=("slim",))
    make_stack(images)
    summary = pytester.path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = pytester.path / "out"

    first = pytester.runpytest_subprocess(
        "--stack", "stack", "--image", "root", "--image", "child", "--emit-manifests", "out"
    )
    first.assert_outcomes(passed=6, failed=2)
    (diagram,) = mermaid_blocks(read(out / "diagrams/stack.md"))
    shown = boxes_by_name(diagram)
    assert shown["root"][:1] == ["passed"] and shown["root"][-1] == "debian-12"
    assert shown["root"][1].startswith("x86_64 · ") and shown["root"][1].endswith("MB")
    assert shown["child"][0] == "failed"
    assert shown["sibling"] == ["not selected"]
    assert shown["sibling (slim)"] == ["variant slim", "not selected"]
    # The step summary draws the session's images in the same way.
    assert mermaid_blocks(read(summary)) == [diagram]

    second = pytester.runpytest_subprocess(
        "--stack", "stack", "--image", "sibling", "--emit-manifests", "out"
    )
    second.assert_outcomes(passed=3)
    (diagram,) = mermaid_blocks(read(out / "diagrams/stack.md"))
    shown = boxes_by_name(diagram)
    assert (shown["root"][0], shown["child"][0], shown["sibling"][0]) == (
        "passed",
        "failed",
        "passed",
    )
    record = read_record(out)
    assert record.files == {
        "diagrams/stack.md": sha256_of((out / "diagrams/stack.md").read_bytes())
    }
    assert {image.image: image.parent for image in record.images} == {
        "root": "",
        "child": "root",
        "sibling": "root",
    }


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        ("42", "returned int 42: a tag inspection must return a str"),
        ("''", "returned an empty string"),
        ("'bad tag'", "is not a valid Docker tag"),
        ("'x' * 129", "Docker allows 128"),
    ],
)
def test_a_wrong_return_value_fails_the_inspection(
    pytester: pytest.Pytester, make_stack: MakeStack, returned: str, message: str
) -> None:
    code = f"""
    from inspections import tagger

    @tagger
    def broken(host):
        return {returned}
    """
    make_stack({"root": StackImage(files={"inspect_root.py": code})})
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([f"root: broken[[]root[]]: *{message}*"])
    assert not (pytester.path / "out/tags").exists()


def test_inspection_values_raise_no_return_warning(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack(two_images())
    result = pytester.runpytest_subprocess(
        "--stack", "stack", "-W", "error::pytest.PytestReturnNotNoneWarning"
    )
    result.assert_outcomes(passed=7)
    assert "PytestReturnNotNoneWarning" not in result.stdout.str()


def test_each_command_runs_once_per_container(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    counting = """
    from inspections import manifest, output_of, quoted_output, tagger

    COUNT = "echo run >> /tmp/runs && wc -l < /tmp/runs"

    @tagger
    def counted(host):
        return "runs-" + output_of(host, COUNT)

    @manifest("Runs")
    def runs(host):
        return quoted_output(host, COUNT)
    """
    make_stack({"root": StackImage(files={"inspect_root.py": counting})})
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out")
    result.assert_outcomes(passed=3)
    tags = read(pytester.path / "out/tags/x86_64-default-root.txt")
    assert tags.splitlines()[1].endswith(":x86_64-runs-1")
    assert record_of(pytester.path / "out")["root"]["manifest_pieces"] == ["Runs"]
    (manifest,) = (pytester.path / "out/manifests").iterdir()
    assert "```text\n1\n```" in manifest.read_text()


def test_plugin_can_be_disabled(pytester: pytest.Pytester, make_stack: MakeStack) -> None:
    make_stack(two_images())
    result = pytester.runpytest_subprocess("stack", "-p", "no:stack_inspections")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert (
        "--emit-manifests"
        not in pytester.runpytest_subprocess("--help", "-p", "no:stack_inspections").stdout.str()
    )


def test_apply_tags_tags_passing_images_only(
    pytester: pytest.Pytester, make_stack: MakeStack, owner: str, docker_client: docker.DockerClient
) -> None:
    make_stack(two_images({"inspect_child.py": FAILING_CHILD_INSPECTIONS}))
    result = pytester.runpytest_subprocess("--stack", "stack", "--apply-tags")
    result.assert_outcomes(passed=6, failed=2)
    tags = {tag for image in docker_client.images.list() for tag in image.tags}
    assert {
        f"localhost/{owner}/root:x86_64-latest",
        f"localhost/{owner}/root:x86_64-debian-12",
    } <= tags
    assert not [tag for tag in tags if tag.startswith(f"localhost/{owner}/child:x86_64")]
    # The session says what it tagged, since without --emit-manifests it writes no file.
    reference = f"localhost/{owner}/root"
    result.stdout.fnmatch_lines(
        [f"root: tagged sha256:* as {reference}:x86_64-latest, {reference}:x86_64-debian-12"]
    )
    assert "child: tagged" not in result.stdout.str()
