"""The caching testinfra backend: each distinct command runs once while inspections run."""

from __future__ import annotations

from typing import Any

import pytest
from testinfra.backend.base import CommandResult
from testinfra.backend.docker import DockerBackend

from inspections.host import CachingDockerBackend, caching_commands, host_for


class FakeDocker:
    """Stands in for DockerBackend.run: records each command line it really runs."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def run(self, backend: DockerBackend, command: str, *args: str, **kwargs: Any) -> CommandResult:
        line = backend.get_command(command, *args)
        self.ran.append(line)
        stdout = f"run {len(self.ran)}: {line}\n".encode()
        return backend.result(0, backend.encode(line), stdout, b"")


@pytest.fixture
def docker(monkeypatch: pytest.MonkeyPatch) -> FakeDocker:
    fake = FakeDocker()

    def run(self: DockerBackend, command: str, *args: str, **kwargs: Any) -> CommandResult:
        return fake.run(self, command, *args, **kwargs)

    monkeypatch.setattr(DockerBackend, "run", run)
    return fake


def test_host_for_uses_the_caching_backend(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")

    assert isinstance(testinfra_host.backend, CachingDockerBackend)
    assert testinfra_host.backend.name == "0123abcd"
    assert testinfra_host.backend.caching is False


def test_command_runs_once_while_caching(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")

    with caching_commands(testinfra_host):
        first = testinfra_host.run("python --version")
        second = testinfra_host.run("python --version")
        output = testinfra_host.check_output("python --version")

    assert docker.ran == ["python --version"]
    assert first.stdout == second.stdout == "run 1: python --version\n"
    assert output == "run 1: python --version"


def test_results_are_shared_between_caching_blocks(docker: FakeDocker) -> None:
    """A tagger and a manifest piece, each in its own block, read `python --version` once."""
    testinfra_host = host_for("0123abcd")

    with caching_commands(testinfra_host):
        testinfra_host.run("python --version")
    with caching_commands(testinfra_host):
        result = testinfra_host.run("python --version")

    assert docker.ran == ["python --version"]
    assert result.stdout == "run 1: python --version\n"


def test_distinct_command_lines_each_run(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")

    with caching_commands(testinfra_host):
        testinfra_host.run("pip list")
        testinfra_host.run("pip list --format=json")
        testinfra_host.run("echo %s", "a b")
        testinfra_host.run("echo %s", "a b")
        testinfra_host.run("echo %s", "a  b")

    assert docker.ran == ["pip list", "pip list --format=json", "echo 'a b'", "echo 'a  b'"]


def test_commands_run_every_time_outside_caching(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")

    first = testinfra_host.run("touch /tmp/x && ls /tmp")
    second = testinfra_host.run("touch /tmp/x && ls /tmp")

    assert docker.ran == ["touch /tmp/x && ls /tmp"] * 2
    assert first.stdout != second.stdout


def test_results_outside_caching_are_not_remembered(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")

    testinfra_host.run("uname -m")
    with caching_commands(testinfra_host):
        testinfra_host.run("uname -m")
    testinfra_host.run("uname -m")

    assert docker.ran == ["uname -m"] * 3


def test_executed_lists_what_really_ran(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")
    backend = testinfra_host.backend
    assert isinstance(backend, CachingDockerBackend)

    with caching_commands(testinfra_host):
        testinfra_host.run("python --version")
        testinfra_host.run("python --version")
        testinfra_host.run("pip list")
    testinfra_host.run("python --version")

    assert backend.executed == ["python --version", "pip list", "python --version"]
    assert backend.executed == docker.ran


def test_caching_stops_when_the_block_raises(docker: FakeDocker) -> None:
    testinfra_host = host_for("0123abcd")
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
    backend = host_for("0123abcd").backend

    assert backend.get_encoding() == "utf-8"
    assert backend.decode("python-3.11 ✓".encode()) == "python-3.11 ✓"
    assert docker.ran == []
