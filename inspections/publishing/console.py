"""The commands' lines, printed so that a reader who goes away stops nothing.

When stdout or stderr is a pipe whose reader has exited (`stack-merge-tags | head -1`),
printing stops quietly and the command goes on with its work: the stream is pointed at
/dev/null, so neither later lines nor Python's flush at exit raise BrokenPipeError.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO


def _silence(stream: TextIO) -> None:
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not backed by a file descriptor: nothing buffered can fail at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def _print(line: str, stream: TextIO | None) -> None:
    if stream is None:
        return
    try:
        print(line, file=stream, flush=True)
    except BrokenPipeError:
        _silence(stream)


def say(line: str) -> None:
    """Print one line on stdout, unless nobody reads it any more."""
    _print(line, sys.stdout)


def warn(line: str) -> None:
    """Print one line on stderr, unless nobody reads it any more."""
    _print(line, sys.stderr)


def silence_closed_output() -> None:
    """Flush stdout and stderr; point one whose reader has gone at /dev/null."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            try:
                stream.flush()
            except BrokenPipeError:
                _silence(stream)
