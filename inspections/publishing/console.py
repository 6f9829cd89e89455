"""The commands' lines, printed so that a reader who goes away stops nothing.

When stdout or stderr is a pipe whose reader has exited (`stack-merge-tags | head -1`),
printing stops quietly and the command goes on with its work: the stream is pointed at
/dev/null, so neither later lines nor Python's flush at exit raise BrokenPipeError.

Any other failure to write (a full disk: `stack-build > /dev/full`) silences the stream the
same way, but is not quiet: `finish_output` then says in one line on stderr that the output
is incomplete, and makes the exit status non-zero.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

_failures: list[str] = []  # the streams that could not be written, and why


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


def _lost(stream: TextIO, name: str, error: OSError) -> None:
    """Write no more to `stream`; remember why, unless its reader merely went away."""
    if not isinstance(error, BrokenPipeError):
        _failures.append(f"{name} ({error.strerror or type(error).__name__})")
    _silence(stream)


def _write(text: str, stream: TextIO | None, name: str) -> None:
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except OSError as error:
        _lost(stream, name, error)


def say(line: str) -> None:
    """Print one line on stdout, unless nobody reads it any more."""
    _write(line + "\n", sys.stdout, "stdout")


def write(text: str) -> None:
    """Write `text` on stdout as it is (a generated file), unless nobody reads it any more."""
    _write(text, sys.stdout, "stdout")


def warn(line: str) -> None:
    """Print one line on stderr, unless nobody reads it any more."""
    _write(line + "\n", sys.stderr, "stderr")


def silence_closed_output() -> None:
    """Flush stdout and stderr; point one that cannot be written any more at /dev/null."""
    for stream, name in ((sys.stdout, "stdout"), (sys.stderr, "stderr")):
        if stream is not None:
            try:
                stream.flush()
            except OSError as error:
                _lost(stream, name, error)


def finish_output(prog: str, status: int) -> int:
    """Flush stdout and stderr: `status`, or 1 for 0 when some output could not be written,
    after one line on stderr that says so."""
    silence_closed_output()
    if not _failures:
        return status
    failed = _failures[0]
    _failures.clear()
    warn(
        f"{prog}: error: cannot write to {failed}: the output is incomplete; free space where "
        "it goes, or send it elsewhere"
    )
    return status or 1


def exit_status(prog: str, command: Callable[[], int]) -> int:
    """A console script's exit status: `command`'s, made non-zero by `finish_output` when some
    output could not be written. SystemExit (argparse's, for --help or a usage error) goes on
    up, its status made non-zero the same way."""
    try:
        status = command()
    except SystemExit as ending:
        code = ending.code if isinstance(ending.code, int) else int(ending.code is not None)
        raise SystemExit(finish_output(prog, code)) from None
    return finish_output(prog, status)
