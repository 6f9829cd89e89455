"""Bad input and hostile output: one clear line, the verdict in every report, nothing raw.

Real runs of pytest on the demo root image, each recording what it observed for the table.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import NO_IMAGE_FILES, ROOT_IMAGE, record_entry, run, write_root_stack
from throwaway_stacks import StackImage, write_image

Record = Callable[[str, object], None]
TAG_OK = """
    from inspections import output_of, tagger

    @tagger
    def os_tag(host):
        return output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")
"""

BAD_OPTIONS = [
    ("timeout 0", ["--inspection-timeout", "0"], "invalid --inspection-timeout '0'"),
    ("timeout -5", ["--inspection-timeout", "-5"], "invalid --inspection-timeout '-5'"),
    ("timeout nan", ["--inspection-timeout", "nan"], "invalid --inspection-timeout 'nan'"),
    ("owner with capitals", ["--owner", "Adv"], "invalid --owner 'Adv'"),
    ("owner with a space", ["--owner", "a b"], "invalid --owner 'a b'"),
    ("registry with a slash", ["--registry", "quay.io/x"], "invalid --registry 'quay.io/x'"),
]


@pytest.mark.parametrize(
    ("scenario", "args", "expected"), BAD_OPTIONS, ids=[row[0] for row in BAD_OPTIONS]
)
def test_a_bad_option_is_one_line_at_start_up(
    tmp_path: Path, record_property: Record, scenario: str, args: list[str], expected: str
) -> None:
    write_root_stack(tmp_path, TAG_OK)
    observed = run(tmp_path, "--stack", "stack", *args)
    lines = observed.error_lines()
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {lines[:1]}")
    assert observed.returncode == pytest.ExitCode.USAGE_ERROR
    assert len(lines) == 1 and expected in lines[0], observed.stderr
    assert "Traceback" not in observed.stdout + observed.stderr


@pytest.mark.docker
def test_output_that_is_not_utf8_is_kept_with_replacements(
    tmp_path: Path, record_property: Record
) -> None:
    code = (
        TAG_OK
        + """
    from inspections import manifest, quoted_output

    @manifest("Latin-1")
    def latin1(host):
        return quoted_output(host, "printf 'caf\\\\351 cr\\\\350me\\\\n'")
    """
    )
    write_root_stack(tmp_path, code)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    manifest = next((tmp_path / "out/manifests").iterdir()).read_text(encoding="utf-8")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: caf\ufffd cr\ufffdme")
    assert observed.returncode == 0, observed.stdout
    assert "caf\ufffd cr\ufffdme" in manifest


@pytest.mark.docker
def test_a_commit_message_in_another_encoding_is_read(
    tmp_path: Path, record_property: Record
) -> None:
    write_root_stack(tmp_path, TAG_OK)
    (tmp_path / "note.txt").write_text("changed\n")
    subprocess.run(["git", "add", "note.txt"], cwd=tmp_path, check=True)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(
        ["git", *identity, "-c", "i18n.commitEncoding=latin1", "commit", "-qF", "-"],
        cwd=tmp_path,
        input=b"Caf\xe9 cr\xe8me\n",
        check=True,
    )
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    manifest = next((tmp_path / "out/manifests").iterdir()).read_text(encoding="utf-8")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}")
    assert observed.returncode == 0, observed.stdout + observed.stderr
    assert "INTERNALERROR" not in observed.stdout
    assert "Caf" in manifest and "me" in manifest


def test_a_1100_deep_hierarchy_is_no_internal_error(
    tmp_path: Path, record_property: Record
) -> None:
    stack = write_root_stack(tmp_path, TAG_OK)
    parent = ROOT_IMAGE
    for depth in range(1100):
        name = f"level-{depth}"
        write_image(stack, name, StackImage(parent))
        parent = name
    observed = run(tmp_path, "--stack", "stack", "--collect-only", "-q")
    record_property(
        FAULT_PROPERTY, f"exit {observed.returncode}: {observed.stdout.splitlines()[-1:]}"
    )
    assert observed.returncode == 0, observed.stdout[-2000:] + observed.stderr[-2000:]
    assert "INTERNALERROR" not in observed.stdout and "RecursionError" not in observed.stdout
    assert "1101 tests collected" in observed.stdout


def test_a_linked_image_folder_is_refused(tmp_path: Path, record_property: Record) -> None:
    stack = write_root_stack(tmp_path, TAG_OK)
    os.symlink(stack / ROOT_IMAGE, stack / "alias")
    observed = run(tmp_path, "--stack", "stack")
    lines = observed.error_lines()
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {lines[:1]}")
    assert observed.returncode == pytest.ExitCode.USAGE_ERROR
    assert lines == [
        f"ERROR: {stack / 'alias'}: an image folder must be a real folder, not a link: copy "
        "it, or give the image its own folder"
    ]


ESCAPES = """
    from inspections import output_of, tagger

    @tagger
    def hostile(host):
        hostile = "\\\\033]0;owned\\\\007\\\\033[2J\\\\033[31mred"
        return output_of(host, f"printf '{hostile}' >&2; exit 3")
"""


@pytest.mark.docker
def test_escape_sequences_from_an_image_never_reach_the_terminal(
    tmp_path: Path, record_property: Record
) -> None:
    write_root_stack(tmp_path, ESCAPES)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    shown = [line for line in observed.stdout.splitlines() if "exited with 3" in line]
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {shown[:1]}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert "\x1b" not in observed.stdout and "\x07" not in observed.stdout
    assert shown and all("\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred" in line for line in shown)


@pytest.mark.docker
def test_clashing_tags_fail_in_junit_xml_too(tmp_path: Path, record_property: Record) -> None:
    code = TAG_OK + "\n    @tagger\n    def again(host):\n        return os_tag(host)\n"
    write_root_stack(tmp_path, code)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out", "--junitxml", "j.xml")
    suite = ElementTree.parse(tmp_path / "j.xml").getroot().find("testsuite")
    assert suite is not None
    verdict = next(
        case for case in suite.iter("testcase") if "image_verdict" in case.get("name", "")
    )
    failure = verdict.find("failure")
    record_property(
        FAULT_PROPERTY, f"exit {observed.returncode}, junit failures={suite.get('failures')}"
    )
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert suite.get("failures") == "1"
    assert failure is not None and "both gave tag 'debian-12'" in (failure.get("message") or "")
    assert "1 failed" in observed.stdout


@pytest.mark.docker
def test_a_tag_too_long_only_with_the_variant_prefix_fails_in_junit_xml(
    tmp_path: Path, record_property: Record
) -> None:
    code = TAG_OK + "\n    @tagger\n    def long(host):\n        return 'v' * 120\n"
    write_root_stack(tmp_path, code, declaration='parent = ""\nvariants = ["cuda12"]\n')
    reference = f"localhost/demo/{ROOT_IMAGE}"
    subprocess.run(
        ["docker", "tag", f"{reference}:latest", f"{reference}:cuda12-latest"], check=True
    )
    try:
        args = ["--variant", "cuda12", "--emit-manifests", "out", "--junitxml", "j.xml"]
        observed = run(tmp_path, "--stack", "stack", *args)
    finally:
        subprocess.run(["docker", "rmi", f"{reference}:cuda12-latest"], check=True)
    suite = ElementTree.parse(tmp_path / "j.xml").getroot().find("testsuite")
    assert suite is not None
    record_property(
        FAULT_PROPERTY, f"exit {observed.returncode}, junit failures={suite.get('failures')}"
    )
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert suite.get("failures") == "1"
    assert "is 134 characters long: Docker allows 128" in observed.stdout


@pytest.mark.docker
def test_a_partial_selection_publishes_nothing_and_says_so(
    tmp_path: Path, record_property: Record
) -> None:
    code = TAG_OK + "\n    @tagger\n    def node_tag(host):\n        return 'node-1'\n"
    write_root_stack(tmp_path, code)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out", "-k", "node_tag")
    lines = observed.stdout.splitlines()
    line = next((line for line in lines if line.startswith(f"{ROOT_IMAGE}: os_tag")), "")
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {line}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED
    assert line == f"{ROOT_IMAGE}: os_tag not run (deselected, or the session stopped)"
    assert record_entry(tmp_path / "out")["outcome"] == "incomplete"
    assert observed.files == NO_IMAGE_FILES


@pytest.mark.docker
def test_another_tests_failure_with_an_image_id_leaves_the_image_alone(
    tmp_path: Path, record_property: Record
) -> None:
    write_root_stack(tmp_path, TAG_OK)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_other.py").write_text(
        "import pytest\n\n"
        f"@pytest.mark.parametrize('x', ['{ROOT_IMAGE}'], ids=['{ROOT_IMAGE}'])\n"
        "def test_x(x):\n"
        "    assert False\n"
    )
    observed = run(tmp_path, "--stack", "stack", "stack", "tests", "--emit-manifests", "out")
    outcome = record_entry(tmp_path / "out")["outcome"]
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}, image {outcome}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED  # the other test failed
    assert outcome == "passed"
    assert f"tags/x86_64-default-{ROOT_IMAGE}.txt" in observed.files
