"""Our own suite: the fault-injection scenarios report their outcomes in one table; the
browser that renders diagrams; `--write-pictures DIR` for the README's pictures."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from tabulate import tabulate

from tests.browser.renderer import SKIP_VARIABLE, BrowserMissing, chromium, ensure_mermaid

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--write-pictures",
        type=Path,
        metavar="DIR",
        help="write the PNGs of the demo stack's diagram and a history chart into DIR "
        "(the README's are in docs/)",
    )


@pytest.fixture(scope="session")
def pictures(request: pytest.FixtureRequest) -> Path | None:
    """The folder given to --write-pictures, or None."""
    folder: Path | None = request.config.getoption("--write-pictures")
    return folder.resolve() if folder else None


@pytest.fixture(scope="session")
def browser() -> None:
    """Chromium and Mermaid, installed: the tests marked `browser` fail without them (and are
    skipped only when STACK_INSPECTIONS_NO_BROWSER=1 says so)."""
    if os.environ.get(SKIP_VARIABLE):
        pytest.skip(f"{SKIP_VARIABLE} is set: diagrams are not rendered")
    try:
        chromium()
        ensure_mermaid()
    except BrowserMissing as error:
        pytest.fail(str(error), pytrace=False)
