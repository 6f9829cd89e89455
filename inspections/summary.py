"""The table shown at the end of a session: one row per image."""

from __future__ import annotations

from pathlib import Path

from tabulate import tabulate

from inspections.outputs import ImageVerdict
from inspections.results import ImageResult


def _outputs_cell(verdict: ImageVerdict, root: Path | None) -> str:
    if not verdict.written:
        return "-"
    if root is None:
        return "\n".join(str(path) for path in verdict.written)
    return "\n".join(str(path.relative_to(root)) for path in verdict.written)


def summary_table(
    results: dict[str, ImageResult], verdicts: dict[str, ImageVerdict], emit_dir: Path | None
) -> str:
    """Image, tags, manifest pieces, tests, outcome and output files, as a text table."""
    rows = []
    for name, result in results.items():
        verdict = verdicts[name]
        tags = sum(1 for item in result.inspections.values() if item.kind == "tag")
        pieces = sum(1 for item in result.inspections.values() if item.kind == "manifest")
        tests = f"{result.passed_tests} passed, {len(result.failed_tests)} failed"
        rows.append([name, tags, pieces, tests, verdict.status, _outputs_cell(verdict, emit_dir)])
    headers = ["image", "tags", "manifest pieces", "image tests", "outcome", "outputs"]
    reasons = [
        f"{name}: {reason}" for name, verdict in verdicts.items() for reason in verdict.reasons
    ]
    return "\n".join([tabulate(rows, headers=headers), *reasons])
