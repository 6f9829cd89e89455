"""Hierarchy order, several jobs at once, the longest chain first, failures kept to their branch."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from inspections.building import scheduling
from inspections.building.scheduling import Job, chain_lengths, run_jobs

# root -> long-1 -> long-2 -> long-3, root -> short, root -> leaf-a, leaf-b (parents first)
TREE = {
    "root": None,
    "leaf-a": "root",
    "leaf-b": "root",
    "short": "root",
    "long-1": "root",
    "long-2": "long-1",
    "long-3": "long-2",
}


def jobs(estimates: dict[str, float] | None = None) -> list[Job]:
    return [Job(key, parent, (estimates or {}).get(key, 1.0)) for key, parent in TREE.items()]


@dataclass
class Recorder:
    """A listener that keeps the events, and the most jobs ever running at once."""

    events: list[tuple[str, str]] = field(default_factory=list)
    running: int = 0
    most_running: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def started(self, job: Job) -> None:
        self.events.append(("started", job.key))

    def finished(self, job: Job, succeeded: bool) -> None:
        self.events.append(("succeeded" if succeeded else "failed", job.key))

    def skipped(self, job: Job, reason: str) -> None:
        self.events.append(("skipped", f"{job.key}: {reason}"))

    def tick(self) -> None:
        pass

    def work(self, seconds: float = 0.0, failing: tuple[str, ...] = ()) -> Callable[[Job], bool]:
        def perform(job: Job) -> bool:
            with self.lock:
                self.running += 1
                self.most_running = max(self.most_running, self.running)
            time.sleep(seconds)
            with self.lock:
                self.running -= 1
            return job.key not in failing

        return perform

    def of(self, kind: str) -> list[str]:
        return [key for event, key in self.events if event == kind]


def test_chain_lengths_are_the_critical_paths() -> None:
    lengths = chain_lengths(jobs({"long-1": 2.0, "short": 5.0}))
    assert lengths["long-3"] == 1.0
    assert lengths["long-1"] == 4.0
    assert lengths["short"] == 5.0
    assert lengths["root"] == 6.0  # itself + short's 5 s, longer than long-1's chain of 4


def test_one_worker_starts_the_longest_chain_first() -> None:
    recorder = Recorder()
    run_jobs(jobs(), 1, recorder.work(), recorder, stop=lambda: None)
    assert recorder.of("started") == [
        "root",
        "long-1",
        "long-2",
        "leaf-a",  # equal chains (one job each) keep the declaration order
        "leaf-b",
        "short",
        "long-3",
    ]
    assert recorder.most_running == 1


def test_previous_durations_change_the_order() -> None:
    recorder = Recorder()
    run_jobs(jobs({"short": 10.0}), 1, recorder.work(), recorder, stop=lambda: None)
    assert recorder.of("started")[:2] == ["root", "short"]


def test_workers_run_independent_jobs_at_once_never_more() -> None:
    recorder = Recorder()
    run_jobs(jobs(), 3, recorder.work(0.05), recorder, stop=lambda: None)
    assert recorder.most_running == 3
    assert sorted(recorder.of("succeeded")) == sorted(TREE)


def test_a_failure_stops_its_descendants_only() -> None:
    recorder = Recorder()
    run_jobs(jobs(), 2, recorder.work(failing=("long-1",)), recorder, stop=lambda: None)
    assert recorder.of("failed") == ["long-1"]
    assert recorder.of("skipped") == [
        "long-2: parent long-1 failed",
        "long-3: ancestor long-1 failed",
    ]
    assert sorted(recorder.of("succeeded")) == ["leaf-a", "leaf-b", "root", "short"]


def test_a_failed_root_skips_everything_below_it() -> None:
    recorder = Recorder()
    run_jobs(jobs(), 4, recorder.work(failing=("root",)), recorder, stop=lambda: None)
    assert recorder.of("started") == ["root"]
    assert len(recorder.of("skipped")) == len(TREE) - 1


def test_ctrl_c_stops_the_running_jobs_and_waits_for_them() -> None:
    recorder = Recorder()
    release = threading.Event()
    stopped: list[bool] = []

    def work(job: Job) -> bool:
        if job.key == "root":
            return True
        release.wait(10)
        return True

    def stop() -> None:
        stopped.append(True)
        release.set()

    def interrupt_once_two_run() -> None:
        """Ctrl-C, as a terminal sends it, once the two workers are busy."""
        deadline = time.monotonic() + 10
        while len(recorder.of("started")) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=interrupt_once_two_run).start()
        with pytest.raises(KeyboardInterrupt):
            run_jobs(jobs(), 2, work, recorder, stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert stopped == [True]
    assert recorder.of("started") == ["root", "long-1", "leaf-a"]
    assert threading.active_count() <= 2  # the running jobs ended (the helper may linger)


def test_a_job_that_does_not_stop_keeps_the_run_from_ending_for_a_bounded_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scheduling, "STOP_WAIT_SECONDS", 0.5)
    recorder = Recorder()
    stuck, never = threading.Event(), threading.Event()
    raised: list[BaseException] = []

    def work(job: Job) -> bool:
        if job.key == "long-1":
            stuck.set()
            never.wait(60)  # as a read that `stop` cannot reach
        elif job.key == "leaf-a":
            stuck.wait(10)
            raise RuntimeError("a bug in a job")
        return True

    def run() -> None:
        try:
            run_jobs(jobs(), 2, work, recorder, stop=lambda: None)
        except BaseException as error:
            raised.append(error)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    try:
        runner.join(10)
        assert not runner.is_alive(), "the run waited for a job that does not end"
        assert [str(error) for error in raised] == ["a bug in a job"]
    finally:
        never.set()
