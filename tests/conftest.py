"""Our own suite: the fault-injection scenarios report their outcomes in one table."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tabulate import tabulate

FAULT_PROPERTY = "fault-outcome"
_OUTCOMES: list[tuple[str, str, str]] = []
_TMP = re.compile(r"/tmp/pytest-of-[^/]+/pytest-\d+/(?:popen-gw\d+/)?[^/ ]+/")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep each fault scenario's observed outcome (it travels on the report under xdist)."""
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == FAULT_PROPERTY:
            _OUTCOMES.append(
                (_scenario(report.nodeid), _TMP.sub("<tmp>/", str(value)), report.outcome)
            )


def _scenario(nodeid: str) -> str:
    """`unknown image` for `...::test_bad_input[unknown image]`, else the test's words."""
    name = nodeid.rsplit("::", 1)[-1]
    if "[" in name:
        return name[name.index("[") + 1 : -1]
    return name.removeprefix("test_").replace("_", " ")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _OUTCOMES:
        terminalreporter.write_sep("=", "fault injection: scenario -> outcome")
        rows = sorted(_OUTCOMES)
        table = tabulate(
            rows, headers=["scenario", "observed", "test"], maxcolwidths=[45, 100, None]
        )
        terminalreporter.write_line(table)
