"""Start-up: a bare pytest, the plugin's own start-up, and a warm value cache beside them.

The bare pytest collects an empty folder, where the plugin is loaded but inactive; the
same with `-p no:stack_inspections` shows what loading the plugin costs. The plugin's own
start-up is `--collect-only` of the demo stack. A cold session fills a value cache once;
the warm sessions then start no container.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.rounds import Series, alternate
from benchmarks.sessions import Configuration
from benchmarks.tables import table
from benchmarks.targets import at_most
from benchmarks.workspace import PartResult, Workspace

NO_TESTS = frozenset({int(pytest.ExitCode.NO_TESTS_COLLECTED)})
WARM_CACHE_BOUND_SECONDS = 0.15  # above a bare pytest start-up
BARE = "bare pytest: --collect-only -q, empty folder"
PLUGIN_OFF = "bare pytest, -p no:stack_inspections"
COLLECT = "demo: --collect-only -q"
COLD = "demo: cold cache, serial"
WARM = "demo: warm cache, serial"
WARM_TWO = "demo: warm cache, -n 2"


def measure(workspace: Workspace) -> PartResult:
    """Alternate bare, plugin-off, collect-only and warm sessions; one cold session first."""
    empty = workspace.scratch / "empty"
    empty.mkdir()
    checkout, out = workspace.repository, workspace.checkout_out
    collect_only = ("--collect-only", "-q")
    cache = out.relative_to(checkout) / "cache"
    cached = ("--stack", "demo", "--inspections-only", "--cache-dir", str(cache))
    cold = workspace.runner.run(Configuration(COLD, checkout, cached, emit_under=out))
    configurations = [
        Configuration(BARE, empty, collect_only, exit_codes=NO_TESTS),
        Configuration(
            PLUGIN_OFF, empty, ("-p", "no:stack_inspections", *collect_only), exit_codes=NO_TESTS
        ),
        Configuration(COLLECT, checkout, ("--stack", "demo", *collect_only)),
        Configuration(WARM, checkout, cached, emit_under=out),
        Configuration(WARM_TWO, checkout, (*cached, "-n", "2"), emit_under=out),
    ]
    series = alternate("startup", configurations, workspace.rounds, workspace.runner.run)
    figures = _figures(series, cold.wall_seconds)
    return PartResult(
        name="startup",
        series=series,
        figures=figures,
        tables=[_table(figures)],
        targets=[
            at_most(
                "warm cache, serial: wall - bare pytest start-up",
                figures["warm_minus_bare_seconds"],
                WARM_CACHE_BOUND_SECONDS,
                " s",
            )
        ],
    )


def _figures(series: dict[str, Series], cold_seconds: float) -> dict[str, Any]:
    bare = series[BARE].median
    return {
        "bare_seconds": bare,
        "plugin_loading_seconds": bare - series[PLUGIN_OFF].median,
        "plugin_startup_seconds": series[COLLECT].median - bare,
        "plugin_startup_over_bare": series[COLLECT].median / bare,
        "cold_cache_seconds": cold_seconds,
        "warm_minus_bare_seconds": series[WARM].median - bare,
        "warm_two_workers_minus_bare_seconds": series[WARM_TWO].median - bare,
        "warm_containers_started": max(series[WARM].max_starts, series[WARM_TWO].max_starts),
    }


def _table(figures: dict[str, Any]) -> str:
    rows = [
        ("bare pytest (empty folder; plugin loaded, inactive)", f"{figures['bare_seconds']:.2f} s"),
        (
            "loading the plugin: bare - bare with it off",
            f"{figures['plugin_loading_seconds']:+.2f} s",
        ),
        (
            "plugin start-up: demo --collect-only - bare",
            f"{figures['plugin_startup_seconds']:+.2f} s "
            f"(x {figures['plugin_startup_over_bare']:.2f})",
        ),
        ("cold session filling the cache (one run)", f"{figures['cold_cache_seconds']:.2f} s"),
        ("warm cache, serial - bare", f"{figures['warm_minus_bare_seconds']:+.2f} s"),
        ("warm cache, -n 2 - bare", f"{figures['warm_two_workers_minus_bare_seconds']:+.2f} s"),
        ("containers started by warm sessions", str(figures["warm_containers_started"])),
    ]
    return table(rows, ["start-up", "figure"])
