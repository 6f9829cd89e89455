"""One stack-build run: archives loaded, each image built unless up to date, archives saved.

Images are checked and built in hierarchy order, `jobs` at a time (see `scheduling`). An image
is up to date when its `org.stack-inspections.inputs` label holds the hash of its current
inputs (see `image_inputs`); it is then left as it is, unless `force`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from inspections.building.archives import (
    ArchivedImage,
    archive_name,
    check_archive,
    load_archive,
    read_archive,
    save_archive,
)
from inspections.building.build_plan import BuildTarget
from inspections.building.docker_build import BuildOptions, BuildProcesses, build_command
from inspections.building.docker_client import Builder, Docker, ImageFacts
from inspections.building.dockerfile import base_references, buildkit_feature
from inspections.building.durations import duration_key, read_durations, record_durations
from inspections.building.errors import BuildError
from inspections.building.iid_files import iid_file, remove_leftover_iid_files
from inspections.building.image_inputs import INPUTS_LABEL, BuildInputs, input_hash
from inspections.building.scheduling import Job, run_jobs
from inspections.errors import StackInspectionError
from inspections.text import one_line

# Statuses of an image in a run.
BUILT, UP_TO_DATE, FAILED, SKIPPED = "built", "up to date", "failed", "skipped"
INTERRUPTED, NOT_STARTED = "interrupted", "not started"
SUCCEEDED = (BUILT, UP_TO_DATE)
DEFAULT_ESTIMATE_SECONDS = 60.0  # an image never built here: ordering counts images then


@dataclass
class ImageBuildResult:
    """What happened to one image in this run."""

    target: BuildTarget
    status: str = NOT_STARTED
    reason: str = ""
    seconds: float | None = None
    image_id: str = ""
    size_bytes: int | None = None
    inputs: str = ""
    log: Path | None = None
    archive: Path | None = None


@dataclass(frozen=True)
class RunSettings:
    """How the run builds: from the command line."""

    platform: str
    jobs: int = 1
    force: bool = False
    options: BuildOptions = field(default_factory=BuildOptions)
    logs: Path = Path("build-logs")
    save: Path | None = None
    load: Path | None = None
    durations: Path | None = None  # None: no durations read or kept


class Reporter(Protocol):
    """What the run tells as it goes (see `build_report.Progress`)."""

    def building(self, result: ImageBuildResult) -> None: ...

    def finished(self, result: ImageBuildResult) -> None: ...

    def tick(self) -> None: ...


class StackBuild:
    """The builds of a planned list of targets (parents before children)."""

    def __init__(
        self, docker: Docker, targets: list[BuildTarget], settings: RunSettings, reporter: Reporter
    ) -> None:
        self.docker = docker
        self.settings = settings
        self.reporter = reporter
        self.results = {target.label: ImageBuildResult(target) for target in targets}
        self.by_reference = {target.reference: self.results[target.label] for target in targets}
        self.processes = BuildProcesses()
        self._bases = {
            target.label: base_references(
                target.dockerfile.read_text(encoding="utf-8", errors="replace"),
                dict(target.build_args),
            )
            for target in targets
        }
        self._facts: dict[str, ImageFacts] = {}
        self._builder_lock = threading.Lock()
        self._replaced: list[str] = []  # ids of images that builds of this run replaced

    @property
    def targets(self) -> list[BuildTarget]:
        return [result.target for result in self.results.values()]

    def archive_path(self, folder: Path, target: BuildTarget) -> Path:
        return folder / archive_name(self.settings.platform, target.variant, target.image)

    def _parent_archive(self, folder: Path, target: BuildTarget) -> Path:
        image, variant = target.parent or ("", "")
        return folder / archive_name(self.settings.platform, variant, image)

    def run(self) -> list[ImageBuildResult]:
        """Load, build, save; the result of every target (also when Ctrl-C stopped the run)."""
        self._facts = self.docker.inspect(self._references_to_inspect())
        if self.settings.load is not None:
            self._load_archives(self.settings.load)
        remove_leftover_iid_files(self.settings.logs)
        durations = read_durations(self.settings.durations) if self.settings.durations else {}
        jobs = [
            Job(target.label, self._parent_label(target), self._estimate(target, durations))
            for target in self.targets
        ]
        run_jobs(jobs, self.settings.jobs, self._work, self, self.processes.stop_all)
        self._check_built()
        if self.settings.durations:
            record_durations(self.settings.durations, self._measured())
        if self.settings.save is not None:
            self._save_archives(self.settings.save)
        return list(self.results.values())

    # --- scheduling -----------------------------------------------------------------------

    def _parent_label(self, target: BuildTarget) -> str | None:
        parent = self.by_reference.get(target.parent_reference)
        return parent.target.label if parent and target.parent_in_plan else None

    def _estimate(self, target: BuildTarget, durations: dict[str, float]) -> float:
        known = durations.get(duration_key(self.settings.platform, target.reference))
        return DEFAULT_ESTIMATE_SECONDS if known is None else known

    def _measured(self) -> dict[str, float]:
        return {
            duration_key(self.settings.platform, result.target.reference): result.seconds
            for result in self.results.values()
            if result.status == BUILT and result.seconds is not None
        }

    # the scheduling listener
    def started(self, job: Job) -> None:
        pass

    def finished(self, job: Job, succeeded: bool) -> None:
        self.reporter.finished(self.results[job.key])

    def skipped(self, job: Job, reason: str) -> None:
        result = self.results[job.key]
        result.status, result.reason = SKIPPED, reason
        self.reporter.finished(result)

    def tick(self) -> None:
        self.reporter.tick()

    # --- one image ------------------------------------------------------------------------

    def _work(self, job: Job) -> bool:
        result = self.results[job.key]
        start = time.monotonic()
        try:
            self._build_unless_up_to_date(result)
        except (StackInspectionError, OSError) as error:
            result.status = FAILED
            result.reason = one_line(str(error))
        result.seconds = time.monotonic() - start
        return result.status in SUCCEEDED

    def _build_unless_up_to_date(self, result: ImageBuildResult) -> None:
        target = result.target
        inputs = BuildInputs(
            context=target.context,
            dockerfile=target.dockerfile,
            parent_id=self._parent_id(target),
            bases=tuple(
                (reference, self._image_id(reference))
                for reference in self._bases[target.label]
                if reference != target.parent_reference
            ),
            build_args=target.build_args,
            platform=self.settings.platform,
            buildkit=self._builder().buildkit,
        )
        result.inputs = input_hash(inputs)
        current = self._facts.get(target.reference)
        if (
            current is not None
            and not self.settings.force
            and current.labels.get(INPUTS_LABEL) == result.inputs
        ):
            result.status, result.image_id, result.size_bytes = (
                UP_TO_DATE,
                current.id,
                current.size_bytes,
            )
            return
        self._build(result, current)

    def _parent_id(self, target: BuildTarget) -> str:
        if not target.parent_reference:
            return ""
        parent = self.by_reference.get(target.parent_reference)
        if parent is not None and target.parent_in_plan:
            return parent.image_id
        found = self._facts.get(target.parent_reference)
        if found is None:
            name = self._parent_archive(Path(), target).name
            raise BuildError(
                f"parent image {target.parent_reference} is not in the local engine: build it "
                f"too (leave out --no-parents), or --load a folder holding its archive {name}"
            )
        return found.id

    def _image_id(self, reference: str) -> str:
        built = self.by_reference.get(reference)
        if built is not None and built.image_id:
            return built.image_id
        found = self._facts.get(reference)
        return found.id if found else ""

    def _builder(self) -> Builder:
        with self._builder_lock:
            return self.docker.builder

    def _build(self, result: ImageBuildResult, current: ImageFacts | None) -> None:
        target = result.target
        if self.processes.stopping.is_set():  # the run stopped while this job read its inputs
            result.status = INTERRUPTED
            return
        builder = self._builder()
        if not builder.buildkit:
            needs = buildkit_feature(
                target.dockerfile.read_text(encoding="utf-8", errors="replace")
            )
            needs = needs or ("--secret" if self.settings.options.secrets else None)
            if needs:
                raise BuildError(
                    f"{target.label} needs BuildKit ({needs}), and no docker client here builds "
                    f"with it ({', '.join(self.docker.clients)}): install the buildx plugin "
                    "(docker-buildx-plugin) or Debian's docker.io client"
                )
        stem = self.archive_path(Path(), target).stem
        result.log = self.settings.logs / f"{stem}.log"
        iidfile = iid_file(self.settings.logs, stem)
        self.reporter.building(result)
        iidfile.unlink(missing_ok=True)
        command = build_command(builder, target, result.inputs, self.settings.options, iidfile)
        try:
            code = self.processes.run(command, builder, result.log)
            built_id = iidfile.read_text().strip() if iidfile.is_file() else ""
        finally:
            iidfile.unlink(missing_ok=True)
        if code is None:
            result.status = INTERRUPTED
            return
        if code != 0:
            result.status = FAILED
            result.reason = f"docker build exit {code}"
            return
        if not built_id:
            raise BuildError(f"docker build of {target.label} named no image id: see its log")
        result.status, result.image_id = BUILT, built_id
        if current is not None and current.id != built_id:
            self._replaced.append(current.id)

    def _check_built(self) -> None:
        """Each built image is in the engine under its reference; images it replaced go."""
        built = [result for result in self.results.values() if result.status == BUILT]
        found = self.docker.inspect(result.target.reference for result in built)
        for result in built:
            facts = found.get(result.target.reference)
            if facts is None or facts.id != result.image_id:
                result.status = FAILED
                result.reason = (
                    f"{result.target.reference} is not the image just built "
                    f"({result.image_id[:19]}): the builder did not load it into the engine "
                    "(use the default buildx builder) or another process tagged it meanwhile"
                )
            else:
                result.size_bytes = facts.size_bytes
        for image_id in self._replaced:
            self.docker.remove_if_untagged(image_id)

    # --- archives -------------------------------------------------------------------------

    def _references_to_inspect(self) -> set[str]:
        references = {target.reference for target in self.targets}
        references |= {
            target.parent_reference for target in self.targets if target.parent_reference
        }
        references |= {reference for bases in self._bases.values() for reference in bases}
        return references

    def _load_archives(self, folder: Path) -> None:
        """Check every archive this run can use, then load those the engine does not hold."""
        wanted: dict[str, tuple[Path, str]] = {}
        for target in self.targets:
            wanted[target.reference] = (self.archive_path(folder, target), target.reference)
            if target.parent_reference and not target.parent_in_plan:
                path = self._parent_archive(folder, target)
                wanted[target.parent_reference] = (path, target.parent_reference)
        checked: list[tuple[ArchivedImage, str]] = []
        for path, reference in wanted.values():
            if path.is_file():
                archived = read_archive(path)
                check_archive(archived, reference, self.settings.platform)
                checked.append((archived, reference))
        for archived, reference in checked:
            present = self._facts.get(reference)
            if present is None or present.id != archived.image_id:
                load_archive(self.docker, archived, reference)
        if checked:
            self._facts = self.docker.inspect(self._references_to_inspect())

    def _save_archives(self, folder: Path) -> None:
        for result in self.results.values():
            if result.status not in SUCCEEDED:
                continue
            path = self.archive_path(folder, result.target)
            try:
                save_archive(
                    self.docker,
                    result.target.reference,
                    result.image_id,
                    path,
                    self.settings.platform,
                )
            except (StackInspectionError, OSError) as error:
                result.status = FAILED
                result.reason = f"saving {path} failed: {one_line(str(error))}"
                continue
            result.archive = path
