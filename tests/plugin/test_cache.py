"""--cache-dir: container values reused on unchanged images, fresh on any change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docker
import pytest

from tests.plugin.stacks import OS_INSPECTIONS, MakeStack, record_of
from throwaway_stacks import StackImage

pytestmark = pytest.mark.docker

INSPECTIONS = (
    OS_INSPECTIONS
    + """
    from inspections.library.build import date_tag

    @tagger
    def same_command_again(host):
        return "id-" + output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")
"""
)


def inspect_run(pytester: pytest.Pytester, out: str, epoch: int) -> dict[str, Any]:
    """One cached session over the stack; its inspections.json."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        result = pytester.runpytest_subprocess(
            "--stack", "stack", "--emit-manifests", out, "--cache-dir", "cache"
        )
    result.assert_outcomes(passed=5)  # 4 inspections and the image's verdict
    entry = record_of(pytester.path / out)["root"]
    (manifest,) = (pytester.path / out / "manifests").iterdir()
    entry["pieces_text"] = manifest_pieces_text(manifest)
    return entry


def manifest_pieces_text(manifest: Path) -> str:
    """The manifest from its first piece on: what the inspections wrote, not the build info."""
    text = manifest.read_text(encoding="utf-8")
    first_piece = text.index("\n## ", text.index("## Build Info"))
    return text[first_piece:]


def test_a_warm_run_starts_no_container_and_keeps_time_values_fresh(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": INSPECTIONS})})
    cold = inspect_run(pytester, "cold", 1764000000)
    warm = inspect_run(pytester, "warm", 1764100000)
    assert cold["timing"]["container_start_seconds"] is not None
    assert cold["timing"]["commands_executed"] == cold["timing"]["distinct_commands"] == 2
    assert warm["timing"]["container_start_seconds"] is None
    assert warm["timing"]["commands_executed"] == 0
    assert warm["timing"]["cached_values"] == 3
    assert cold["tags"][1:] == ["x86_64-debian-12", "x86_64-2025-11-24", "x86_64-id-debian-12"]
    assert warm["tags"][1:] == ["x86_64-debian-12", "x86_64-2025-11-25", "x86_64-id-debian-12"]
    assert warm["manifest_pieces"] == cold["manifest_pieces"] == ["OS Release"]
    assert warm["pieces_text"] == cold["pieces_text"]


def test_a_changed_image_is_inspected_again(
    pytester: pytest.Pytester,
    make_stack: MakeStack,
    owner: str,
    docker_client: docker.DockerClient,
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": INSPECTIONS})})
    inspect_run(pytester, "first", 1764000000)
    docker_client.images.get("localhost/demo/docker-stacks-foundation:latest").tag(
        f"localhost/{owner}/root", "latest"
    )
    rebuilt = inspect_run(pytester, "second", 1764000000)
    assert rebuilt["timing"]["cached_values"] == 0
    assert rebuilt["timing"]["container_start_seconds"] is not None


def test_changed_inspection_code_is_run_again(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    stack = make_stack({"root": StackImage(files={"inspect_root.py": INSPECTIONS})})
    inspect_run(pytester, "first", 1764000000)
    module = stack / "root/inspect_root.py"
    module.write_text(module.read_text().replace('"id-"', '"os-id-"'))
    changed = inspect_run(pytester, "second", 1764000000)
    assert changed["timing"]["cached_values"] == 0
    assert "x86_64-os-id-debian-12" in changed["tags"]


def test_a_corrupt_entry_means_a_fresh_value(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": INSPECTIONS})})
    cold = inspect_run(pytester, "first", 1764000000)
    entries = sorted(Path(pytester.path / "cache").rglob("*.json"))
    assert len(entries) == 3
    entries[0].write_text('{"key": "tru')
    entries[1].write_text(json.dumps({"key": "other", "code": "x", "value": "forged"}))
    again = inspect_run(pytester, "second", 1764000000)
    assert again["timing"]["cached_values"] == 1
    assert again["tags"] == cold["tags"]
    assert again["pieces_text"] == cold["pieces_text"]


HELPED = """
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "helpers"))
    from versions import version_of

    from inspections import output_of, tagger

    @tagger
    def os_tag(host):
        return version_of(output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID"))

    @tagger
    def build_aware(host, build_info):
        return "built-" + build_info.timestamp.strftime("%Y%m%d") + "-" + output_of(host, "echo x")
"""


def test_a_changed_helper_module_or_a_build_dependent_value_is_never_served_stale(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    """The key covers imported helpers outside the stack; build_info makes a value uncached."""
    helpers = pytester.path / "helpers"
    helpers.mkdir()
    (helpers / "versions.py").write_text("def version_of(text):\n    return 'os-' + text\n")
    make_stack({"root": StackImage(files={"inspect_root.py": HELPED})})

    def run(epoch: int) -> dict[str, Any]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", str(epoch))
            result = pytester.runpytest_subprocess(
                "--stack", "stack", "--emit-manifests", f"out-{epoch}", "--cache-dir", "cache"
            )
        result.assert_outcomes(passed=3)
        return record_of(pytester.path / f"out-{epoch}")["root"]

    first = run(1764000000)
    (helpers / "versions.py").write_text("def version_of(text):\n    return 'system-' + text\n")
    second = run(1764100000)

    assert first["tags"][1:] == ["x86_64-os-debian-12", "x86_64-built-20251124-x"]
    assert second["tags"][1:] == ["x86_64-system-debian-12", "x86_64-built-20251125-x"]
    assert second["timing"]["cached_values"] == 0


def test_an_unusable_cache_folder_is_one_line_before_any_container(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": INSPECTIONS})})
    (pytester.path / "cache").write_text("a file where the cache folder should be")

    result = pytester.runpytest_subprocess("--stack", "stack", "--cache-dir", "cache")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert errors == [
        f"ERROR: --cache-dir {pytester.path / 'cache'} is a file: pass a folder (it is created "
        "if missing)"
    ]


def test_a_warm_run_never_imports_the_docker_sdk(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(files={"inspect_root.py": INSPECTIONS})})
    pytester.makeconftest(
        """
        import sys

        def pytest_unconfigure(config):
            print("docker SDK imported:", "docker" in sys.modules)
        """
    )
    cold = pytester.runpytest_subprocess("--stack", "stack", "--cache-dir", "cache")
    warm = pytester.runpytest_subprocess("--stack", "stack", "--cache-dir", "cache")
    cold.stdout.fnmatch_lines(["docker SDK imported: True"])
    warm.stdout.fnmatch_lines(["docker SDK imported: False"])
