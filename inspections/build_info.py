"""Facts about the build that come from the repository and the clock, not from the image."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspections.errors import InspectionError, StackInspectionError

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # the build timestamp, `2024-01-02T03:04:05Z`
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")  # what TIMESTAMP_FORMAT writes


@dataclass(frozen=True)
class BuildInfo:
    """The session's build timestamp and the stack's git commit, read once by the controller."""

    timestamp: datetime
    git_toplevel: str = ""
    git_commit: str = ""
    git_message: str = ""
    git_problem: str = ""
    # Uncommitted changes when the session started: tracked files anywhere in the repository,
    # untracked ones inside the stack folder. A build from such a tree is not the commit's.
    git_changes: tuple[str, ...] = ()

    @property
    def git_modified(self) -> bool:
        """Whether the working tree differed from the commit when the session started."""
        return bool(self.git_changes)

    def commit_sha(self) -> str:
        """The full sha of the commit under test, or InspectionError saying why there is none."""
        if not self.git_commit:
            raise InspectionError(self.git_problem or "no git commit known")
        return self.git_commit

    def to_wire(self) -> dict[str, Any]:
        """Plain built-ins, to hand the same facts to xdist workers."""
        data: dict[str, Any] = asdict(self)
        data["timestamp"] = self.timestamp.isoformat()
        data["git_changes"] = list(self.git_changes)
        return data

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> BuildInfo:
        """The inverse of `to_wire`."""
        return cls(
            timestamp=datetime.fromisoformat(data["timestamp"]),
            git_toplevel=data["git_toplevel"],
            git_commit=data["git_commit"],
            git_message=data["git_message"],
            git_problem=data["git_problem"],
            git_changes=tuple(data["git_changes"]),
        )


def _git_bytes(folder: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=True).stdout


def _git(folder: Path, *args: str) -> str:
    """git's stdout, decoded as UTF-8 whatever the commit's encoding (bad bytes replaced)."""
    return _git_bytes(folder, *args).decode("utf-8", errors="replace").strip()


def _changes(toplevel: Path, stack_folder: Path) -> tuple[str, ...]:
    """Changed tracked files of the repository and untracked files of the stack folder."""
    listing = _git_bytes(toplevel, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    fields = iter(listing.decode("utf-8", errors="replace").split("\0"))
    stack = stack_folder.resolve().relative_to(toplevel.resolve()).as_posix()
    changed = []
    for entry in fields:
        status, path = entry[:2], entry[3:]
        if status[:1] in ("R", "C"):
            next(fields, None)  # the path it was renamed or copied from
        inside_stack = stack == "." or path == stack or path.startswith(f"{stack}/")
        if path and (status != "??" or inside_stack):
            changed.append(path)
    return tuple(changed)


def build_timestamp(environ: Mapping[str, str]) -> datetime:
    """Now in UTC (whole seconds), or the reproducible-builds SOURCE_DATE_EPOCH when set."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC).replace(microsecond=0)
    problem = StackInspectionError(
        f"SOURCE_DATE_EPOCH={epoch!r} is not a time in whole seconds since 1970: unset it or fix it"
    )
    if not (epoch.isascii() and epoch.isdigit()):
        raise problem
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise problem from error


def read_build_info(stack_folder: Path, timestamp: datetime) -> BuildInfo:
    """Build facts for a session: its timestamp and the stack's git commit."""
    try:
        toplevel = _git(stack_folder, "rev-parse", "--show-toplevel")
        commit = _git(stack_folder, "rev-parse", "HEAD")
        message = _git(stack_folder, "log", "-1", "--format=%B")
        changes = _changes(Path(toplevel), stack_folder)
    except FileNotFoundError:
        problem = "git is not installed: install git so the commit of the stack can be read"
        return BuildInfo(timestamp=timestamp, git_problem=problem)
    except subprocess.CalledProcessError as error:
        said = (error.stderr or b"").decode("utf-8", errors="replace").strip().splitlines()
        fatal = [line for line in said if line.startswith("fatal:")]
        reason = (fatal or said or [f"git exited with {error.returncode}"])[0]
        problem = (
            f"no git commit for {stack_folder} ({reason}): run inside a git checkout "
            "of the stack with at least one commit"
        )
        return BuildInfo(timestamp=timestamp, git_problem=problem)
    return BuildInfo(timestamp, toplevel, commit, message, git_changes=changes)
