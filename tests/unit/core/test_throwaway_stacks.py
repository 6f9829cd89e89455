"""The tests' and benchmarks' one stack writer writes what the stack model reads back."""

from __future__ import annotations

import subprocess
from pathlib import Path

from inspections.stack import StackSettings, load_stack
from throwaway_stacks import StackImage, one_step_dockerfile, write_project


def test_a_written_project_is_the_stack_it_describes(tmp_path: Path) -> None:
    images = {
        "root": StackImage(files={"inspect_root.py": "\n    TAG = 1\n"}, build_args={"A": "1"}),
        "child": StackImage(
            "root", {"Dockerfile": one_step_dockerfile("true"), "gpu/Dockerfile": "FROM x\n"}
        ),
        "gpu": StackImage("child", variants=("cuda12",)),
    }

    folder = write_project(tmp_path, "me", images, "https://example.org/me")

    stack = load_stack(folder)
    assert stack.settings == StackSettings("localhost", "me", "https://example.org/me")
    assert {name: spec.parent for name, spec in stack.images.items()} == {
        "root": "",
        "child": "root",
        "gpu": "child",
    }
    assert stack.images["gpu"].variants == ("cuda12",)
    assert stack.images["root"].build_args == (("A", "1"),)
    assert (folder / "root/inspect_root.py").read_text() == "\nTAG = 1\n"  # dedented
    assert (folder / "child/gpu/Dockerfile").read_text() == "FROM x\n"
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""  # everything committed, pytest.ini included
    assert (tmp_path / "pytest.ini").is_file()


def test_a_declaration_as_written_replaces_the_fields(tmp_path: Path) -> None:
    images = {"root": StackImage(parent="ignored", declaration='parent = ""\n# by hand\n')}

    folder = write_project(tmp_path, "me", images, "https://example.org/me")

    assert (folder / "root/image.toml").read_text() == 'parent = ""\n# by hand\n'
    assert load_stack(folder).images["root"].parent == ""
