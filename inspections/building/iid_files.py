"""The image id files of `docker build --iidfile`: one per build, in the logs folder.

Each is named `.<platform>-<variant>-<image>.<pid>.iid`, after the build and the stack-build
process that reads it, so that runs sharing a logs folder never read or remove each other's.
A run removes its file once it has read it; a run that was killed may leave one behind, which
the next run in that folder removes when no process has that pid any more.
"""

from __future__ import annotations

import os
from pathlib import Path

IIDFILE_SUFFIX = ".iid"


def iid_file(logs: Path, stem: str) -> Path:
    """Where this process's build of `stem` has its image id written."""
    return logs / f".{stem}.{os.getpid()}{IIDFILE_SUFFIX}"


def remove_leftover_iid_files(logs: Path) -> None:
    """Remove the image id files of stack-build processes that are gone."""
    for path in logs.glob(f".*{IIDFILE_SUFFIX}"):
        pid = path.name.removesuffix(IIDFILE_SUFFIX).rpartition(".")[2]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
