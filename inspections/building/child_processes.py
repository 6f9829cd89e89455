"""The docker commands stack-build starts end with it, and end cleanly.

On Linux each one is started with a parent-death signal, SIGTERM, so that it ends even when
stack-build is killed (SIGKILL, or its terminal closes). When stack-build is interrupted, a
command it waits for is sent SIGTERM and given time to clean up (a `docker save` removes its
temporary file) before it is killed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # prctl(2): the signal the calling process gets when its parent ends
# How long a docker command may take to end after SIGTERM before it is killed.
TERMINATE_GRACE_SECONDS = 20.0


def ending_with_this_process() -> Callable[[], None] | None:
    """What a child runs before `exec` so that it gets SIGTERM when its parent ends; None
    where the system has no `prctl` (not Linux).

    The signal comes when the *thread* that started the child ends: start a child from the
    thread that waits for it."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is None:
        return None
    parent = os.getpid()

    def arrange() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent ended before the signal was arranged
            os._exit(1)

    return arrange


def terminate(process: subprocess.Popen[str]) -> None:
    """Send SIGTERM, read what is left of its output, wait for it to end; kill it after
    `TERMINATE_GRACE_SECONDS`."""
    process.terminate()
    try:
        process.communicate(timeout=TERMINATE_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
