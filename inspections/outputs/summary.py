"""What a session tells people and CI systems at its end.

- The terminal: one row per image (tags, manifest pieces, image tests, outcome, files), then
  the reasons any image got no files, then notes (the write phase, a modified working tree).
- GitHub Actions, when its variables are set: the same table and the stack as a diagram
  appended to the step summary (`GITHUB_STEP_SUMMARY`), and outputs a workflow can use
  (`GITHUB_OUTPUT`).
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inspections.build_info import BuildInfo
from inspections.formats.change_report import render_change_report
from inspections.formats.stack_diagram import images_of_stack, stack_section
from inspections.formats.tags_file import tag_lines
from inspections.markdown import cell
from inspections.outputs.outcome import OutputsOutcome
from inspections.outputs.output_options import OutputOptions
from inspections.outputs.verdicts import ImageVerdict, Verdicts
from inspections.stack import Stack
from inspections.text import one_line, printable


def _tags_of(verdict: ImageVerdict) -> list[str]:
    return tag_lines(verdict.inspected) if verdict.passed and verdict.inspected else []


def modified_tree_note(build: BuildInfo, emit_dir: Path | None) -> str | None:
    """A warning when outputs go to `emit_dir` from a working tree that differed from its
    commit, or None."""
    changes = build.git_changes
    if not changes or emit_dir is None:
        return None
    shown = ", ".join(changes[:3]) + (", …" if len(changes) > 3 else "")
    return (
        f"the working tree has uncommitted changes ({len(changes)} files: {shown}): the outputs "
        f"are marked as built from a modified {build.git_commit[:12]}; commit and run "
        "again for a clean build"
    )


def show_summary(
    terminal: Any,
    verdicts: Verdicts,
    outcome: OutputsOutcome,
    options: OutputOptions,
    build: BuildInfo,
) -> None:
    """The closing table, the reasons and the notes, on the terminal."""
    from tabulate import tabulate

    rows = []
    for name, verdict in verdicts.by_image.items():
        result = verdicts.results[name]
        tags = sum(1 for item in result.inspections.values() if item.kind == "tag")
        pieces = sum(1 for item in result.inspections.values() if item.kind == "manifest")
        tests = f"{result.passed_tests} passed, {len(result.failed_tests)} failed"
        files = "\n".join(outcome.written.get(name, [])) or "-"
        row = [name, tags, pieces, tests, verdict.status, files]
        if options.compare_to is not None:
            row.insert(5, _changes(outcome, name))
        rows.append(row)
    if not rows:
        return
    terminal.write_sep("=", "stack inspections")
    headers = ["image", "tags", "manifest pieces", "image tests", "outcome", "outputs"]
    if options.compare_to is not None:
        headers.insert(5, "changes")
    terminal.write_line(tabulate(rows, headers=headers))
    for name, verdict in verdicts.by_image.items():
        for reason in verdict.reasons:
            terminal.write_line(f"{name}: {one_line(reason)}")
    if options.emit_dir is not None and outcome.written:
        terminal.write_line(f"outputs in {options.emit_dir}")
    for name, (image_id, references) in verdicts.applied_tags.items():
        terminal.write_line(f"{name}: tagged {image_id[:19]} as {', '.join(references)}")
    for note in [*outcome.notes, modified_tree_note(build, options.emit_dir)]:
        if note:
            terminal.write_line(printable(note), yellow=True, bold=True)


def _changes(outcome: OutputsOutcome, name: str) -> str:
    """Counts of packages added, removed, upgraded, downgraded since the previous build; or
    that its previous build could not be compared (a note says why)."""
    report = outcome.changes.get(name)
    if report is not None:
        return report.summary()
    return "not compared" if name in outcome.not_compared else "-"


def _code(text: str) -> str:
    """Text from an image or a reason as one line of code in a table cell: never Markdown,
    HTML or a link, and never the end of its cell or row."""
    return cell(one_line(text))


def step_summary(
    verdicts: Verdicts,
    outcome: OutputsOutcome,
    options: OutputOptions,
    build: BuildInfo,
    stack: Stack,
) -> str:
    """The session's table as GitHub-flavoured Markdown; every name, tag and reason is code."""
    lines = [
        "### stack inspections",
        "",
        "| image | outcome | changes | tags | reasons |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, verdict in verdicts.by_image.items():
        tags = "<br>".join(_code(tag) for tag in _tags_of(verdict))
        reasons = "<br>".join(_code(reason) for reason in verdict.reasons)
        changes = _changes(outcome, name)
        lines.append(f"| {_code(name)} | {verdict.status} | {changes} | {tags} | {reasons} |")
    for name, report in outcome.changes.items():
        title = f"{html.escape(name)}: {html.escape(report.summary())}"
        lines += ["", f"<details><summary>{title}</summary>", ""]
        lines += [render_change_report(report).strip(), "", "</details>"]
    note = modified_tree_note(build, options.emit_dir)
    if note:
        lines += ["", f"> {_code(note)}"]
    lines += [
        "",
        "#### The stack",
        "",
        stack_section(images_of_stack(stack), verdicts.builds()),
    ]
    return "\n".join(lines) + "\n"


def _output(name: str, value: str) -> str:
    """One GitHub Actions output, in the multi-line form with a delimiter not in the value."""
    delimiter = f"stack_inspections_{uuid.uuid4().hex}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def workflow_outputs(verdicts: Verdicts, emit_dir: Path | None) -> str:
    """Outputs for later steps: folder, tags (a list and per image), whether all passed."""
    tags = {name: _tags_of(verdict) for name, verdict in verdicts.by_image.items()}
    judged = verdicts.by_image.values()
    all_passed = bool(judged) and all(verdict.passed for verdict in judged)
    return "".join(
        [
            _output("outputs-dir", str(emit_dir) if emit_dir else ""),
            _output("tags", "\n".join(tag for image_tags in tags.values() for tag in image_tags)),
            _output("tags-json", json.dumps(tags, sort_keys=True)),
            _output("all-passed", "true" if all_passed else "false"),
        ]
    )


def write_github_files(environ: Mapping[str, str], summary: str, outputs: str) -> list[str]:
    """Append `summary` to GitHub's step summary file and `outputs` to its outputs file, when
    their variables are set; notes on failure."""
    notes = []
    for variable, text in (("GITHUB_STEP_SUMMARY", summary), ("GITHUB_OUTPUT", outputs)):
        target = environ.get(variable, "")
        if not target:
            continue
        try:
            with Path(target).open("a", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as error:
            notes.append(f"cannot append to {variable} {target} ({error.strerror})")
    return notes
