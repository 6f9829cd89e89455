"""The caching testinfra backend: each distinct command runs once while inspections run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from inspections import host as host_module
from inspections.host import CachingDockerBackend, CommandTimeoutError, inspecting, lazy_host


class FakeDocker:
    """Stands in for the engine's exec API: records each command line it runs."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.containers: list[object] = []
        self.release = threading.Event()
        self.hangs = False

    def exec(self, container: object, user: str | None, line: str) -> tuple[int, bytes, bytes]:
        self.ran.append(line)
        self.containers.append(container)
        if self.hangs:
            self.release.wait(10)
        return 0, f"run {len(self.ran)}: {line}\n".encode(), b""


@pytest.fixture
def docker(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDocker]:
    fake = FakeDocker()
    monkeypatch.setattr(host_module, "_exec", fake.exec)
    yield fake
    fake.release.set()


def no_timeout() -> None:
    raise AssertionError("no command should time out here")


def host_for(container_id: str, on_timeout: Any) -> Any:
    """A lazy host whose container is the string `container_id` (the fake needs no more)."""
    return lazy_host("image", lambda: container_id, on_timeout)


def caching_commands(host: Any) -> Any:
    """Caching without a deadline, as an inspection with no timeout runs."""
    return inspecting(host, None)


def test_host_for_uses_the_caching_backend(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)

    assert isinstance(testinfra_host.backend, CachingDockerBackend)
    assert testinfra_host.backend.container() == "0123abcd"
    assert testinfra_host.backend.caching is False


def test_command_runs_once_while_caching(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)

    with caching_commands(testinfra_host):
        first = testinfra_host.run("python --version")
        second = testinfra_host.run("python --version")
        output = testinfra_host.check_output("python --version")

    assert docker.ran == ["python --version"]
    assert first.stdout == second.stdout == "run 1: python --version\n"
    assert output == "run 1: python --version"


def test_results_are_shared_between_caching_blocks(docker: FakeDocker) -> None:
    """A tagger and a manifest piece, each in its own block, read `python --version` once."""
    testinfra_host = host_for("0123abcd", no_timeout)

    with caching_commands(testinfra_host):
        testinfra_host.run("python --version")
    with caching_commands(testinfra_host):
        result = testinfra_host.run("python --version")

    assert docker.ran == ["python --version"]
    assert result.stdout == "run 1: python --version\n"


def test_distinct_command_lines_each_run(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)

    with caching_commands(testinfra_host):
        testinfra_host.run("pip list")
        testinfra_host.run("pip list --format=json")
        testinfra_host.run("echo %s", "a b")
        testinfra_host.run("echo %s", "a b")
        testinfra_host.run("echo %s", "a  b")

    assert docker.ran == ["pip list", "pip list --format=json", "echo 'a b'", "echo 'a  b'"]


def test_commands_run_every_time_outside_caching(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)

    first = testinfra_host.run("touch /tmp/x && ls /tmp")
    second = testinfra_host.run("touch /tmp/x && ls /tmp")

    assert docker.ran == ["touch /tmp/x && ls /tmp"] * 2
    assert first.stdout != second.stdout


def test_results_outside_caching_are_not_remembered(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)

    testinfra_host.run("uname -m")
    with caching_commands(testinfra_host):
        testinfra_host.run("uname -m")
    testinfra_host.run("uname -m")

    assert docker.ran == ["uname -m"] * 3


def test_executed_lists_what_inspections_really_ran(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)
    backend = testinfra_host.backend
    assert isinstance(backend, CachingDockerBackend)

    with caching_commands(testinfra_host):
        testinfra_host.run("python --version")
        testinfra_host.run("python --version")
        testinfra_host.run("pip list")
    testinfra_host.run("python --version")

    assert backend.executed == ["python --version", "pip list"]
    assert docker.ran == ["python --version", "pip list", "python --version"]
    assert set(backend.seconds) == {"python --version", "pip list"}


def test_concurrent_inspections_share_one_run_of_a_command(docker: FakeDocker) -> None:
    import threading

    testinfra_host = host_for("0123abcd", no_timeout)
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


def test_caching_stops_when_the_block_raises(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd", no_timeout)
    backend = testinfra_host.backend
    assert isinstance(backend, CachingDockerBackend)

    with pytest.raises(RuntimeError), caching_commands(testinfra_host):
        assert backend.caching
        raise RuntimeError("inspection failed")

    assert backend.caching is False


def test_caching_commands_accepts_other_hosts(docker: FakeDocker) -> None:
    ran_inside = False

    for other in (None, object()):
        with caching_commands(other):
            ran_inside = True

    assert ran_inside
    assert docker.ran == []


def test_encoding_needs_no_command(docker: FakeDocker) -> None:
    backend = host_for("0123abcd", no_timeout).backend

    assert backend.get_encoding() == "utf-8"
    assert backend.decode("python-3.11 ✓".encode()) == "python-3.11 ✓"
    assert docker.ran == []


def test_commands_are_quoted_and_run_in_the_container(docker: FakeDocker) -> None:
    host_for("0123abcd", no_timeout).run("ls %s", "/tmp/a b")

    assert docker.ran == ["ls '/tmp/a b'"]
    assert docker.containers == ["0123abcd"]


def test_the_container_is_asked_for_only_when_a_command_runs(docker: FakeDocker) -> None:
    asked: list[str] = []

    def container() -> Any:
        asked.append("container")
        return "0123abcd"

    testinfra_host = lazy_host("image", container, no_timeout)
    assert asked == []
    testinfra_host.run("true")
    assert asked == ["container"]


def test_a_command_past_the_deadline_removes_the_container(docker: FakeDocker) -> None:
    removed: list[str] = []
    testinfra_host = host_for("0123abcd", lambda: removed.append("0123abcd"))
    docker.hangs = True

    with pytest.raises(CommandTimeoutError) as raised, inspecting(testinfra_host, 0.3):
        testinfra_host.run("sleep 1000")

    assert removed == ["0123abcd"]
    assert str(raised.value).startswith("`sleep 1000` still ran at the inspection timeout")
    assert "--inspection-timeout" in str(raised.value)
