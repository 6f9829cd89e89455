"""The end of a session on the controller: verdicts become files and change reports.

Only a session that ran to its end writes: an interrupted one leaves the output folder as it
was. Otherwise every image the session selected is decided: a passed image gets its files,
any other image loses the files an earlier run wrote for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from inspections.build_info import BuildInfo
from inspections.errors import StackInspectionError
from inspections.formats.history_line import history_line
from inspections.formats.inspected_image import InspectedImage
from inspections.formats.manifest import manifest_markdown
from inspections.formats.run_folder import (
    STACK_DIAGRAM_FILE,
    change_report_file,
    history_file,
    manifest_file,
    sbom_file,
    tags_file_name,
)
from inspections.formats.tags_file import tag_lines, tags_file
from inspections.outputs.outcome import OutputsOutcome
from inspections.outputs.output_options import OutputOptions
from inspections.outputs.record import sha256_of
from inspections.outputs.record_entry import (
    ImageTests,
    InspectionRecord,
    RecordedBuild,
    RecordEntry,
    RecordError,
)
from inspections.outputs.results import ImageResult
from inspections.outputs.summary import step_summary, workflow_outputs, write_github_files
from inspections.outputs.verdicts import ImageVerdict, Verdicts
from inspections.outputs.writer import (
    WriteInterrupted,
    clean_output_folder,
    commit_run,
    held_signals,
)
from inspections.stack import Stack
from inspections.text import one_line

if TYPE_CHECKING:
    from inspections.inventory.builds import BuildFacts
    from inspections.inventory.changes import ChangeReport


_LEFTOVERS_SHOWN = 5  # leftovers named in the warning; the rest are counted


def prepare_output_folder(folder: Path | None) -> pytest.PytestWarning | None:
    """Remove what an interrupted earlier run left in the output folder `folder`, before
    anything runs; a warning naming what went, if anything did.

    A record this version cannot read stops the session: every file it backs would go.
    """
    if folder is None:
        return None
    try:
        removed = clean_output_folder(folder)
    except RecordError as error:
        raise pytest.UsageError(
            f"--emit-manifests {folder}: {one_line(str(error))} (nothing in it was changed)"
        ) from error
    except (OSError, StackInspectionError) as error:
        raise pytest.UsageError(
            f"cannot prepare --emit-manifests {folder} ({one_line(str(error))}): fix the "
            "folder or pass another one"
        ) from error
    if not removed:
        return None
    shown = ", ".join(removed[:_LEFTOVERS_SHOWN])
    more = len(removed) - _LEFTOVERS_SHOWN
    return pytest.PytestWarning(
        f"removed from {folder} what an interrupted run left, which its run record "
        f"does not back: {shown}" + (f" and {more} more" if more > 0 else "")
    )


def rendered_files(image: InspectedImage, with_changes: bool = False) -> dict[str, str]:
    """Relative output path -> content, for one passed image (`with_changes`: it has a
    change report, which its history line links to)."""
    stem = image.manifest_stem
    return {
        tags_file_name(image.platform, image.variant, image.name): tags_file(image),
        manifest_file(stem): manifest_markdown(image),
        history_file(stem): history_line(image, with_changes),
    }


def build_facts(build: BuildInfo, result: ImageResult, verdict: ImageVerdict) -> BuildFacts:
    """The facts of a passed image's build, as SBOMs and change reports take them."""
    from inspections.inventory.builds import BuildFacts
    from inspections.inventory.sizes import ImageSize
    from inspections.outputs.record_entry import zulu

    inspected = verdict.inspected
    assert inspected is not None, "a passed verdict has its image"
    return BuildFacts(
        image=result.name,
        platform=inspected.platform,
        variant=inspected.variant,
        commit=build.git_commit,
        timestamp=zulu(build.timestamp.isoformat()),
        tags=tuple(inspected.all_tags()),
        size=ImageSize(inspected.size_bytes),
        inventory=verdict.inventory,
        reference=inspected.repository_image,
        image_id=str(result.facts.get("id", "")),
    )


def compare(source: Path, facts: BuildFacts, image: InspectedImage, done: OutputsOutcome) -> None:
    """What changed since the image's previous build in the run folder `source` (`--compare-to`),
    noted in `done`.

    A previous build that cannot be read, or is of another repository, is a note: the image
    is not compared, and the session goes on.
    """
    from inspections.formats.manifest import quoted_commands
    from inspections.inventory.changes import compare_builds
    from inspections.outputs.previous_build import previous_build

    try:
        previous = previous_build(source, facts.image, facts.platform, facts.variant, facts)
        # Without an inventory, the report names those that would read the listings quoted.
        listings = quoted_commands(manifest_markdown(image)) if facts.inventory is None else []
        report = None if previous is None else compare_builds(previous, facts, listings)
    except StackInspectionError as error:
        done.not_compared.add(facts.image)
        done.notes.append(f"{facts.image}: no change report: {one_line(str(error))}")
        return
    if report is None:
        done.notes.append(f"{facts.image}: no change report: {source} has no earlier build of it")
        return
    done.changes[facts.image] = report


def record_entry(
    result: ImageResult,
    verdict: ImageVerdict,
    files: dict[str, str],
    *,
    variant: str,
    build: BuildInfo,
    run_id: str,
    changes: ChangeReport | None = None,
    parent: str = "",
) -> RecordEntry:
    """What the run record says about one image of the session `run_id` (`parent`: its
    parent's name, "" for a root)."""
    inspected = verdict.inspected if verdict.passed else None
    facts = result.facts
    return RecordEntry(
        image=result.name,
        parent=parent,
        variant=variant,
        platform=str(facts.get("platform", "")),
        outcome=verdict.status,
        reasons=tuple(verdict.reasons),
        image_id=str(facts.get("id", "")),
        reference=str(facts.get("reference", "")),
        size_bytes=facts.get("size_bytes"),
        repo_digests=tuple(facts.get("repo_digests", ())),
        session=run_id,
        build=RecordedBuild(
            timestamp=build.timestamp.isoformat(),
            git_commit=build.git_commit,
            git_modified=build.git_modified,
            git_changes=build.git_changes,
        ),
        tags=tuple(inspected.all_tags()) if inspected else (),
        references=tuple(tag_lines(inspected)) if inspected else (),
        manifest_pieces=tuple(title for title, _ in (inspected.pieces if inspected else ())),
        inspections=tuple(
            InspectionRecord(
                name=item.name,
                key=item.key,
                kind=item.kind,
                outcome=item.outcome,
                duration_seconds=round(item.duration, 3),
                cached=item.cached,
                error=item.error,
            )
            for item in result.inspections.values()
        ),
        tests=ImageTests(passed=result.passed_tests, failed=tuple(result.failed_tests)),
        timing=result.timing_summary(),
        inventory=verdict.inventory if inspected else None,
        changes=changes,
        files=files,
    )


def _inventory_files(
    build: BuildInfo, result: ImageResult, verdict: ImageVerdict, done: OutputsOutcome
) -> dict[str, str]:
    """The SBOM of a passed image that declares inventories, and its change report if any."""
    from inspections.formats.change_report import render_change_report
    from inspections.formats.sbom import sbom_json

    assert verdict.inspected is not None, "a passed verdict has its image"
    stem = verdict.inspected.manifest_stem
    files = {}
    if verdict.inventory is not None:
        files[sbom_file(stem)] = sbom_json(build_facts(build, result, verdict))
    changes = done.changes.get(result.name)
    if changes is not None:
        files[change_report_file(stem)] = render_change_report(changes)
    return files


def stack_files(stack: Stack, entries: list[RecordEntry]) -> dict[str, bytes]:
    """The output folder's own files, drawn from every entry its record will hold."""
    from inspections.formats.stack_diagram import images_of_stack, stack_page

    builds = [entry.diagram_build() for entry in entries]
    return {STACK_DIAGRAM_FILE: stack_page(images_of_stack(stack), builds).encode("utf-8")}


def _write(
    folder: Path,
    verdicts: Verdicts,
    options: OutputOptions,
    build: BuildInfo,
    run_id: str,
    stack: Stack,
    done: OutputsOutcome,
) -> int:
    """Write the outputs of every image of `verdicts` into `folder`; the exit status this
    calls for (0: none)."""
    entries: list[RecordEntry] = []
    contents: dict[str, bytes] = {}
    for name, result in verdicts.results.items():
        verdict = verdicts.by_image[name]
        files: dict[str, str] = {}
        if verdict.passed and verdict.inspected is not None:
            rendered = {
                **rendered_files(verdict.inspected, name in done.changes),
                **_inventory_files(build, result, verdict, done),
            }
            for relative, text in rendered.items():
                contents[relative] = text.encode("utf-8")
                files[relative] = sha256_of(contents[relative])
            done.written[name] = list(files)
        entries.append(
            record_entry(
                result,
                verdict,
                files,
                variant=options.variant,
                build=build,
                run_id=run_id,
                changes=done.changes.get(name),
                parent=stack.images[name].parent,
            )
        )
    decided = {(name, options.variant) for name in verdicts.results}
    with held_signals() as signalled:
        try:
            commit_run(
                folder,
                decided,
                entries,
                contents,
                interrupted=signalled,
                folder_files=lambda final: stack_files(stack, final),
            )
        except WriteInterrupted as error:
            done.written.clear()
            done.notes.append(str(error))
            return pytest.ExitCode.INTERRUPTED
        except (OSError, StackInspectionError) as error:
            done.written.clear()
            reason = error.strerror if isinstance(error, OSError) else str(error)
            done.notes.append(
                f"cannot write the outputs to {folder} ({reason}): {folder} is as it was; "
                "free space or fix the folder, then run again"
            )
            return pytest.ExitCode.TESTS_FAILED
        if signalled():
            done.notes.append(f"interrupted after {folder} was written completely")
            return pytest.ExitCode.INTERRUPTED
    return 0


def finish(
    verdicts: Verdicts,
    options: OutputOptions,
    build: BuildInfo,
    run_id: str,
    stack: Stack,
    interrupted: bool,
) -> OutputsOutcome:
    """The end of a session on the controller, once every image of `verdicts` is judged: the
    outputs written unless the session was `interrupted`, GitHub's files appended to."""
    done = OutputsOutcome()
    folder = options.emit_dir
    if interrupted:
        if folder is not None:
            done.notes.append(f"the session was interrupted: {folder} is as it was")
        return done
    for name, verdict in verdicts.by_image.items():
        if verdict.passed and verdict.inspected and options.compare_to is not None:
            facts = build_facts(build, verdicts.results[name], verdict)
            compare(options.compare_to, facts, verdict.inspected, done)
    if folder is not None:
        done.exit_status = _write(folder, verdicts, options, build, run_id, stack, done)
    done.notes += write_github_files(
        os.environ,
        step_summary(verdicts, done, options, build, stack),
        workflow_outputs(verdicts, options.emit_dir),
    )
    return done
