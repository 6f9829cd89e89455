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
from typing import TYPE_CHECKING, Any

from inspections.formats.change_report import render_change_report
from inspections.formats.stack_diagram import (
    ImageBuild,
    images_of_stack,
    stack_flowchart,
    stack_section,
)
from inspections.formats.tags_file import tag_lines
from inspections.markdown import cell
from inspections.text import one_line, printable

if TYPE_CHECKING:
    from inspections.outputs.verdicts import ImageVerdict
    from inspections.plugin.session import StackSession


def _tags_of(stack: StackSession, name: str) -> list[str]:
    verdict = stack.verdicts[name]
    return tag_lines(verdict.inspected) if verdict.passed and verdict.inspected else []


def modified_tree_note(stack: StackSession) -> str | None:
    """A warning when the working tree differed from its commit, or None."""
    changes = stack.build.git_changes
    if not changes or stack.options.emit_dir is None:
        return None
    shown = ", ".join(changes[:3]) + (", …" if len(changes) > 3 else "")
    return (
        f"the working tree has uncommitted changes ({len(changes)} files: {shown}): the outputs "
        f"are marked as built from a modified {stack.build.git_commit[:12]}; commit and run "
        "again for a clean build"
    )


def show_summary(stack: StackSession, terminal: Any) -> None:
    """The closing table, the reasons and the notes, on the terminal."""
    from tabulate import tabulate

    assert stack.collector is not None and stack.finish is not None, "set by then"
    rows = []
    for name, verdict in stack.verdicts.items():
        result = stack.collector.images[name]
        tags = sum(1 for item in result.inspections.values() if item.kind == "tag")
        pieces = sum(1 for item in result.inspections.values() if item.kind == "manifest")
        tests = f"{result.passed_tests} passed, {len(result.failed_tests)} failed"
        files = "\n".join(stack.finish.written.get(name, [])) or "-"
        row = [name, tags, pieces, tests, verdict.status, files]
        if stack.options.compare_to is not None:
            row.insert(5, _changes(stack, name))
        rows.append(row)
    if not rows:
        return
    terminal.write_sep("=", "stack inspections")
    headers = ["image", "tags", "manifest pieces", "image tests", "outcome", "outputs"]
    if stack.options.compare_to is not None:
        headers.insert(5, "changes")
    terminal.write_line(tabulate(rows, headers=headers))
    for name, verdict in stack.verdicts.items():
        for reason in verdict.reasons:
            terminal.write_line(f"{name}: {one_line(reason)}")
    if stack.options.emit_dir is not None and stack.finish.written:
        terminal.write_line(f"outputs in {stack.options.emit_dir}")
    for name, (image_id, references) in stack.applied_tags.items():
        terminal.write_line(f"{name}: tagged {image_id[:19]} as {', '.join(references)}")
    for note in [*stack.finish.notes, modified_tree_note(stack)]:
        if note:
            terminal.write_line(printable(note), yellow=True, bold=True)


def _changes(stack: StackSession, name: str) -> str:
    """Counts of packages added, removed, upgraded, downgraded since the previous build; or
    that its previous build could not be compared (a note says why)."""
    assert stack.finish is not None, "set by then"
    report = stack.finish.changes.get(name)
    if report is not None:
        return report.summary()
    return "not compared" if name in stack.finish.not_compared else "-"


def _code(text: str) -> str:
    """Text from an image or a reason as one line of code in a table cell: never Markdown,
    HTML or a link, and never the end of its cell or row."""
    return cell(one_line(text))


def session_builds(stack: StackSession) -> list[ImageBuild]:
    """The build of each image judged so far, for the stack diagram."""
    assert stack.collector is not None, "set at session start"
    builds = []
    for name, verdict in stack.verdicts.items():
        facts = stack.collector.images[name].facts
        size = facts.get("size_bytes")
        tags = verdict.inspected.all_tags() if verdict.passed and verdict.inspected else []
        builds.append(
            ImageBuild(
                image=name,
                variant=stack.options.variant,
                platform=str(facts.get("platform", "")),
                outcome=verdict.status,
                tags=tuple(tags),
                size_bytes=size if isinstance(size, int) else None,
                parent=stack.stack.images[name].parent,
            )
        )
    return builds


def html_extras(stack: StackSession, verdict: ImageVerdict) -> list[dict[str, Any]]:
    """pytest-html's extras for an image's verdict: outcome, tags, reasons, and its lineage
    drawn with the outcomes judged so far (its ancestors' are)."""
    from inspections.formats.html_report import verdict_extra

    lineage = set(stack.stack.lineage_names(verdict.name))
    images = [image for image in images_of_stack(stack.stack) if image.name in lineage]
    diagram = stack_flowchart(images, session_builds(stack))
    tags = verdict.inspected.all_tags() if verdict.passed and verdict.inspected else []
    return [verdict_extra(verdict.status, tags, verdict.reasons, diagram)]


def step_summary(stack: StackSession) -> str:
    """The session's table as GitHub-flavoured Markdown; every name, tag and reason is code."""
    lines = [
        "### stack inspections",
        "",
        "| image | outcome | changes | tags | reasons |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, verdict in stack.verdicts.items():
        tags = "<br>".join(_code(tag) for tag in _tags_of(stack, name))
        reasons = "<br>".join(_code(reason) for reason in verdict.reasons)
        changes = _changes(stack, name)
        lines.append(f"| {_code(name)} | {verdict.status} | {changes} | {tags} | {reasons} |")
    for name, report in stack.finish.changes.items() if stack.finish else ():
        title = f"{html.escape(name)}: {html.escape(report.summary())}"
        lines += ["", f"<details><summary>{title}</summary>", ""]
        lines += [render_change_report(report).strip(), "", "</details>"]
    note = modified_tree_note(stack)
    if note:
        lines += ["", f"> {_code(note)}"]
    lines += [
        "",
        "#### The stack",
        "",
        stack_section(images_of_stack(stack.stack), session_builds(stack)),
    ]
    return "\n".join(lines) + "\n"


def _output(name: str, value: str) -> str:
    """One GitHub Actions output, in the multi-line form with a delimiter not in the value."""
    delimiter = f"stack_inspections_{uuid.uuid4().hex}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def workflow_outputs(stack: StackSession) -> str:
    """Outputs for later steps: folder, tags (a list and per image), whether all passed."""
    tags = {name: _tags_of(stack, name) for name in stack.verdicts}
    all_passed = bool(stack.verdicts) and all(v.passed for v in stack.verdicts.values())
    folder = stack.options.emit_dir
    return "".join(
        [
            _output("outputs-dir", str(folder) if folder else ""),
            _output("tags", "\n".join(tag for image_tags in tags.values() for tag in image_tags)),
            _output("tags-json", json.dumps(tags, sort_keys=True)),
            _output("all-passed", "true" if all_passed else "false"),
        ]
    )


def write_github_files(stack: StackSession, environ: Mapping[str, str]) -> list[str]:
    """Append to GitHub's step summary and outputs files when set; notes on failure."""
    notes = []
    for variable, text in (
        ("GITHUB_STEP_SUMMARY", step_summary(stack)),
        ("GITHUB_OUTPUT", workflow_outputs(stack)),
    ):
        target = environ.get(variable, "")
        if not target:
            continue
        try:
            with Path(target).open("a", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as error:
            notes.append(f"cannot append to {variable} {target} ({error.strerror})")
    return notes
