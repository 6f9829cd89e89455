"""What happened to each image: one line per image as it is done, then a summary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """What happened to one image in this run."""

    name: str
    status: str
    seconds: float
    size: int | None = None
    note: str = ""


def human_size(size: int | None) -> str:
    """Bytes as MB (Docker's decimal units), or an empty string."""
    return f"{size / 1e6:8.0f} MB" if size is not None else ""


def report(result: Result) -> None:
    """One line per image: name, what happened, seconds, size, note."""
    note = f"  ({result.note})" if result.note else ""
    print(
        f"{result.name:<26} {result.status:<11} {result.seconds:7.1f} s "
        f"{human_size(result.size)}{note}",
        flush=True,
    )


def summary(results: list[Result], seconds: float) -> None:
    """The final line: counts per outcome and the total time; then why images were skipped."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    parts = ", ".join(f"{count} {status}" for status, count in counts.items())
    print(f"done: {parts} in {seconds:.1f} s")
    for result in results:
        if result.status == "skipped":
            print(f"note: {result.name} was skipped: {result.note}")
