r"""A command with 200 MB of output: the whole session that reads it and writes its manifest.

A one-image stack (a tag of the Debian base image) whose manifest piece quotes
`head -c 200000000 /dev/zero | tr '\0' x`. A session still running after a minute is
stopped (as Ctrl-C would) and reported as such; after such a run no more are made.
"""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.rounds import Series, show_progress
from benchmarks.sessions import Configuration
from benchmarks.stacks import tagged_images, write_benchmark_stack
from benchmarks.tables import table
from benchmarks.targets import Target
from benchmarks.workspace import PartResult, Workspace
from throwaway_stacks import StackImage

OUTPUT_BYTES = 200_000_000
CAP_SECONDS = 60.0
BOUND_SECONDS = 5.0
IMAGE = "big-output"
INSPECTIONS = rf'''
    """A manifest piece quoting {OUTPUT_BYTES} bytes of command output."""

    from inspections import manifest, quoted_output


    @manifest("Big Output")
    def big_output(host) -> str:
        return quoted_output(host, "head -c {OUTPUT_BYTES} /dev/zero | tr '\\0' x")
'''


def measure(workspace: Workspace) -> PartResult:
    """Up to one session per round, serially; the first stopped session ends the series."""
    images = {IMAGE: StackImage(files={"inspect_big_output.py": INSPECTIONS})}
    stack = write_benchmark_stack(workspace.scratch / "big-output", workspace.owner, images)
    configuration = Configuration(
        "200 MB command output, serial",
        stack,
        ("--inspections-only",),
        emit_under=stack / "out",
        cap_seconds=CAP_SECONDS,
    )
    series = Series(configuration)
    with tagged_images(workspace.client, workspace.owner, [IMAGE]) as tagged:
        for round_number in range(1, workspace.rounds + 1):
            tagged.ensure()
            session = workspace.runner.run(configuration)
            series.sessions.append(session)
            show_progress(f"big-output {round_number}/{workspace.rounds}", configuration, session)
            if session.capped:
                break
    figures = _figures(series)
    return PartResult(
        name="big-output",
        series={configuration.name: series},
        figures=figures,
        tables=[_table(figures)],
        targets=[_target(figures)],
    )


def _figures(series: Series) -> dict[str, Any]:
    stopped = any(session.capped for session in series.sessions)
    command_seconds = [
        timing.slowest_command_seconds for session in series.sessions for timing in session.images
    ]
    return {
        "output_bytes": OUTPUT_BYTES,
        "stopped_at_cap": stopped,
        "cap_seconds": CAP_SECONDS,
        "session_seconds": series.median,
        "command_seconds": statistics.median(command_seconds) if command_seconds else None,
    }


def _session_figure(figures: dict[str, Any]) -> str:
    if figures["stopped_at_cap"]:
        return f"> {figures['cap_seconds']:g} s (stopped)"
    return f"{figures['session_seconds']:.2f} s"


def _table(figures: dict[str, Any]) -> str:
    command = figures["command_seconds"]
    rows = [
        ("whole session", _session_figure(figures)),
        ("the command, as the plugin timed it", "-" if command is None else f"{command:.2f} s"),
    ]
    return table(rows, [f"{OUTPUT_BYTES // 1_000_000} MB command output", "figure"])


def _target(figures: dict[str, Any]) -> Target:
    return Target(
        f"{OUTPUT_BYTES // 1_000_000} MB command output: whole session",
        _session_figure(figures),
        f"< {BOUND_SECONDS:g} s",
        not figures["stopped_at_cap"] and figures["session_seconds"] < BOUND_SECONDS,
    )
