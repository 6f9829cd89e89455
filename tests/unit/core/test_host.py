"""The inspections' testinfra backend: each distinct command runs once in inspection threads."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from inspections.errors import InspectionError
from inspections.runtime.host import InspectionBackend, inspecting, lazy_host


class FakeContainer:
    """Stands in for an inspection container: records each command line it runs."""

    def __init__(self, name: str = "0123abcd") -> None:
        self.name = name
        self.ran: list[str] = []
        self.users: list[str | None] = []
        self.output = b""
        self.failure: Exception | None = None

    def exec(self, line: str, user: str | None) -> tuple[int, bytes, bytes]:
        self.ran.append(line)
        self.users.append(user)
        if self.failure is not None:
            raise self.failure
        return 0, self.output or f"run {len(self.ran)}: {line}\n".encode(), b""


@pytest.fixture
def docker() -> FakeContainer:
    return FakeContainer()


def host_for(container: FakeContainer, stopped_because: str = "") -> Any:
    """A lazy host on the fake container."""
    return lazy_host("image", lambda: container, lambda: stopped_because)


def caching_commands(host: Any) -> Any:
    """Sharing results in this thread, as an inspection's thread does."""
    return inspecting(host)


def test_host_for_uses_the_caching_backend(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)

    assert isinstance(testinfra_host.backend, InspectionBackend)
    assert testinfra_host.backend.container() is docker
    assert testinfra_host.backend.sharing is False


def test_command_runs_once_while_caching(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)

    with caching_commands(testinfra_host):
        first = testinfra_host.run("python --version")
        second = testinfra_host.run("python --version")
        output = testinfra_host.check_output("python --version")

    assert docker.ran == ["python --version"]
    assert first.stdout == second.stdout == "run 1: python --version\n"
    assert output == "run 1: python --version"


def test_results_are_shared_between_caching_blocks(docker: FakeContainer) -> None:
    """A tagger and a manifest piece, each in its own block, read `python --version` once."""
    testinfra_host = host_for(docker)

    with caching_commands(testinfra_host):
        testinfra_host.run("python --version")
    with caching_commands(testinfra_host):
        result = testinfra_host.run("python --version")

    assert docker.ran == ["python --version"]
    assert result.stdout == "run 1: python --version\n"


def test_distinct_command_lines_each_run(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)

    with caching_commands(testinfra_host):
        testinfra_host.run("pip list")
        testinfra_host.run("pip list --format=json")
        testinfra_host.run("echo %s", "a b")
        testinfra_host.run("echo %s", "a b")
        testinfra_host.run("echo %s", "a  b")

    assert docker.ran == ["pip list", "pip list --format=json", "echo 'a b'", "echo 'a  b'"]


def test_commands_run_every_time_outside_caching(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)

    first = testinfra_host.run("touch /tmp/x && ls /tmp")
    second = testinfra_host.run("touch /tmp/x && ls /tmp")

    assert docker.ran == ["touch /tmp/x && ls /tmp"] * 2
    assert first.stdout != second.stdout


def test_results_outside_caching_are_not_remembered(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)

    testinfra_host.run("uname -m")
    with caching_commands(testinfra_host):
        testinfra_host.run("uname -m")
    testinfra_host.run("uname -m")

    assert docker.ran == ["uname -m"] * 3


def test_executed_lists_what_inspections_really_ran(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)
    backend = testinfra_host.backend
    assert isinstance(backend, InspectionBackend)

    with caching_commands(testinfra_host):
        testinfra_host.run("python --version")
        testinfra_host.run("python --version")
        testinfra_host.run("pip list")
    testinfra_host.run("python --version")

    assert backend.executed == ["python --version", "pip list"]
    assert docker.ran == ["python --version", "pip list", "python --version"]
    assert set(backend.seconds) == {"python --version", "pip list"}


def test_concurrent_inspections_share_one_run_of_a_command(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)
    started = threading.Barrier(4)
    outputs: list[str] = []

    def inspection() -> None:
        with caching_commands(testinfra_host):
            started.wait()
            outputs.append(testinfra_host.check_output("apt list --installed"))

    threads = [threading.Thread(target=inspection) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert docker.ran == ["apt list --installed"]
    assert outputs == ["run 1: apt list --installed"] * 4


def test_caching_stops_when_the_block_raises(docker: FakeContainer) -> None:
    testinfra_host = host_for(docker)
    backend = testinfra_host.backend
    assert isinstance(backend, InspectionBackend)

    with pytest.raises(RuntimeError), caching_commands(testinfra_host):
        assert backend.sharing
        raise RuntimeError("inspection failed")

    assert backend.sharing is False


def test_caching_commands_accepts_other_hosts(docker: FakeContainer) -> None:
    ran_inside = False

    for other in (None, object()):
        with caching_commands(other):
            ran_inside = True

    assert ran_inside
    assert docker.ran == []


def test_encoding_needs_no_command(docker: FakeContainer) -> None:
    backend = host_for(docker).backend

    assert backend.get_encoding() == "utf-8"
    assert backend.decode("python-3.11 ✓".encode()) == "python-3.11 ✓"
    assert docker.ran == []


def test_commands_are_quoted_and_run_in_the_container(docker: FakeContainer) -> None:
    host_for(docker).run("ls %s", "/tmp/a b")

    assert docker.ran == ["ls '/tmp/a b'"]


def test_the_container_is_asked_for_only_when_a_command_runs(docker: FakeContainer) -> None:
    asked: list[str] = []

    def container() -> Any:
        asked.append("container")
        return docker

    testinfra_host = lazy_host("image", container, lambda: "")
    assert asked == []
    testinfra_host.run("true")
    assert asked == ["container"]


def test_output_that_is_not_utf8_is_decoded_with_replacements(docker: FakeContainer) -> None:
    docker.output = b"caf\xe9 \xff\xfe ok\n"

    result = host_for(docker).run("cat latin1.txt")

    assert result.stdout == "caf\ufffd \ufffd\ufffd ok\n"
    assert result.stdout_bytes == b"caf\xe9 \xff\xfe ok\n"


def test_an_engine_failure_names_the_command(docker: FakeContainer) -> None:
    docker.failure = ConnectionError("engine went away\x1b[2J")

    with pytest.raises(InspectionError) as raised:
        host_for(docker).run("java --version")

    message = str(raised.value)
    assert message.startswith("`java --version` could not run in the container (")
    assert "\x1b" not in message and "\\x1b[2J" in message


def test_a_stopped_container_says_why_instead_of_the_engine_error(docker: FakeContainer) -> None:
    docker.failure = ConnectionError("404 Client Error: No such container")
    reason = "stopped because spark_tag timed out after 5 s (the container was removed)"

    with pytest.raises(InspectionError, match=r"^stopped because spark_tag timed out"):
        host_for(docker, stopped_because=reason).run("python --version")


class SteppedClock:
    """A perf_counter that advances only when told: starting and running take known times."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_commands_time_leaves_out_starting_the_container(
    docker: FakeContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SteppedClock()
    monkeypatch.setattr("inspections.runtime.host.time", SimpleNamespace(perf_counter=clock))

    def start_container() -> FakeContainer:
        clock.now += 5.0  # the container takes 5 s to start
        return docker

    def run_slowly(line: str, user: str | None) -> tuple[int, bytes, bytes]:
        clock.now += 2.0  # and the command 2 s
        return 0, b"done\n", b""

    docker.exec = run_slowly  # type: ignore[method-assign]
    testinfra_host = lazy_host("image", start_container, lambda: "")

    with caching_commands(testinfra_host):
        testinfra_host.run("sleep 2")
    testinfra_host.run("an image test's command")

    assert testinfra_host.backend.seconds == {"sleep 2": 2.0}
