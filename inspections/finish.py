"""The end of a session on the controller: verdicts, output files, applied tags."""

from __future__ import annotations

import pytest

from inspections.errors import StackInspectionError
from inspections.outputs import (
    ImageVerdict,
    OutputSettings,
    judge,
    summary_document,
    write_outputs,
)
from inspections.publishing import apply_tags
from inspections.render import tag_lines
from inspections.results import ResultsCollector
from inspections.run import RunContext


def verdicts_of(run: RunContext, collector: ResultsCollector) -> dict[str, ImageVerdict]:
    """A verdict for every image the session touched."""
    settings = OutputSettings(
        registry=run.options.registry,
        owner=run.options.owner,
        variant=run.options.variant,
        repository=run.options.repository,
        test_gate=run.options.test_gate,
    )
    return {
        name: judge(result, settings, run.build, run.dockerfile_path(name))
        for name, result in collector.images.items()
        if result.reported
    }


def _apply_tags(run: RunContext, verdicts: dict[str, ImageVerdict]) -> None:
    """Tag each passing image locally; an image that cannot be tagged fails."""
    for verdict in verdicts.values():
        if not verdict.passed or verdict.inspected is None:
            continue
        image_id = str(run.resolve(verdict.name).id)
        try:
            apply_tags(run.docker(), image_id, tag_lines(verdict.inspected))
        except StackInspectionError as error:
            verdict.failures.append(f"applying tags failed: {error}")


def finish(
    run: RunContext, collector: ResultsCollector, session: pytest.Session, exitstatus: int
) -> dict[str, ImageVerdict]:
    """Judge every image, then write and tag the passing ones, unless the session stopped."""
    verdicts = verdicts_of(run, collector)
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail
    if stopped:
        for verdict in verdicts.values():
            verdict.missing.append("the session stopped early: nothing written")
        return verdicts
    if run.options.apply_tags:
        _apply_tags(run, verdicts)
    if run.options.emit_dir is not None and verdicts:
        results = {name: collector.images[name] for name in verdicts}
        write_outputs(
            run.options.emit_dir, verdicts, summary_document(results, verdicts, run.build)
        )
    if any(verdict.status == "failed" for verdict in verdicts.values()) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    return verdicts
