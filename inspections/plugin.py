"""The pytest plugin: options, collection of inspections per image, capture, and outputs."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import uuid
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from inspections import docker_engine, fixtures
from inspections.api import spec_of
from inspections.build_info import BuildInfo, build_timestamp, read_build_info
from inspections.cache import ValueCache
from inspections.docker_engine import ResolvedImage
from inspections.errors import DockerUnavailableError, StackInspectionError
from inspections.evaluation import (
    PREFETCHABLE_ARGUMENTS,
    Evaluation,
    Inspection,
    arguments_of,
    evaluate,
    evaluate_all,
)
from inspections.fixtures import RUN_CONTEXT, run_context
from inspections.outputs import (
    ImageVerdict,
    OutputSettings,
    check_output_folder,
    judge,
    summary_document,
    write_outputs,
)
from inspections.plan import INSPECTION_FILE_GLOB, build_plan, inspection_key, select_images
from inspections.results import (
    ERROR_ATTRIBUTE,
    IMAGE_ATTRIBUTE,
    INSPECTION_ATTRIBUTE,
    TIMING_ATTRIBUTE,
    ResultsCollector,
)
from inspections.run import RunContext, RunOptions
from inspections.scheduling import ImageScheduling
from inspections.stack import DEFAULT_VARIANT, NAME_PATTERN, load_stack
from inspections.summary import summary_table

DEFAULT_STACK = "images"
DEFAULT_INSPECTION_TIMEOUT = 300.0
# Links go into Markdown table cells and link targets: no spaces, pipes, brackets or quotes.
REPOSITORY_URL = re.compile(r"https?://[^\s|<>()\[\]`'\"]+")
WORKER_INPUT_KEY = "stack_inspections"
OUTCOME = pytest.StashKey[Evaluation]()
COLLECTOR = pytest.StashKey[ResultsCollector]()
VERDICTS = pytest.StashKey[dict[str, ImageVerdict]]()
EXPLICIT_OPTIONS = ("stack", "images", "emit_manifests")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("stack-inspections", "image tags and build manifests")
    group.addoption(
        "--image",
        action="append",
        dest="images",
        default=[],
        metavar="NAME",
        help="inspect this image of the stack (repeatable; default: every image)",
    )
    group.addoption("--stack", metavar="DIR", help="the stack folder (default: images)")
    group.addoption("--registry", help="registry of the image references (default: quay.io)")
    group.addoption("--owner", help="owner of the image references (default: jupyter)")
    group.addoption(
        "--variant",
        default=DEFAULT_VARIANT,
        help="image variant, prefixed to every tag unless 'default' (e.g. cuda12)",
    )
    group.addoption("--repository", metavar="URL", help="repository URL for links in outputs")
    group.addoption(
        "--emit-manifests",
        metavar="DIR",
        help="write tags, manifests, history lines and inspections.json to DIR",
    )
    group.addoption(
        "--inspection-timeout",
        type=float,
        default=DEFAULT_INSPECTION_TIMEOUT,
        metavar="SECONDS",
        help="fail an inspection whose commands run longer (default: %(default)s)",
    )
    group.addoption(
        "--cache-dir",
        metavar="DIR",
        help="reuse values of container inspections on images whose id and code are unchanged",
    )
    group.addoption(
        "--inspections-only",
        action="store_true",
        help="run only the inspections (image tests are deselected and gate nothing)",
    )
    group.addoption(
        "--no-test-gate",
        action="store_true",
        help="write an image's outputs even when its image tests fail",
    )
    parser.addini("inspections_stack", "the stack folder, relative to the ini file", default="")
    parser.addini(
        "inspections_shared_tests",
        "folders of image tests that run on every image, relative to the ini file",
        type="paths",
        default=[],
    )


def _stack_folder(config: pytest.Config) -> tuple[Path, bool]:
    """The stack folder and whether the user named it."""
    if config.option.stack:
        return Path(config.option.stack).absolute(), True
    configured = str(config.getini("inspections_stack"))
    base = config.inipath.parent if config.inipath else config.rootpath
    if configured:
        return (base / configured).absolute(), True
    return (config.rootpath / DEFAULT_STACK).absolute(), False


def _build_info(config: pytest.Config, stack_folder: Path) -> tuple[BuildInfo, str, int]:
    """Build facts, run id and controller pid: read by the controller, handed to workers."""
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None and WORKER_INPUT_KEY in worker_input:
        shared = worker_input[WORKER_INPUT_KEY]
        return BuildInfo.from_wire(shared["build"]), shared["run_id"], shared["controller_pid"]
    build = read_build_info(stack_folder, build_timestamp(os.environ))
    return build, uuid.uuid4().hex, os.getpid()


def _options(config: pytest.Config, context_settings: Any) -> RunOptions:
    variant = config.option.variant
    if not NAME_PATTERN.fullmatch(variant):
        raise StackInspectionError(
            f"invalid --variant {variant!r}: use a lowercase name such as cuda12 or default"
        )
    emit = Path(config.option.emit_manifests).absolute() if config.option.emit_manifests else None
    repository = (config.option.repository or context_settings.repository).rstrip("/")
    if emit is not None and not REPOSITORY_URL.fullmatch(repository):
        raise StackInspectionError(
            f"invalid repository URL {repository!r} for the links in the outputs: pass "
            "--repository https://host/owner/name or set repository in stack.toml"
        )
    return RunOptions(
        images=tuple(config.option.images),
        registry=config.option.registry or context_settings.registry,
        owner=config.option.owner or context_settings.owner,
        variant=variant,
        repository=repository,
        emit_dir=emit,
        test_gate=not config.option.no_test_gate,
        shared_tests=tuple(config.getini("inspections_shared_tests")),
        inspection_timeout=config.option.inspection_timeout,
        cache_dir=Path(config.option.cache_dir).absolute() if config.option.cache_dir else None,
        inspections_only=config.option.inspections_only,
    )


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    stack_folder, named = _stack_folder(config)
    explicit = named or any(getattr(config.option, name) for name in EXPLICIT_OPTIONS)
    if not explicit and not stack_folder.is_dir():
        return
    try:
        stack = load_stack(stack_folder)
        options = _options(config, stack.settings)
        plan = build_plan(stack, select_images(stack, list(options.images), options.variant))
        if options.emit_dir is not None and _is_controller(config):
            check_output_folder(options.emit_dir)
        build, run_id, controller_pid = _build_info(config, stack_folder)
    except StackInspectionError as error:
        raise pytest.UsageError(str(error)) from error
    cache = ValueCache(options.cache_dir) if options.cache_dir else None
    config.stash[RUN_CONTEXT] = RunContext(
        options, stack, plan, build, run_id, controller_pid, cache=cache
    )
    config.pluginmanager.register(fixtures, "stack_inspections.fixtures")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "stack_inspections.xdist")
    if _is_controller(config):
        config.stash[COLLECTOR] = ResultsCollector(plan)
        config.pluginmanager.register(
            ReportListener(config.stash[COLLECTOR]), "stack_inspections.results"
        )
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR:
        config.args = [str(stack_folder)]


class XdistHooks:
    """Hooks that exist only when pytest-xdist is installed."""

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Schedule by image under xdist's default `--dist load`."""
        if config.option.dist != "load":
            return None
        run = run_context(config)
        return ImageScheduling(
            config, run.plan.images, lambda path: run.images_for(path) is not None, log
        )

    def pytest_configure_node(self, node: Any) -> None:
        run = run_context(node.config)
        node.workerinput[WORKER_INPUT_KEY] = {
            "build": run.build.to_wire(),
            "run_id": run.run_id,
            "controller_pid": run.controller_pid,
        }


def pytest_sessionstart(session: pytest.Session) -> None:
    if RUN_CONTEXT in session.config.stash and _is_controller(session.config):
        _sweep(run_context(session.config), run_id=None)


def _sweep(run: RunContext, run_id: str | None) -> None:
    """Remove leftover containers; an engine that cannot be reached has none to remove."""
    try:
        docker_engine.sweep_containers(run.docker(), run_id)
    except DockerUnavailableError:
        return


def _matches_python_files(config: pytest.Config, path: Path) -> bool:
    patterns = config.getini("python_files")
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Collect `inspect_*.py` in the stack's image folders without any python_files setting."""
    config = parent.config
    if RUN_CONTEXT not in config.stash or not fnmatch.fnmatch(file_path.name, INSPECTION_FILE_GLOB):
        return None
    if parent.session.isinitpath(file_path) or _matches_python_files(config, file_path):
        return None
    if run_context(config).stack.image_owning(file_path) is None:
        return None
    module: pytest.Module = pytest.Module.from_parent(parent, path=file_path)
    return module


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run everything that takes `image` once per image it applies to."""
    if "image" not in metafunc.fixturenames or RUN_CONTEXT not in metafunc.config.stash:
        return
    run = run_context(metafunc.config)
    images = run.images_for(metafunc.definition.path)
    if images is None and spec_of(metafunc.function) is not None:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: inspections belong in an image folder of "
            f"{run.stack.folder}: move it into <image>/inspect_*.py"
        )
    if images is not None:
        metafunc.parametrize("image", images, indirect=True, scope="session", ids=images)


def _inspection_key(run: RunContext, item: pytest.Item) -> str | None:
    """The plan key of an inspection item; None for anything else."""
    if not isinstance(item, pytest.Function) or spec_of(item.obj) is None:
        return None
    owner = run.stack.image_owning(item.path) or ""
    return inspection_key(owner, item.path, item.originalname)


def _image_of(run: RunContext, item: pytest.Item) -> str | None:
    """The image a stack item runs on; None for items that are not the stack's."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or run.images_for(item.path) is None:
        return None
    name = callspec.params.get("image")
    return name if name in run.plan.images else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the stack's items bound to no selected image; run image by image, inspections first."""
    if RUN_CONTEXT not in config.stash:
        return
    run = run_context(config)
    unbound = [
        item
        for item in items
        if "image" in getattr(item, "fixturenames", ())
        and _image_of(run, item) is None
        and run.images_for(item.path) is not None
    ]
    if run.options.inspections_only:
        unbound += [
            item
            for item in items
            if _image_of(run, item) is not None and _inspection_key(run, item) is None
        ]
    if unbound:
        config.hook.pytest_deselected(items=unbound)
    order = {name: index for index, name in enumerate(run.plan.images)}
    plan_order = {
        planned.key: index
        for inspections in run.plan.inspections.values()
        for index, planned in enumerate(inspections)
    }

    def position(indexed: tuple[int, pytest.Item]) -> tuple[int, int, int]:
        """Image by image; inspections first, in plan order; then tests as collected."""
        index, item = indexed
        image = _image_of(run, item)
        key = _inspection_key(run, item)
        in_plan = plan_order.get(key, len(plan_order)) if key else len(plan_order) + index
        return (order[image] if image else -1, in_plan, index)

    kept = [(index, item) for index, item in enumerate(items) if item not in unbound]
    items[:] = [item for _, item in sorted(kept, key=position)]
    _plan_evaluations(run, items)


def _plan_evaluations(run: RunContext, items: list[pytest.Item]) -> None:
    """Note, per image, the inspections this process runs that can run together."""
    run.inspections_of.clear()
    for item in items:
        image, key = _image_of(run, item), _inspection_key(run, item)
        inspection = (
            Inspection.of(key, item.obj) if key and isinstance(item, pytest.Function) else None
        )
        if (
            image
            and inspection
            and set(arguments_of(inspection.function)) <= PREFETCHABLE_ARGUMENTS
        ):
            run.inspections_of.setdefault(image, []).append(inspection)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Report an inspection's outcome (computed with its image's others) instead of calling it."""
    run = run_context(pyfuncitem.config) if RUN_CONTEXT in pyfuncitem.config.stash else None
    key = _inspection_key(run, pyfuncitem) if run is not None else None
    image = _image_of(run, pyfuncitem) if run is not None else None
    if run is None or key is None or image is None:
        return None
    resolved = pyfuncitem.funcargs["image"]
    assert isinstance(resolved, ResolvedImage), "the image fixture gives a ResolvedImage"
    outcomes = run.evaluations.setdefault(image, {})
    if key not in outcomes:
        batch = [item for item in run.inspections_of.get(image, []) if item.key not in outcomes]
        if any(item.key == key for item in batch):
            outcomes.update(
                evaluate_all(
                    batch,
                    resolved,
                    functools.partial(run.argument, resolved),
                    run.cache,
                    run.options.inspection_timeout,
                )
            )
        else:
            alone = Inspection.of(key, pyfuncitem.obj)
            assert alone is not None, "an inspection key belongs to an inspection"
            outcomes[key] = evaluate(
                alone,
                resolved,
                pyfuncitem.funcargs.__getitem__,
                run.cache,
                run.options.inspection_timeout,
            )
    outcome = outcomes[key]
    pyfuncitem.stash[OUTCOME] = outcome
    if outcome.error is not None:
        raise outcome.error
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Put the image's facts and the inspection's value on the report, as plain built-ins."""
    report = yield
    if RUN_CONTEXT not in item.config.stash:
        return report
    run = run_context(item.config)
    image = _image_of(run, item)
    if image is None:
        return report
    facts: dict[str, Any] = {"name": image}
    resolved = getattr(item, "funcargs", {}).get("image")
    if isinstance(resolved, ResolvedImage):
        facts.update(
            id=resolved.id,
            reference=resolved.reference,
            platform=resolved.platform,
            size_bytes=resolved.size_bytes,
            repo_digests=list(resolved.repo_digests),
        )
    setattr(report, IMAGE_ATTRIBUTE, facts)
    key = _inspection_key(run, item)
    if key is not None:
        outcome = item.stash.get(OUTCOME, None)
        setattr(
            report,
            INSPECTION_ATTRIBUTE,
            {
                "key": key,
                "value": outcome.value if outcome else None,
                "seconds": outcome.seconds if outcome else 0.0,
                "cached": outcome.cached if outcome else False,
            },
        )
        if call.when == "call":
            setattr(report, TIMING_ATTRIBUTE, run.timing(image))
    if call.excinfo is not None and isinstance(call.excinfo.value, StackInspectionError):
        setattr(report, ERROR_ATTRIBUTE, str(call.excinfo.value))
        report.longrepr = f"{image}: {item.name}: {call.excinfo.value}"
    return report


class ReportListener:
    """On the controller, folds every report into the results."""

    def __init__(self, collector: ResultsCollector) -> None:
        self.collector = collector

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove this process's containers; on the controller, write the passing images' files."""
    config = session.config
    if RUN_CONTEXT in config.stash:
        run_context(config).pool.remove_all()
    if COLLECTOR not in config.stash:
        return
    run = run_context(config)
    collector = config.stash[COLLECTOR]
    _sweep(run, run.run_id)
    settings = OutputSettings(
        registry=run.options.registry,
        owner=run.options.owner,
        variant=run.options.variant,
        repository=run.options.repository,
        test_gate=run.options.test_gate,
    )
    results = {name: result for name, result in collector.images.items() if result.reported}
    verdicts = {
        name: judge(result, settings, run.build, run.dockerfile_path(name))
        for name, result in results.items()
    }
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail
    if stopped:
        for verdict in verdicts.values():
            verdict.missing.append("the session stopped early: nothing written")
    config.stash[VERDICTS] = verdicts
    if run.options.emit_dir is not None and verdicts and not stopped:
        write_outputs(
            run.options.emit_dir, verdicts, summary_document(results, verdicts, run.build)
        )
    if any(verdict.status == "failed" for verdict in verdicts.values()) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    verdicts = config.stash.get(VERDICTS, {})
    if not verdicts:
        return
    run = run_context(config)
    terminalreporter.write_sep("=", "stack inspections")
    results = config.stash[COLLECTOR].images
    table = summary_table(
        {name: results[name] for name in verdicts}, verdicts, run.options.emit_dir
    )
    terminalreporter.write_line(table)
    if run.options.emit_dir is not None:
        terminalreporter.write_line(f"outputs in {run.options.emit_dir}")
