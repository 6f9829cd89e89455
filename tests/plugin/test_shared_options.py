"""Options a project defines itself (`--image`, `--registry`, `--owner`, `--variant`, `--stack`):
pytest starts, theirs are theirs, ours stay reachable, and the same meanings are shared."""

from __future__ import annotations

import pytest

from tests.plugin.stacks import OS_INSPECTIONS, write_test_stack
from throwaway_stacks import StackImage

# A conftest in the Jupyter Docker Stacks' style, plus two names meaning something else.
THEIR_CONFTEST = """
def pytest_addoption(parser):
    parser.addoption("--registry", required=True, choices=["docker.io", "quay.io"])
    parser.addoption("--owner", required=True, help="Owner of the image")
    parser.addoption("--image", required=True, help="Short image name")
    parser.addoption("--variant", action="store_true", help="their own flag")
    parser.addoption("--stack", default="none", help="their own setting")
"""
THEIR_TEST = """
def test_options(request):
    get = request.config.getoption
    assert (get("--registry"), get("--owner"), get("--image")) == ("quay.io", "me", "child")
    assert (get("--variant"), get("--stack")) == (True, "blue")
"""
THEIR_ARGUMENTS = ["--registry", "quay.io", "--owner", "me", "--image", "child"]
THEIR_ARGUMENTS += ["--variant", "--stack", "blue"]


def two_images(pytester: pytest.Pytester) -> None:
    write_test_stack(
        pytester.path,
        "owner-unused",
        {
            "root": StackImage(files={"inspect_root.py": OS_INSPECTIONS}),
            "child": StackImage(parent="root"),
        },
    )


@pytest.mark.parametrize("plugin", [[], ["-p", "no:stack_inspections"]], ids=["on", "blocked"])
def test_a_conftest_with_the_same_names_runs_as_without_the_plugin(
    pytester: pytest.Pytester, plugin: list[str]
) -> None:
    pytester.makeconftest(THEIR_CONFTEST)
    pytester.makepyfile(test_theirs=THEIR_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *plugin, *THEIR_ARGUMENTS)
    result.assert_outcomes(passed=1)
    assert "image_verdict" not in result.stdout.str()
    assert "stack inspections" not in result.stdout.str()


def test_another_plugin_with_the_same_names_does_not_stop_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(their_plugin=THEIR_CONFTEST, test_theirs=THEIR_TEST)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "their_plugin", *THEIR_ARGUMENTS
    )
    result.assert_outcomes(passed=1)


def test_help_says_which_option_is_which(pytester: pytest.Pytester) -> None:
    def help_text() -> str:
        return " ".join(pytester.runpytest_subprocess("--help").stdout.str().split())

    assert "--image=NAME, --stack-image=NAME inspect this image" in help_text()
    pytester.makeconftest(THEIR_CONFTEST)
    shared = help_text()
    assert (
        "--stack-image=NAME inspect this image of the stack (repeatable; default: every image); "
        "--image is defined by a conftest or another plugin, and its value is read here too"
    ) in shared
    assert "--stack-variant=VARIANT image variant" in shared
    assert "--variant is defined by a conftest or another plugin" in shared
    assert "--stack-dir=DIR the stack folder (default: images); --stack is defined" in shared
    assert "--image=IMAGE Short image name" in shared


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stdout.lines if "::" in line]


def test_their_image_option_selects_the_image_and_ours_stay_reachable(
    pytester: pytest.Pytester,
) -> None:
    two_images(pytester)
    pytester.makeconftest(THEIR_CONFTEST)
    own = ["--stack-dir", "stack", "--collect-only", "-q"]

    theirs = pytester.runpytest_subprocess(*own, *THEIR_ARGUMENTS)
    both = pytester.runpytest_subprocess(
        *own, *THEIR_ARGUMENTS, "--stack-image", "root", "--inspections-only"
    )

    assert collected(theirs) == [
        "stack/root/inspect_root.py::os_tag[child]",
        "stack/root/inspect_root.py::os_release[child]",
    ]
    assert "stack/root/inspect_root.py::os_tag[root]" in collected(both)
    assert "stack/root/inspect_root.py::os_tag[child]" in collected(both)


def test_ours_may_add_no_image_their_tests_would_gate_without_running_on_it(
    pytester: pytest.Pytester,
) -> None:
    two_images(pytester)
    pytester.makeconftest(THEIR_CONFTEST)
    result = pytester.runpytest_subprocess(
        "--stack-dir", "stack", *THEIR_ARGUMENTS, "--stack-image", "root", "--collect-only"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [
        "ERROR: --stack-image root: the project's own tests run only on the image --image names "
        "(child), so they cannot vouch for root: give it a session of its own (--image root), "
        "or add --inspections-only to inspect it without those tests"
    ]


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["--stack-image", "nope", "--inspections-only"], "--stack-image"),
        (["--image", "nope"], "--image"),
    ],
    ids=["ours", "theirs"],
)
def test_an_unknown_image_is_blamed_on_the_option_that_named_it(
    pytester: pytest.Pytester, arguments: list[str], option: str
) -> None:
    two_images(pytester)
    pytester.makeconftest(THEIR_CONFTEST)
    their_arguments = THEIR_ARGUMENTS if option != "--image" else THEIR_ARGUMENTS[:4]
    result = pytester.runpytest_subprocess(
        "--stack-dir", "stack", *their_arguments, *arguments, "--collect-only"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: unknown image 'nope' in {option}: the stack at " in result.stderr.str()


def test_their_owner_is_read_and_must_agree_with_ours(pytester: pytest.Pytester) -> None:
    two_images(pytester)
    pytester.makeconftest(THEIR_CONFTEST)
    result = pytester.runpytest_subprocess(
        "--stack-dir", "stack", *THEIR_ARGUMENTS, "--stack-owner", "someone-else"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "ERROR: --stack-owner 'someone-else' and --owner 'me' disagree: give one of them" in (
        result.stderr.lines
    )


def test_our_variant_is_reachable_where_theirs_means_something_else(
    pytester: pytest.Pytester,
) -> None:
    two_images(pytester)
    pytester.makeconftest(THEIR_CONFTEST)
    result = pytester.runpytest_subprocess(
        "--stack-dir", "stack", *THEIR_ARGUMENTS, "--stack-variant", "Bad", "--collect-only"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "ERROR: invalid --stack-variant 'Bad': use a lowercase name such as cuda12 or default"
        in result.stderr.lines
    )


def test_a_missing_variant_names_the_option_that_picks_ours(pytester: pytest.Pytester) -> None:
    two_images(pytester)
    pytester.makeconftest(THEIR_CONFTEST)
    result = pytester.runpytest_subprocess(
        "--stack-dir", "stack", *THEIR_ARGUMENTS, "--stack-variant", "cuda", "--collect-only"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [
        f"ERROR: image 'child' has no variant 'cuda': add it to variants in "
        f"{pytester.path / 'stack/child'}/image.toml or pick another --stack-variant"
    ]
