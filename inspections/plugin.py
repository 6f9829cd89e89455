"""The pytest plugin's hooks. Each hands its work to the module that owns it:

options (command line), stack and plan (what to inspect), items (binding, order, running),
fixtures (image, container, host, build_info), results (reports), finish (files, tags),
summary (the closing table), workers (xdist).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from inspections import fixtures
from inspections.api import spec_of
from inspections.cache import ValueCache
from inspections.errors import StackInspectionError
from inspections.finish import finish
from inspections.fixtures import RUN_CONTEXT
from inspections.items import (
    annotate,
    image_of,
    in_run_order,
    inspection_key_of,
    note_inspections,
    run_inspection,
    to_deselect,
)
from inspections.options import add_options, read_options, stack_folder
from inspections.outputs import ImageVerdict, check_output_folder
from inspections.plan import INSPECTION_FILE_GLOB, build_plan, select_images
from inspections.results import ResultsCollector
from inspections.run import RunContext
from inspections.stack import load_stack
from inspections.summary import summary_table
from inspections.workers import XdistHooks, is_controller, run_facts

COLLECTOR = pytest.StashKey[ResultsCollector]()
VERDICTS = pytest.StashKey[dict[str, ImageVerdict]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load and check the stack and the plan before anything runs; a usage error if invalid."""
    folder, wanted = stack_folder(config)
    if not wanted and not folder.is_dir():
        return
    try:
        stack = load_stack(folder)
        options = read_options(config, stack.settings)
        plan = build_plan(stack, select_images(stack, list(options.images), options.variant))
        if options.emit_dir is not None and is_controller(config):
            check_output_folder(options.emit_dir)
        build, run_id, controller_pid = run_facts(config, folder)
    except StackInspectionError as error:
        raise pytest.UsageError(str(error)) from error
    cache = ValueCache(options.cache_dir) if options.cache_dir else None
    config.stash[RUN_CONTEXT] = RunContext(
        options, stack, plan, build, run_id, controller_pid, cache=cache
    )
    config.pluginmanager.register(fixtures, "stack_inspections.fixtures")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "stack_inspections.xdist")
    if is_controller(config):
        config.stash[COLLECTOR] = ResultsCollector(plan)
        config.pluginmanager.register(
            ReportListener(config.stash[COLLECTOR]), "stack_inspections.results"
        )
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR:
        config.args = [str(folder)]


class ReportListener:
    """On the controller, folds every report into the results."""

    def __init__(self, collector: ResultsCollector) -> None:
        self.collector = collector

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)


def _run(config: pytest.Config) -> RunContext | None:
    return config.stash.get(RUN_CONTEXT, None)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove containers that runs killed on this machine left behind."""
    run = _run(session.config)
    if run is not None and is_controller(session.config):
        run.sweep(run_id=None)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Collect `inspect_*.py` in the stack's image folders without any python_files setting."""
    run = _run(parent.config)
    if run is None or not fnmatch.fnmatch(file_path.name, INSPECTION_FILE_GLOB):
        return None
    patterns = parent.config.getini("python_files")
    if parent.session.isinitpath(file_path) or any(
        fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns
    ):
        return None
    if run.owner_of(file_path) is None:
        return None
    module: pytest.Module = pytest.Module.from_parent(parent, path=file_path)
    return module


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run everything of the stack that takes `image` once per image it applies to."""
    run = _run(metafunc.config)
    if run is None or "image" not in metafunc.fixturenames:
        return
    images = run.images_for(metafunc.definition.path)
    if images is None and spec_of(metafunc.function) is not None:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: inspections belong in an image folder of "
            f"{run.stack.folder}: move it into <image>/inspect_*.py"
        )
    if images is not None:
        metafunc.parametrize("image", images, indirect=True, scope="session", ids=images)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the stack's unbound items; run image by image, inspections first."""
    run = _run(config)
    if run is None:
        return
    dropped = to_deselect(run, items)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]
    items[:] = in_run_order(run, items)
    note_inspections(run, items)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Report an inspection's outcome instead of letting pytest call (and warn about) it."""
    run = _run(pyfuncitem.config)
    if run is None:
        return None
    key, image = inspection_key_of(run, pyfuncitem), image_of(run, pyfuncitem)
    if key is None or image is None:
        return None
    run_inspection(run, pyfuncitem, key, image)
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Carry the image's facts and the inspection's outcome on the report."""
    report = yield
    run = _run(item.config)
    if run is not None:
        annotate(run, item, call, report)
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove this process's containers; on the controller, judge, write and tag."""
    run = _run(session.config)
    if run is None:
        return
    run.pool.remove_all()
    if COLLECTOR in session.config.stash:
        run.sweep(run_id=run.run_id)
        collector = session.config.stash[COLLECTOR]
        session.config.stash[VERDICTS] = finish(run, collector, session, exitstatus)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One row per image: tags, pieces, image tests, outcome, files; then the reasons."""
    verdicts = config.stash.get(VERDICTS, {})
    run = _run(config)
    if not verdicts or run is None:
        return
    terminalreporter.write_sep("=", "stack inspections")
    results = config.stash[COLLECTOR].images
    table = summary_table(
        {name: results[name] for name in verdicts}, verdicts, run.options.emit_dir
    )
    terminalreporter.write_line(table)
    if run.options.emit_dir is not None:
        terminalreporter.write_line(f"outputs in {run.options.emit_dir}")
