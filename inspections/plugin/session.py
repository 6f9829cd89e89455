"""The plugin's state in one pytest process, and the hooks that use it.

`plugin.pytest_configure` creates one StackSession when the plugin is active, keeps it in
the config's stash and registers it; `pytest_unconfigure` unregisters it. The data flows one
way: options -> plan -> items -> reports -> verdicts -> files.
"""

from __future__ import annotations

import contextlib
import fnmatch
import threading
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from inspections.api import spec_of
from inspections.errors import DockerUnavailableError, StackInspectionError
from inspections.outputs.results import ImageResult, ResultsCollector
from inspections.outputs.verdicts import IMAGE_PROPERTY, ImageVerdict, judge, report_verdict
from inspections.plugin.items import annotate, batches_of, in_run_order, run_inspection, to_deselect
from inspections.plugin.nodeids import NodeIdImages
from inspections.plugin.options import RunOptions
from inspections.plugin.plan import INSPECTION_FILE_GLOB, InspectionPlan, inspection_key
from inspections.runtime.cache import ValueCache
from inspections.runtime.container_exec import InspectionContainer
from inspections.runtime.containers import ContainerPool
from inspections.runtime.engine import Engine, ResolvedImage
from inspections.runtime.evaluation import Evaluation, Inspection
from inspections.stack import Stack

if TYPE_CHECKING:
    import testinfra.host
    from docker.models.containers import Container

    from inspections.outputs.finish import Finish
    from inspections.plugin.scheduling import RunFacts

SESSION = pytest.StashKey["StackSession"]()
INSPECTION_MARKER = "inspection"


class StackSession:
    """One process's view of the run: stack, plan, build facts, Docker resources, results."""

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
        self.plan = plan
        self.build = facts.build
        self.run_id = facts.run_id
        self.controller_pid = facts.controller_pid
        self.controller = not hasattr(config, "workerinput")
        self.engine = Engine()
        self.pool = ContainerPool(self._start_container)
        self.cache = ValueCache(options.cache_dir, stack.folder) if options.cache_dir else None
        self.batches: dict[str, list[Inspection]] = {}
        self.evaluations: dict[str, dict[str, Evaluation]] = {}
        self.collector: ResultsCollector | None = None
        self.verdicts: dict[str, ImageVerdict] = {}
        self.applied_tags: dict[str, tuple[str, list[str]]] = {}  # image -> (id, references)
        self.finish: Finish | None = None
        self._lock = threading.Lock()
        self._hosts: dict[str, testinfra.host.Host] = {}
        self._resolved: dict[str, ResolvedImage | StackInspectionError] = {}
        self._owners: dict[Path, str | None] = {}
        self._images_for: dict[Path, list[str] | None] = {}
        self._swept = False
        self.workers_crashed = False
        self._nodeids: NodeIdImages | None = None

    # --- the stack's files and items --------------------------------------------------

    def owner_of(self, path: Path) -> str | None:
        """The image whose folder holds the file `path` (asked once per file)."""
        if path not in self._owners:
            self._owners[path] = self.stack.image_owning(path)
        return self._owners[path]

    def images_for(self, path: Path) -> list[str] | None:
        """The selected images a test file applies to; None when the file is not the stack's.

        A file in an image folder, or in an image's folder of image tests, applies to that
        image and its descendants; a file under one of the shared test folders applies to
        every image. Asked once per file.
        """
        if path not in self._images_for:
            self._images_for[path] = self._find_images_for(path)
        return self._images_for[path]

    def _find_images_for(self, path: Path) -> list[str] | None:
        owner = self.owner_of(path) or self._image_tests_owner(path)
        if owner is not None:
            return [name for name in self.plan.images if owner in self.stack.lineage_names(name)]
        resolved = path.resolve()
        if any(resolved.is_relative_to(folder.resolve()) for folder in self.options.shared_tests):
            return list(self.plan.images)
        return None

    def _image_tests_owner(self, path: Path) -> str | None:
        """The image whose folder of image tests (`<inspections_image_tests>/<image>/`) holds
        `path`; None for every other path."""
        resolved = path.resolve()
        for folder in self.options.image_tests:
            base = folder.resolve()
            if resolved.is_relative_to(base):
                parts = resolved.relative_to(base).parts
                if len(parts) > 1 and parts[0] in self.stack.images:
                    return parts[0]
        return None

    def default_paths(self) -> list[Path]:
        """What a session without path arguments collects: the stack folder, the shared
        tests and the image tests of the selected images and their ancestors."""
        lineages = {name for image in self.plan.images for name in self.stack.lineage_names(image)}
        image_tests = [
            folder / name
            for folder in self.options.image_tests
            for name in self.stack.images
            if name in lineages and (folder / name).is_dir()
        ]
        return [self.stack.folder, *self.options.shared_tests, *image_tests]

    def image_of(self, item: pytest.Item) -> str | None:
        """The image a stack item runs on (its `image` parameter); None for every other item."""
        callspec = getattr(item, "callspec", None)
        if callspec is None or self.images_for(item.path) is None:
            return None
        name = callspec.params.get("image")
        return name if name in self.plan.images else None

    def images_of(self, item: pytest.Item) -> list[str]:
        """The selected images whose verdict `item` counts for: its image if it takes `image`;
        else, for a test of the stack's files, every selected image its file applies to."""
        if "image" in getattr(item, "fixturenames", ()):
            image = self.image_of(item)
            return [image] if image else []
        return self.images_for(item.path) or []

    def inspection_key_of(self, item: pytest.Item) -> str | None:
        """The plan key of an inspection item; None for anything else."""
        if not isinstance(item, pytest.Function) or spec_of(item.obj) is None:
            return None
        owner = self.owner_of(item.path) or ""
        return inspection_key(owner, item.path, item.originalname)

    def _node_ids(self) -> NodeIdImages:
        if self._nodeids is None:
            initial = [Path(arg.split("::", 1)[0]).absolute() for arg in self.config.args]
            self._nodeids = NodeIdImages(
                self.config.rootpath, initial, self.images_for, self.plan.images
            )
        return self._nodeids

    def image_of_nodeid(self, nodeid: str) -> str | None:
        """The image a stack item runs on, from its node id alone; None for every other id."""
        return self._node_ids().image_of(nodeid)

    def images_of_nodeid(self, nodeid: str) -> list[str]:
        """`images_of` from a node id alone (a crashed worker's item has nothing more)."""
        return self._node_ids().images_of(nodeid)

    def dockerfile_path(self, image: str) -> str:
        """The image's Dockerfile relative to the repository root, for links."""
        folder = self.stack.images[image].folder.resolve()
        if self.build.git_toplevel:
            folder = folder.relative_to(Path(self.build.git_toplevel).resolve())
        return f"{folder.as_posix()}/Dockerfile"

    def location_of(self, image: str) -> str:
        """The image folder as a node id path: relative to the rootdir where possible."""
        folder = self.stack.images[image].folder.absolute()
        if folder.is_relative_to(self.config.rootpath):
            return folder.relative_to(self.config.rootpath).as_posix()
        return folder.as_posix()

    # --- Docker resources -----------------------------------------------------------------

    def resolve(self, image: str) -> ResolvedImage:
        """The local image for `image`, looked up once per process (errors included)."""
        if image not in self._resolved:
            try:
                self._resolved[image] = self.engine.resolve_image(
                    image, self.options.reference(image), str(self.stack.images[image].folder)
                )
            except StackInspectionError as error:
                self._resolved[image] = error
        found = self._resolved[image]
        if isinstance(found, StackInspectionError):
            raise found
        return found

    def _start_container(self, image: ResolvedImage) -> InspectionContainer:
        with self._lock:
            if not self._swept:
                self._swept = True
                self.engine.sweep()  # containers of sessions that ended
        return self.engine.start_container(image, self.run_id, self.controller_pid)

    def host(self, image: ResolvedImage) -> testinfra.host.Host:
        """The testinfra host on `image`'s container, which starts on its first command."""
        from inspections.runtime.host import lazy_host

        with self._lock:
            if image.name not in self._hosts:
                self._hosts[image.name] = lazy_host(
                    image.name,
                    container=lambda: self.pool.get(image),
                    stopped_because=lambda: self.pool.stopped_because(image.name),
                )
            return self._hosts[image.name]

    def container(self, image: ResolvedImage) -> Container:
        """The docker SDK's view of `image`'s inspection container, started if needed."""
        return self.engine.client().containers.get(self.pool.get(image).id)

    def stop_image(self, image: str, culprit: Inspection) -> None:
        """Remove `image`'s container because `culprit` timed out; later commands say so."""
        self.pool.stop(
            image,
            f"stopped because {culprit.name} timed out after "
            f"{self.options.inspection_timeout:g} s (the container was removed)",
        )

    def argument(self, image: ResolvedImage, name: str) -> Any:
        """What a fixture named `name` gives an inspection on `image`."""
        if name == "host":
            return self.host(image)
        if name == "container":
            return self.container(image)
        if name == "image":
            return image
        if name == "build_info":
            return self.build
        raise KeyError(name)

    def timing(self, image: str) -> dict[str, Any]:
        """What `image`'s inspections cost here so far: container start and each command."""
        backend = getattr(self._hosts.get(image), "backend", None)
        return {
            "container_start_seconds": self.pool.start_seconds.get(image),
            "commands_executed": list(getattr(backend, "executed", [])),
            "command_seconds": dict(getattr(backend, "seconds", {})),
        }

    # --- hooks: collection ------------------------------------------------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """On the controller: index node ids by image and clean the output folder."""
        if not self.controller:
            return
        self.collector = ResultsCollector(self.plan, self.images_of_nodeid)
        from inspections.outputs.finish import prepare_output_folder

        prepare_output_folder(self)

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
        if self.owner_of(file_path) is None:
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
            or self.owner_of(collector.path) is None
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
        images = self.images_for(metafunc.definition.path)
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
        dropped = to_deselect(self, items)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if item not in dropped]
        items[:] = in_run_order(self, items)
        self.batches = batches_of(self, items)

    # --- hooks: running -------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Find the item's image first; a missing one fails its first item and skips the rest.

        Tests that count for images without taking `image` use fixtures of their own."""
        image = self.image_of(item)
        if image is None:
            return
        property_ = (IMAGE_PROPERTY, image)
        if property_ not in item.user_properties:
            item.user_properties.append(property_)
        failed_before = isinstance(self._resolved.get(image), StackInspectionError)
        try:
            self.resolve(image)
        except StackInspectionError as error:
            if failed_before:
                pytest.skip(f"{image}: {error} (reported once, on its first item)")
            raise

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        """Report an inspection's outcome instead of letting pytest call (and warn about) it."""
        key, image = self.inspection_key_of(pyfuncitem), self.image_of(pyfuncitem)
        if key is None or image is None:
            return None
        run_inspection(self, pyfuncitem, key, image)
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Carry the image's facts and the inspection's outcome on the report."""
        report = yield
        annotate(self, item, call, report)
        return report

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """After the last item, on the controller: each image's verdict, as an item of its own.

        Outermost, so that the terminal has written its 100% before the verdicts come.
        """
        result = yield
        if self.controller and not self.config.option.collectonly:
            self._report_verdicts()
        return result

    @property
    def strict(self) -> bool:
        """Whether outputs were asked for: then every selected image gets a verdict, and an
        incomplete one fails."""
        return self.options.emit_dir is not None or self.options.apply_tags

    def judge_image(self, result: ImageResult) -> ImageVerdict | None:
        """The verdict on `result`'s image; None when it needs none (nothing of it ran, and
        no outputs were asked for)."""
        if not (result.tested or self.strict):
            return None
        return judge(result, self.options, self.build, self.dockerfile_path(result.name))

    def _report_verdicts(self) -> None:
        assert self.collector is not None, "set at session start"
        # The verdicts come after the items pytest counted: no percentages past 100 for them.
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None and hasattr(terminal, "_show_progress_info"):
            terminal._show_progress_info = False
        from inspections.formats.html_report import writes_html_report
        from inspections.outputs.summary import html_extras

        html = writes_html_report(self.config)
        for name, result in self.collector.images.items():
            verdict = self.judge_image(result)
            if verdict is None:
                continue
            if verdict.passed and self.options.apply_tags:
                from inspections.outputs.finish import apply_tags

                apply_tags(self, verdict, str(result.facts.get("id", "")))
            self.verdicts[name] = verdict
            extras = html_extras(self, verdict) if html else None
            report_verdict(self.config, verdict, self.location_of(name), self.strict, extras)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, postfix: list[str]) -> None:
        """pytest-html: the script that draws the verdicts' diagrams where Mermaid loads."""
        if self.verdicts:
            from inspections.formats.html_report import RENDER_SCRIPT

            postfix.append(RENDER_SCRIPT)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """On the controller, fold every report into the results."""
        if self.collector is not None:
            self.collector.add(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Remove this process's containers; on the controller, write the outputs."""
        self.pool.close()
        # Never in a worker: the run id is shared by all of them.
        if self.controller and (self._swept or self.workers_crashed):
            with contextlib.suppress(DockerUnavailableError):
                self.engine.sweep(self.run_id)
        if self.controller:
            from inspections.outputs.finish import finish

            self.finish = finish(self, session, exitstatus)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """One row per image: tags, pieces, image tests, outcome, files; then the reasons."""
        if self.finish is not None:
            from inspections.outputs.summary import show_summary

            show_summary(self, terminalreporter)
