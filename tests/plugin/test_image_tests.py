"""`inspections_image_tests`: a folder of image tests per image, beside the stack, that gate
the image and its descendants whatever fixtures they take."""

from __future__ import annotations

import textwrap

import pytest

from tests.plugin.stacks import OS_INSPECTIONS, MakeStack, record_of, write_test_stack
from throwaway_stacks import StackImage

INI = (
    "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\n"
    "inspections_stack = stack\ninspections_image_tests = checks\n"
)


def three_images() -> dict[str, StackImage]:
    return {
        "root": StackImage(files={"inspect_root.py": OS_INSPECTIONS}),
        "child": StackImage(parent="root"),
        "sibling": StackImage(parent="root"),
    }


def write_checks(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    for relative, code in files.items():
        path = pytester.path / "checks" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))


CHECKS = {
    # Their own fixture, not the plugin's `image`: one run, counted for root and below.
    "conftest.py": """
        import pytest

        @pytest.fixture
        def answer():
            return 42
    """,
    "root/test_everywhere.py": "def test_answer(answer):\n    assert answer == 42\n",
    "child/test_child.py": "def test_child_only(answer):\n    assert answer == 0\n",
}


@pytest.mark.docker
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two workers"])
def test_a_failing_image_test_withholds_its_image_and_its_descendants_files(
    pytester: pytest.Pytester, make_stack: MakeStack, owner: str, workers: list[str]
) -> None:
    make_stack(three_images())
    (pytester.path / "pytest.ini").write_text(INI)
    write_checks(pytester, CHECKS)

    result = pytester.runpytest_subprocess("--emit-manifests", "out", "-v", *workers)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.re_match_lines([r".*image_verdict\[child\] FAILED"])
    record = record_of(pytester.path / "out")
    assert {name: entry["outcome"] for name, entry in record.items()} == {
        "root": "passed",
        "child": "failed",
        "sibling": "passed",
    }
    assert record["child"]["reasons"] == [
        "image test checks/child/test_child.py::test_child_only failed: assert 42 == 0"
    ]
    # The root's test ran once and counts for every image; the child's for the child only.
    assert {name: entry["tests"]["passed"] for name, entry in record.items()} == {
        "root": 1,
        "child": 1,
        "sibling": 1,
    }
    assert (pytester.path / "out/tags/x86_64-default-sibling.txt").is_file()
    assert not (pytester.path / "out/tags/x86_64-default-child.txt").exists()


@pytest.mark.docker
def test_only_the_selected_images_lineage_is_collected_or_run(
    pytester: pytest.Pytester, make_stack: MakeStack, owner: str
) -> None:
    make_stack(three_images())
    (pytester.path / "pytest.ini").write_text(INI)
    write_checks(pytester, CHECKS)

    default = pytester.runpytest_subprocess("--image", "sibling", "-v")
    named = pytester.runpytest_subprocess("--image", "sibling", "stack", "checks", "-v")

    default.assert_outcomes(passed=4)  # two inspections, the root's test, the verdict
    named.assert_outcomes(passed=4, deselected=1)  # child's test applies to no selected image
    for result in (default, named):
        assert "test_child_only" not in result.stdout.str().replace("deselected", "")


def test_a_folder_not_named_after_an_image_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write_test_stack(pytester.path, "owner-unused", three_images())
    (pytester.path / "pytest.ini").write_text(INI)
    write_checks(pytester, {"grandchild/test_x.py": "def test_x():\n    pass\n"})

    result = pytester.runpytest_subprocess("--collect-only")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        f"ERROR: {pytester.path}/checks/grandchild: no image 'grandchild' in the stack at "
        f"{pytester.path}/stack: name the folder after one of root, child, sibling, or move it "
        f"out of {pytester.path}/checks (inspections_image_tests)"
    ) in result.stderr.lines
