"""One whole pytest process, started as a user starts it and timed from outside."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import docker

from benchmarks.container_starts import remove_run_containers, watching_container_starts
from benchmarks.facts import ImageTiming, read_image_timings

# Plugins this machine happens to have that the product does not use: off on both sides of
# every comparison, so that their start-up is not counted as ours.
UNRELATED_PLUGINS_OFF = (
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
    "-p",
    "no:cacheprovider",
)
ROOTDIR_LINE = re.compile(r"^rootdir: (\S+)", re.MULTILINE)
STOP_GRACE_SECONDS = 60.0  # how long a stopped session may take to remove its containers
INTERRUPT_PATIENCE_SECONDS = 5.0  # how long an interrupted session may take before Ctrl-C


@dataclass(frozen=True)
class Configuration:
    """One way of running pytest: where it is typed, its arguments, what it must end with.

    With `emit_under`, each run gets `--emit-manifests` with a fresh folder in that folder,
    named relative to `cwd` when inside it (as a user types `out/`), else by absolute path.
    A session still running after `cap_seconds` is stopped as Ctrl-C would stop it.
    """

    name: str
    cwd: Path
    arguments: tuple[str, ...]
    emit_under: Path | None = None
    exit_codes: frozenset[int] = frozenset({0})
    cap_seconds: float | None = None

    def output_argument(self, out: Path) -> str:
        """`out` as the user names it on the command line."""
        return str(out.relative_to(self.cwd) if out.is_relative_to(self.cwd) else out)

    def command(self, out: Path | None) -> list[str]:
        emit = ("--emit-manifests", self.output_argument(out)) if out is not None else ()
        return [sys.executable, "-m", "pytest", *UNRELATED_PLUGINS_OFF, *self.arguments, *emit]

    def shell_line(self) -> str:
        """The command as a user types it (OUT: the fresh output folder of each run)."""
        emit: tuple[str, ...] = ()
        if self.emit_under is not None:
            emit = ("--emit-manifests", self.output_argument(self.emit_under / "OUT"))
        words = ("python", "-m", "pytest", *UNRELATED_PLUGINS_OFF, *self.arguments, *emit)
        return f"cd {shlex.quote(str(self.cwd))} && {shlex.join(words)}"


@dataclass(frozen=True)
class Session:
    """What one run of a configuration took, and what it did."""

    wall_seconds: float
    load_average: float  # the machine's, over the minute before the session
    exit_code: int
    capped: bool
    rootdir: str | None
    container_starts: dict[str, int]  # image reference -> containers started
    images: list[ImageTiming]

    @property
    def total_starts(self) -> int:
        return sum(self.container_starts.values())

    @property
    def one_container_per_image(self) -> bool:
        """Whether each image of the run record got exactly one container (no cache in use)."""
        return sorted(self.container_starts.values()) == [1] * len(self.images)


class SessionFailed(Exception):
    """A session ended with an exit code its configuration does not allow."""


class SessionRunner:
    """Runs configurations in fresh processes, each with a fresh output folder."""

    def __init__(self, scratch: Path, client: docker.DockerClient) -> None:
        self.scratch = scratch
        self.client = client
        self.count = 0

    def run(self, configuration: Configuration) -> Session:
        """Run `configuration` once, timed from process start to process end."""
        self.count += 1
        under = configuration.emit_under
        out = under / f"{self.count:04d}" if under is not None else None
        log = self.scratch / "logs" / f"{self.count:04d}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        load_average = os.getloadavg()[0]
        with watching_container_starts(self.client) as starts, log.open("wb") as output:
            began = time.perf_counter()
            process = subprocess.Popen(
                configuration.command(out),
                cwd=configuration.cwd,
                env=environment(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                capped = _wait(process, configuration.cap_seconds)
            finally:
                wall = time.perf_counter() - began
                if process.returncode != 0:
                    remove_run_containers(self.client, starts.run_ids(process.pid))
        text = log.read_text(encoding="utf-8", errors="replace")
        if not capped and process.returncode not in configuration.exit_codes:
            raise SessionFailed(_failure_message(configuration, process.returncode, text))
        images = read_image_timings(out) if out is not None and not capped else []
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
        rootdir = ROOTDIR_LINE.search(text)
        return Session(
            wall_seconds=wall,
            load_average=load_average,
            exit_code=process.returncode,
            capped=capped,
            rootdir=rootdir.group(1) if rootdir else None,
            container_starts=starts.per_image(process.pid),
            images=images,
        )


def environment() -> dict[str, str]:
    """This environment without what changes the command or its start-up.

    pytest settings (PYTEST_ADDOPTS…) change the command. PYTHONDONTWRITEBYTECODE, set on some
    machines, makes every session compile each module again (and pytest rewrite each test
    module); a user's Python keeps its bytecode, so the sessions do too.
    """
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_") and name != "PYTHONDONTWRITEBYTECODE"
    }


def _wait(process: subprocess.Popen[bytes], cap_seconds: float | None) -> bool:
    """Wait for `process`; stop it after `cap_seconds` and tell whether that happened.

    If the benchmark itself is interrupted, the session is given time to clean up first.
    """
    try:
        if _ended_within(process, cap_seconds):
            return False
        _stop(process, patience=0.0)
        return True
    except BaseException:
        # A Ctrl-C in the terminal reached the session too: let it handle that first.
        _stop(process, patience=INTERRUPT_PATIENCE_SECONDS)
        raise


def _stop(process: subprocess.Popen[bytes], patience: float) -> None:
    """Stop `process` as Ctrl-C would (so it removes its containers) after `patience` s."""
    if _ended_within(process, patience):
        return
    process.send_signal(signal.SIGINT)
    if not _ended_within(process, STOP_GRACE_SECONDS):
        process.kill()
        process.wait()


def _ended_within(process: subprocess.Popen[bytes], seconds: float | None) -> bool:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def _failure_message(configuration: Configuration, exit_code: int, output: str) -> str:
    tail = "\n".join(output.splitlines()[-30:])
    return (
        f"session {configuration.name!r} exited with {exit_code}:\n"
        f"  {configuration.shell_line()}\n{tail}"
    )
