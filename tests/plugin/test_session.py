"""One session for the whole stack: xdist, image tests, gating, and pytest's own options."""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest

from tests.plugin.stacks import OS_INSPECTIONS, MakeStack, labelled_containers
from throwaway_stacks import StackImage

pytestmark = pytest.mark.docker

RECORD_CONTAINER = """
    import os

    def test_record_container(image, container):
        with open(os.environ["CONTAINERS_FILE"], "a") as record:
            record.write(f"{image.name} {container.id}\\n")
"""

CHILD_INSPECTIONS = """
    from inspections import output_of, tagger

    @tagger
    def dpkg_tag(host):
        return "dpkg-" + output_of(host, "dpkg-query -W -f '${Version}' dpkg")
"""


def three_images(extra_child_files: dict[str, str] | None = None) -> dict[str, StackImage]:
    return {
        "root": StackImage(
            files={"inspect_root.py": OS_INSPECTIONS, "test_root.py": RECORD_CONTAINER}
        ),
        "child": StackImage(
            parent="root",
            files={"inspect_child.py": CHILD_INSPECTIONS, **(extra_child_files or {})},
        ),
        "sibling": StackImage(parent="root"),
    }


def output_files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "inspections.json"
    }


def without_durations(record: dict) -> dict:
    """The record without what the clock decides (durations, timings) and the run's id."""
    for entry in record["images"]:
        entry.pop("timing")
        entry.pop("session")
        for inspection in entry["inspections"]:
            inspection.pop("duration_seconds")
    return record


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")


@pytest.mark.usefixtures("fixed_clock")
def test_parallel_outputs_are_byte_identical_to_serial(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_stack(three_images())
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    serial = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "serial")
    serial.assert_outcomes(passed=13)  # 10 items and 3 image verdicts
    parallel = pytester.runpytest_subprocess(
        "--stack", "stack", "--emit-manifests", "parallel", "-n", "2"
    )
    parallel.assert_outcomes(passed=13)
    serial_files = output_files(pytester.path / "serial")
    assert len(serial_files) == 9 + 1  # 3 files of each image, the stack diagram
    assert output_files(pytester.path / "parallel") == serial_files
    summaries = [
        without_durations(json.loads((pytester.path / run / "inspections.json").read_text()))
        for run in ("serial", "parallel")
    ]
    assert summaries[0] == summaries[1]


def test_one_container_per_image_under_xdist(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_stack(three_images())
    record = pytester.path / "containers.txt"
    monkeypatch.setenv("CONTAINERS_FILE", str(record))
    result = pytester.runpytest_subprocess("--stack", "stack", "-n", "2")
    result.assert_outcomes(passed=13)
    containers: dict[str, set[str]] = {}
    for line in record.read_text().splitlines():
        image, container = line.split()
        containers.setdefault(image, set()).add(container)
    assert {image: len(ids) for image, ids in containers.items()} == {
        "root": 1,
        "child": 1,
        "sibling": 1,
    }


@pytest.mark.parametrize("mode", [["-n", "0"], ["-n", "2"], ["-p", "no:xdist"]])
def test_a_failing_image_test_gates_only_its_image(
    pytester: pytest.Pytester,
    make_stack: MakeStack,
    monkeypatch: pytest.MonkeyPatch,
    mode: list[str],
) -> None:
    failing_test = """
        def test_has_no_dpkg(host):
            assert not host.exists("dpkg")

        def test_skipped(host):
            import pytest
            pytest.skip("skips do not gate")
    """
    make_stack(three_images({"test_child.py": failing_test}))
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess("--stack", "stack", "--emit-manifests", "out", *mode)
    result.assert_outcomes(passed=12, failed=2, skipped=1)  # the test, and child's verdict
    tags = sorted(path.name for path in (pytester.path / "out/tags").iterdir())
    assert tags == ["x86_64-default-root.txt", "x86_64-default-sibling.txt"]
    result.stdout.fnmatch_lines(
        ["child: image test stack/child/test_child.py::test_has_no_dpkg[[]child[]] failed: *"]
    )


def test_test_gate_can_be_switched_off(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_test = "def test_fails(image):\n    assert False\n"
    make_stack(three_images({"test_child.py": failing_test}))
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess(
        "--stack", "stack", "--emit-manifests", "out", "--no-test-gate"
    )
    result.assert_outcomes(passed=13, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert (pytester.path / "out/tags/x86_64-default-child.txt").is_file()


def test_a_dying_worker_does_not_hang_the_session(
    pytester: pytest.Pytester,
    make_stack: MakeStack,
    monkeypatch: pytest.MonkeyPatch,
    docker_client: docker.DockerClient,
    owner: str,
) -> None:
    dying = """
        import os
        from inspections import tagger

        @tagger
        def dies(host):
            os._exit(1)
    """
    make_stack(three_images({"inspect_dying.py": dying}))
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess(
        "--stack", "stack", "--emit-manifests", "out", "-n", "2", timeout=240
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # The child's inspections run together, so the crash lands on whichever was running.
    result.stdout.fnmatch_lines(["*worker 'gw*' crashed while running*[[]child[]]*"])
    tags = sorted(path.name for path in (pytester.path / "out/tags").iterdir())
    assert tags == ["x86_64-default-root.txt", "x86_64-default-sibling.txt"]
    assert labelled_containers(docker_client, owner) == []


def test_deselected_inspections_fail_the_images_verdict_when_emitting(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing published is not a success: each partial image is a failed verdict item."""
    make_stack(three_images())
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess(
        "--stack", "stack", "--emit-manifests", "out", "-k", "os_tag"
    )
    result.assert_outcomes(passed=3, failed=3, deselected=7)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "root * incomplete *",
            "root: os_release not run (deselected, or the session stopped)",
            "FAILED stack/root::image_verdict[[]root[]]*",
        ]
    )
    assert not (pytester.path / "out/tags").exists()


def test_deselected_inspections_only_skip_the_verdict_when_nothing_is_emitted(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_stack(three_images())
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess("--stack", "stack", "-k", "os_tag", "-rs")
    result.assert_outcomes(passed=3, skipped=3, deselected=7)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["SKIPPED *root incomplete: os_release not run*"])


def test_collect_only_starts_nothing_and_writes_nothing(
    pytester: pytest.Pytester,
    make_stack: MakeStack,
    docker_client: docker.DockerClient,
    owner: str,
) -> None:
    make_stack(three_images())
    result = pytester.runpytest_subprocess(
        "--stack", "stack", "--emit-manifests", "out", "--collect-only", "-q"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["stack/root/inspect_root.py::os_tag[[]root[]]", "*10 tests*"])
    assert not (pytester.path / "out/inspections.json").exists()
    assert labelled_containers(docker_client, owner) == []


def test_junit_xml_carries_no_markdown(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_stack(three_images())
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess("--stack", "stack", "--junitxml", "junit.xml")
    result.assert_outcomes(passed=13)
    xml = (pytester.path / "junit.xml").read_text()
    assert xml.count("<testcase ") == 13
    assert 'name="os_release[child]"' in xml
    assert "```" not in xml and "PRETTY_NAME" not in xml


def test_shared_tests_run_on_every_image_and_stray_ones_say_where_to_go(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage(), "child": StackImage(parent="root")})
    with (pytester.path / "pytest.ini").open("a") as ini:
        ini.write("inspections_shared_tests = shared\n")
    pytester.mkdir("shared")
    (pytester.path / "shared/test_everywhere.py").write_text(
        "def test_hostname_resolves(host):\n"
        "    assert host.run('getent hosts $(hostname)').rc == 0\n"
    )
    (pytester.path / "test_stray.py").write_text("def test_stray(image):\n    pass\n")
    result = pytester.runpytest_subprocess("--stack", "stack", "shared", "test_stray.py", "-v")
    result.assert_outcomes(passed=4, errors=1)  # the shared test and each image's verdict
    result.stdout.fnmatch_lines(
        [
            "*test_hostname_resolves[[]root[]] PASSED*",
            "*test_hostname_resolves[[]child[]] PASSED*",
            "*this test takes `image` but is neither in an image folder of*",
        ]
    )


def test_tests_outside_the_stack_keep_their_own_image_parameter(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    make_stack({"root": StackImage()})
    (pytester.path / "test_other.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('image', ['root', 'elsewhere'])\n"
        "def test_own(image):\n"
        "    assert isinstance(image, str)\n"
    )
    result = pytester.runpytest_subprocess("--stack", "stack", "test_other.py", "-n", "2")
    result.assert_outcomes(passed=2)


def test_markers_select_image_tests_as_usual(
    pytester: pytest.Pytester, make_stack: MakeStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    marked = """
        import pytest

        @pytest.mark.slow
        def test_slow(host):
            assert host.run("true").rc == 0

        def test_quick(host):
            assert host.run("true").rc == 0
    """
    make_stack(three_images({"test_child.py": marked}))
    (pytester.path / "pytest.ini").write_text(
        "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\nmarkers = slow\n"
    )
    monkeypatch.setenv("CONTAINERS_FILE", str(pytester.path / "containers.txt"))
    result = pytester.runpytest_subprocess("--stack", "stack", "-m", "not slow", "-v")
    result.assert_outcomes(passed=14, deselected=1)
    result.stdout.fnmatch_lines(["*test_quick[[]child[]] PASSED*"])
    assert "test_slow" not in result.stdout.str()


def test_inspection_containers_have_no_network_and_no_privileges(
    pytester: pytest.Pytester, make_stack: MakeStack
) -> None:
    checks = """
        def test_least_privilege(container, host):
            container.reload()
            config = container.attrs["HostConfig"]
            assert config["NetworkMode"] == "none"
            assert config["Privileged"] is False
            assert not config["CapAdd"]
            assert config["AutoRemove"] is True
            assert container.attrs["Config"]["OpenStdin"] is True
            assert host.check_output("ls /sys/class/net") == "lo"
    """
    make_stack({"root": StackImage(files={"test_root.py": checks})})
    result = pytester.runpytest_subprocess("--stack", "stack")
    result.assert_outcomes(passed=2)
