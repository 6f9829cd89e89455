"""The per-image lines, the summary, the docker build command and --verify's comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builder.images import BuildOptions, build_command
from builder.inputs import INPUTS_LABEL
from builder.report import Result, report, summary
from builder.stack import Image, Stack
from builder.verify import expected_values, mismatches, verify_image, verify_script


def test_one_line_per_image_with_status_time_and_size(capsys: pytest.CaptureFixture[str]) -> None:
    report(Result("base-notebook", "up to date", 0.1234, 597_600_000))
    report(Result("pytorch-notebook", "skipped", 0.0, note="no wheel"))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"base-notebook\s+up to date\s+0\.1 s\s+598 MB", lines[0])
    assert re.fullmatch(r"pytorch-notebook\s+skipped\s+0\.0 s \s*\(no wheel\)", lines[1])


def test_summary_counts_outcomes_and_explains_skips(capsys: pytest.CaptureFixture[str]) -> None:
    results = [
        Result("bookworm-minbase", "present", 0.0),
        Result("a", "up to date", 0.1),
        Result("b", "built", 3.0),
        Result("c", "up to date", 0.1),
        Result("d", "skipped", 0.0, note="parent x was skipped"),
    ]
    summary(results, 3.25)
    assert capsys.readouterr().out.splitlines() == [
        "done: 1 present, 2 up to date, 1 built, 1 skipped in 3.2 s",
        "note: d was skipped: parent x was skipped",
    ]


def test_build_command(tmp_path: Path) -> None:
    options = BuildOptions(ca_bundle=Path("/certs/ca.crt"))
    args = {"BASE_IMAGE": "localhost/demo/root:latest"}
    command = build_command(
        "/usr/bin/docker", tmp_path, "localhost/demo/x:latest", "abc", args, options
    )
    assert command == [
        "/usr/bin/docker",
        "build",
        "--progress=plain",
        "--tag",
        "localhost/demo/x:latest",
        "--secret",
        "id=ca,src=/certs/ca.crt",
        "--label",
        f"{INPUTS_LABEL}=abc",
        "--build-arg",
        "BASE_IMAGE=localhost/demo/root:latest",
        str(tmp_path),
    ]
    no_cache = BuildOptions(ca_bundle=Path("/certs/ca.crt"), no_cache=True)
    assert "--no-cache" in build_command("d", tmp_path, "r", "h", args, no_cache)


def test_expected_values_merge_the_ancestors_sections() -> None:
    images = {
        "root": Image("root", "", Path("root")),
        "child": Image("child", "root", Path("child")),
        "other": Image("other", "root", Path("other")),
    }
    stack = Stack(Path("."), "localhost", "demo", images)
    expected: dict[str, object] = {
        "parents": {"root": "", "child": "root"},
        "root": {"os_id": "debian", "python": "3.11.2"},
        "child": {"python": "3.12.1", "torch": "2.0"},
        "other": {"pip": 26.3},
    }
    assert expected_values(expected, stack, "child") == {
        "os_id": "debian",
        "python": "3.12.1",
        "torch": "2.0",
    }
    assert expected_values(expected, stack, "other") == {
        "os_id": "debian",
        "python": "3.11.2",
        "pip": "26.3",
    }


def test_verify_script_prints_every_key_once() -> None:
    script = verify_script({"python": "3.11.2", "os_id": "debian"})
    lines = script.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("printf '%s\\t%s\\n' os_id \"$(. /etc/os-release && echo $ID)\"")
    assert lines[1].startswith("printf '%s\\t%s\\n' python ")


def test_mismatches_name_each_difference() -> None:
    values = {"os_id": "debian", "python": "3.11.2", "lab": "4.6.6"}
    output = "os_id\tubuntu\npython\t3.11.2\nnoise without a tab\n"
    assert mismatches(values, output) == [
        "lab: expected '4.6.6', image reports None",
        "os_id: expected 'debian', image reports 'ubuntu'",
    ]
    assert mismatches({"python": "3.11.2"}, "python\t3.11.2\n") == []


def test_a_key_without_command_fails_before_running_anything() -> None:
    problems = verify_image("/nonexistent/docker", "any:latest", {"os_id": "x", "nodejs": "20"})
    assert problems == ["no verify command for nodejs"]
