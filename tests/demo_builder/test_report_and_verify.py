"""The demo's declaration, and --verify's comparison with expected_versions.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from builder.verify import expected_values, mismatches, verify_image, verify_script

from inspections.stack import ImageSpec, Stack, StackSettings, load_stack
from tests.demo_builder.script import DEMO


def test_the_demo_folder_declares_the_images_of_expected_versions() -> None:
    expected = tomllib.loads((DEMO / "expected_versions.toml").read_text())["parents"]
    stack = load_stack(DEMO)
    assert {name: image.parent for name, image in stack.images.items()} == expected
    assert "builder" not in stack.images


def test_expected_values_merge_the_ancestors_sections() -> None:
    images = {
        "root": ImageSpec("root", "", Path("root")),
        "child": ImageSpec("child", "root", Path("child")),
        "other": ImageSpec("other", "root", Path("other")),
    }
    stack = Stack(Path("."), StackSettings("localhost", "demo"), images)
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
