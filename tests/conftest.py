"""Our own suite: a plain pytest session, with no Docker engine within reach when the tests
marked `docker` are left out (see `pytest_cmdline_main`); the fault-injection scenarios report
their outcomes in one table; the browser that renders diagrams; `--write-pictures DIR` for the
README's pictures."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from tabulate import tabulate

from inspections.plugin.options import requested_stack
from tests.browser.renderer import SKIP_VARIABLE, BrowserMissing, chromium, ensure_mermaid

PLUGIN = "stack_inspections"
# Where a session without the `docker` tests looks for the engine: a socket that never exists.
NO_ENGINE = "unix:///nonexistent/no-docker-engine-in-this-session.sock"
WITHOUT_DOCKER = re.compile(r"\bnot\s+docker\b")
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


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Before anything is configured: in our own session, the plugin off (as with
    `-p no:stack_inspections`) and, with the `docker` tests left out (`-m "not docker"`),
    DOCKER_HOST pointing nowhere, so that a test that reaches the engine without being marked
    `docker` fails, on any machine."""
    if not _our_own_session(config):
        return
    config.pluginmanager.set_blocked(PLUGIN)
    if WITHOUT_DOCKER.search(config.option.markexpr):
        environment = pytest.MonkeyPatch()
        environment.setenv("DOCKER_HOST", NO_ENGINE)
        config.add_cleanup(environment.undo)


def _our_own_session(config: pytest.Config) -> bool:
    """Whether the session runs tests given by path, none in the stack folder (`pytest tests`).

    pytest loads this conftest in the sessions at the repository's root that inspect its stacks
    too (`pytest`, `pytest --stack demo`); a stack's tests may also be named by path
    (`pytest images/base-notebook`).
    """
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return False
    if config.pluginmanager.is_blocked(PLUGIN):  # -p no:stack_inspections
        return True
    stack = requested_stack(config)
    if stack is None:
        return True
    given = [config.invocation_params.dir / arg.split("::")[0] for arg in config.args]
    return not any(path.resolve().is_relative_to(stack.resolve()) for path in given)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    stats = terminalreporter.stats
    if os.environ.get("DOCKER_HOST") == NO_ENGINE and (stats.get("failed") or stats.get("error")):
        terminalreporter.write_line(
            f"DOCKER_HOST is {NO_ENGINE} in this session: a test that needs the Docker "
            "engine is marked pytest.mark.docker"
        )
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


@pytest.fixture(autouse=True)
def _test_only_plugins_off_in_child_sessions(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest sessions that tests start load the plugins a user of the product has: plugins
    this machine may have that our suite does not use (hypothesis's, pytest-benchmark) stay
    off there, as they are a fifth of a second of every start. Set per test, so that xdist's
    workers are left as they are; after `pytester`, which clears PYTEST_ADDOPTS."""
    if "pytester" in request.fixturenames:
        request.getfixturevalue("pytester")
    extra = "-p no:hypothesispytest -p no:benchmark"
    monkeypatch.setenv("PYTEST_ADDOPTS", f"{os.environ.get('PYTEST_ADDOPTS', '')} {extra}".strip())


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
