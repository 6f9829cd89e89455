"""What differs between a committed workflow and the one the stack gives now, in one line."""

from __future__ import annotations

import re

# A job starts at a two-space-indented key below `jobs:` (the layout `yaml_text` writes).
JOB_START = re.compile(r"  ([A-Za-z_][A-Za-z0-9_-]*):")
NAMES_SHOWN = 3


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """The text before `jobs:`, and each job's lines by job id."""
    before, separator, jobs_text = text.partition("\njobs:\n")
    if not separator:
        return text, {}
    jobs: dict[str, list[str]] = {}
    current: list[str] = []
    for line in jobs_text.split("\n"):
        match = JOB_START.fullmatch(line)
        if match:
            current = jobs.setdefault(match.group(1), [])
        current.append(line)
    return before, {job: "\n".join(lines) for job, lines in jobs.items()}


def _named(what: str, names: list[str]) -> str:
    """`2 jobs to add (a, b)`: the count, then the first few names."""
    shown = ", ".join(names[:NAMES_SHOWN])
    more = f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    jobs = "job" if len(names) == 1 else "jobs"
    return f"{len(names)} {jobs} {what} ({shown}{more})"


def describe_drift(committed: str, current: str) -> str:
    """What it takes to turn `committed` into `current`, or "" when they are the same."""
    if committed == current:
        return ""
    old_top, old_jobs = _sections(committed)
    new_top, new_jobs = _sections(current)
    added = [job for job in new_jobs if job not in old_jobs]
    removed = [job for job in old_jobs if job not in new_jobs]
    changed = [job for job in new_jobs if job in old_jobs and old_jobs[job] != new_jobs[job]]
    parts = []
    if added:
        parts.append(_named("to add", added))
    if removed:
        parts.append(_named("to remove", removed))
    if changed:
        parts.append(_named("to change", changed))
    if old_top != new_top:
        parts.append("its header, triggers or settings changed")
    if not parts:
        parts.append("the order or layout of its jobs changed")
    return ", ".join(parts)
