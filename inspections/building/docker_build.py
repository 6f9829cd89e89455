"""Running `docker build` for one image: its command line, its log, stopping it on Ctrl-C.

The engine's own builder does the work, as `docker build` on the command line does; the image
is tagged only when its build succeeds, so a failed build leaves the previous tag in place.
A `docker build` ends with stack-build even when stack-build is killed (SIGKILL, or its
terminal closes): on Linux each one is started with a parent-death signal, SIGTERM, which
stops it as Ctrl-C does and leaves its tag alone.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from inspections.building.build_plan import BuildTarget
from inspections.building.child_processes import ending_with_this_process
from inspections.building.docker_client import Builder
from inspections.building.image_inputs import INPUTS_LABEL

# After Ctrl-C, how long a build may take to stop before it is terminated, then killed.
STOP_GRACE_SECONDS = 20.0
LOG_TAIL_LINES = 30


@dataclass(frozen=True)
class BuildOptions:
    """What the command line passes through to every `docker build`."""

    platform: str = ""  # `--platform`, as given (linux/arm64)
    no_cache: bool = False
    secrets: tuple[str, ...] = ()  # `--secret` values (id=ca,src=/path): BuildKit only


def build_command(
    builder: Builder, target: BuildTarget, inputs: str, options: BuildOptions, iidfile: Path
) -> list[str]:
    """The `docker build` of one target, tagged, labelled with its input hash."""
    command = [builder.client, "build"]
    command += ["--progress=plain"] if builder.buildkit else ["--force-rm"]
    command += ["--tag", target.reference, "--label", f"{INPUTS_LABEL}={inputs}"]
    command += ["--iidfile", str(iidfile), "--file", str(target.dockerfile)]
    for name, value in target.build_args:
        command += ["--build-arg", f"{name}={value}"]
    for secret in options.secrets:
        command += ["--secret", secret]
    command += ["--platform", options.platform] if options.platform else []
    command += ["--no-cache"] if options.no_cache else []
    return [*command, str(target.context)]


class BuildProcesses:
    """The builds running now, so that Ctrl-C can stop every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()
        self.stopping = threading.Event()

    def run(self, command: list[str], builder: Builder, log: Path) -> int | None:
        """Run a build, its output to `log`; its exit status, or None when it was stopped.

        The parent-death signal comes when the *thread* that started the build ends: this one,
        which waits for the build, so it never ends first.
        """
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w", encoding="utf-8") as out:
            out.write(f"$ {shlex.join(command)}\n")
            out.flush()
            with self._lock:
                if self.stopping.is_set():
                    return None
                process = subprocess.Popen(
                    command,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=builder.environment,
                    preexec_fn=ending_with_this_process(),
                )
                self._running.add(process)
            try:
                code = process.wait()
            finally:
                with self._lock:
                    self._running.discard(process)
        return None if self.stopping.is_set() else code

    def stop_all(self) -> None:
        """Stop every running build as Ctrl-C stops `docker build`, and wait for them to end."""
        with self._lock:
            self.stopping.set()
            running = list(self._running)
        for process in running:
            process.send_signal(signal.SIGINT)
        for process in running:
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def log_tail(log: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a build log."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return "\n".join(text.splitlines()[-lines:])
