"""The plugin's hooks in one pytest process, each handing its work to the part that does it.

`activation.pytest_configure` creates one StackSession when the plugin is active, keeps it in
the config's stash and registers it; `pytest_unconfigure` unregisters it. Its parts, each
passed on explicitly: the item index (`item_index`), the Docker resources
(`runtime.resources`), the inspection runner (`runtime.runner`), and on the controller the
results (`outputs.results`), the verdicts (`outputs.verdicts`) and what the end of the
session did with the outputs (`outputs.outcome`). The data flows one way: options -> plan ->
items -> reports -> verdicts -> files.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from inspections.api import spec_of
from inspections.outputs.results import ResultsCollector
from inspections.plugin.item_index import ItemIndex
from inspections.plugin.items import (
    annotate,
    batches_of,
    find_image,
    in_run_order,
    run_inspection,
    to_deselect,
)
from inspections.plugin.options import RunOptions
from inspections.plugin.plan import InspectionPlan
from inspections.plugin.run_facts import RunFacts
from inspections.runtime.cache import ValueCache
from inspections.runtime.resources import ImageResources, ImageSource
from inspections.runtime.runner import InspectionRunner
from inspections.stack import INSPECTION_FILE_GLOB, Stack

if TYPE_CHECKING:
    from inspections.outputs.outcome import OutputsOutcome
    from inspections.outputs.verdicts import Verdicts

SESSION = pytest.StashKey["StackSession"]()
INSPECTION_MARKER = "inspection"


class StackSession:
    """One process's view of the run: stack, plan, options, and the parts that do the work."""

    def __init__(
        self,
        config: pytest.Config,
        options: RunOptions,
        stack: Stack,
        plan: InspectionPlan,
        facts: RunFacts,
    ) -> None:
        self.config = config
        self.options = options
        self.stack = stack
        self.facts = facts
        self.controller = not hasattr(config, "workerinput")
        self.items = ItemIndex(
            stack,
            plan,
            options.shared_tests,
            options.image_tests,
            config.rootpath,
            config.args,
            options.their_images,
        )
        sources = {
            name: ImageSource(
                options.reference(name), str(spec.folder), options.tests_reference(name)
            )
            for name, spec in stack.images.items()
        }
        self.resources = ImageResources(sources, facts.build, facts.run_id, facts.controller_pid)
        cache = ValueCache(options.cache_dir, stack.folder) if options.cache_dir else None
        self.runner = InspectionRunner(self.resources, cache, options.inspection_timeout)
        # On the controller, from the session's start:
        self.collector: ResultsCollector | None = None
        self.verdicts: Verdicts | None = None
        self.outcome: OutputsOutcome | None = None  # at the session's end

    # --- hooks: collection ------------------------------------------------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """On the controller: results and verdicts to gather, and a clean output folder."""
        if not self.controller:
            return
        from inspections.outputs.finish import prepare_output_folder
        from inspections.outputs.verdicts import Verdicts

        self.collector = ResultsCollector(self.items.plan.inspections, self.items.images_of_nodeid)
        self.verdicts = Verdicts(self.collector.images, self.options, self.facts.build, self.stack)
        warning = prepare_output_folder(self.options.emit_dir)
        if warning is not None:
            self.config.issue_config_time_warning(warning, stacklevel=2)

    def pytest_collect_file(
        self, file_path: Path, parent: pytest.Collector
    ) -> pytest.Module | None:
        """Collect `inspect_*.py` in the stack's image folders without any python_files setting."""
        if not fnmatch.fnmatch(file_path.name, INSPECTION_FILE_GLOB):
            return None
        patterns = parent.config.getini("python_files")
        if parent.session.isinitpath(file_path) or any(
            fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns
        ):
            return None
        if self.items.owner_of(file_path) is None:
            return None
        module: pytest.Module = pytest.Module.from_parent(parent, path=file_path)
        return module

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(
        self, collector: pytest.Collector, name: str, obj: object
    ) -> list[pytest.Item] | None:
        """Collect an image folder's inspections whatever their names, marked `inspection`."""
        if (
            spec_of(obj) is None
            or not isinstance(collector, pytest.Module)
            or not fnmatch.fnmatch(collector.path.name, INSPECTION_FILE_GLOB)
            or self.items.owner_of(collector.path) is None
        ):
            return None
        items: list[pytest.Item] = list(collector._genfunctions(name, obj))
        for item in items:
            item.add_marker(INSPECTION_MARKER)
        return items

    @pytest.hookimpl(tryfirst=True)
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run everything of the stack that takes `image` once per image it applies to."""
        if "image" not in metafunc.fixturenames:
            return
        images = self.items.images_for(metafunc.definition.path)
        if images is None and spec_of(metafunc.function) is not None:
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: inspections belong in an image folder of "
                f"{self.stack.folder}: move it into <image>/inspect_*.py"
            )
        if images is not None:
            metafunc.parametrize("image", images, indirect=True, scope="session", ids=images)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Drop the stack's unbound items; run image by image, inspections first."""
        dropped = to_deselect(self.items, items, self.options.inspections_only)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if item not in dropped]
        items[:] = in_run_order(self.items, items)
        self.runner.batch(batches_of(self.items, items))

    # --- hooks: running -------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Find the item's image first; a missing one fails its first item and skips the rest.

        Tests that count for images without taking `image` use fixtures of their own."""
        image = self.items.image_of(item)
        if image is not None:
            find_image(self.resources, item, image)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Report an inspection's outcome instead of letting pytest call (and warn about) it."""
        key = self.items.inspection_key_of(pyfuncitem)
        if key is None or self.items.image_of(pyfuncitem) is None:
            return None
        run_inspection(self.runner, pyfuncitem, key)
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Carry the image's facts and the inspection's outcome on the report."""
        report = yield
        annotate(self.items, self.resources, item, call, report)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """On the controller, fold every report into the results."""
        if self.collector is not None:
            self.collector.add(report)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """After the last item, on the controller: each image's verdict, as an item of its own.

        Outermost, so that the terminal has written its 100% before the verdicts come.
        """
        result = yield
        if self.verdicts is not None and not self.config.option.collectonly:
            from inspections.outputs.verdict_items import report_verdicts

            tag = self.resources.tag if self.options.apply_tags else None
            report_verdicts(self.config, self.verdicts, self.stack, self.items.location_of, tag)
        return result

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, postfix: list[str]) -> None:
        """pytest-html: the script that draws the verdicts' diagrams where Mermaid loads."""
        if self.verdicts is not None and self.verdicts.by_image:
            from inspections.formats.html_report import RENDER_SCRIPT

            postfix.append(RENDER_SCRIPT)

    # --- hooks: the end ---------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Remove this process's containers; on the controller, write the outputs."""
        self.resources.close(sweep_run=self.controller)
        if self.controller:
            self.outcome = self._finish(exitstatus)
            if self.outcome.exit_status and session.exitstatus in (0, pytest.ExitCode.TESTS_FAILED):
                session.exitstatus = self.outcome.exit_status

    def _finish(self, exitstatus: int) -> OutputsOutcome:
        from inspections.outputs.finish import finish
        from inspections.outputs.outcome import OutputsOutcome

        if self.verdicts is None or self.config.option.collectonly:
            return OutputsOutcome()
        self.verdicts.judge_all()
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        build, run_id = self.facts.build, self.facts.run_id
        return finish(self.verdicts, self.options, build, run_id, self.stack, interrupted)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """One row per image: tags, pieces, image tests, outcome, files; then the reasons."""
        if self.verdicts is not None and self.outcome is not None:
            from inspections.outputs.summary import show_summary

            show_summary(
                terminalreporter, self.verdicts, self.outcome, self.options, self.facts.build
            )
