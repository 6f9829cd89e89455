"""Running builds in hierarchy order, several at once, the longest chain of work first.

A job waits for its parent's job. Among the jobs that are ready, the one with the longest
chain of work below it (its own estimate plus its longest line of descendants: the critical
path) starts first, so that the whole run ends as early as the hierarchy allows. A job that
fails stops its descendants only; the others go on. When the run stops (Ctrl-C, or a bug in
a job), the jobs still running are told to stop and waited for a bounded time: a job stuck
where stopping cannot reach it does not keep the run from ending.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

TICK_SECONDS = 1.0  # how often the listener hears that time passes
# Once `stop` has returned, how long the jobs still running may take to end.
STOP_WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    """One unit of work: its key, the key of the job it waits for, how long it may take."""

    key: str
    parent: str | None
    estimate: float


class Listener(Protocol):
    """What a run tells as it goes."""

    def started(self, job: Job) -> None: ...

    def finished(self, job: Job, succeeded: bool) -> None: ...

    def skipped(self, job: Job, reason: str) -> None: ...

    def tick(self) -> None: ...


def chain_lengths(jobs: Iterable[Job]) -> dict[str, float]:
    """Each job's estimate plus the longest chain of estimates below it."""
    jobs = list(jobs)
    estimate = {job.key: job.estimate for job in jobs}
    length = dict(estimate)
    for job in reversed(jobs):  # children come after parents in `jobs`: their lengths are final
        if job.parent in length:
            length[job.parent] = max(length[job.parent], estimate[job.parent] + length[job.key])
    return length


def run_jobs(
    jobs: list[Job],
    workers: int,
    work: Callable[[Job], bool],
    listener: Listener,
    stop: Callable[[], None],
) -> None:
    """Run `work` on every job (parents listed before children), `workers` at a time.

    `work` returns whether the job succeeded. On Ctrl-C, `stop` is called, the running jobs
    are waited for (`STOP_WAIT_SECONDS` at most, then left behind: they run in daemon threads)
    and KeyboardInterrupt goes on up.
    """
    priority = chain_lengths(jobs)
    waiting = {job.key: job for job in jobs}
    succeeded: set[str] = set()
    done: queue.Queue[tuple[Job, bool, BaseException | None]] = queue.Queue()
    running: dict[str, threading.Thread] = {}

    def perform(job: Job) -> None:
        try:
            done.put((job, work(job), None))
        except Exception as error:  # a bug: stop the run and show it
            done.put((job, False, error))

    try:
        while waiting or running:
            ready = [job for job in waiting.values() if job.parent in (None, *succeeded)]
            ready.sort(key=lambda job: -priority[job.key])
            for job in ready[: max(workers - len(running), 0)]:
                del waiting[job.key]
                listener.started(job)
                running[job.key] = threading.Thread(target=perform, args=(job,), daemon=True)
                running[job.key].start()
            try:
                job, ok, error = done.get(timeout=TICK_SECONDS)
            except queue.Empty:
                listener.tick()
                continue
            running.pop(job.key).join()
            if error is not None:
                raise error
            if ok:
                succeeded.add(job.key)
            listener.finished(job, ok)
            if not ok:
                _skip_descendants(job.key, waiting, listener)
    except BaseException:
        stop()
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for thread in running.values():
            thread.join(max(deadline - time.monotonic(), 0.0))
        raise


def _skip_descendants(failed: str, waiting: dict[str, Job], listener: Listener) -> None:
    blocked = {failed}
    for job in list(waiting.values()):  # parents before children
        if job.parent in blocked:
            blocked.add(job.key)
            del waiting[job.key]
            relation = "parent" if job.parent == failed else "ancestor"
            listener.skipped(job, f"{relation} {failed} failed")
