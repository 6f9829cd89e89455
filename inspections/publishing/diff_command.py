"""stack-diff: what changed between two builds of each image, as a Markdown report."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from inspections.formats.change_report import render_change_report
from inspections.formats.manifest import quoted_commands
from inspections.inventory.changes import compare_builds
from inspections.inventory.errors import InventoryError
from inspections.outputs.previous_build import check_comparison_source, facts_of_entry
from inspections.outputs.previous_build import previous_build as build_before
from inspections.publishing.command_line import RUNS_HELP, run_command
from inspections.publishing.console import say, warn
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.run_folders import manifest_text, passed_images, read_run
from inspections.text import one_line


def _diff(arguments: argparse.Namespace) -> int:
    try:
        check_comparison_source(arguments.old, "OLD")
    except InventoryError as error:
        raise PublishUsageError(str(error)) from error
    new = read_run(arguments.new)
    recorded = sorted({image.image for image in new.images})
    for name in arguments.image or ():
        if name not in recorded:
            raise PublishUsageError(
                f"unknown image {name!r} for --image: {arguments.new} records "
                f"{', '.join(recorded) or 'no image'}"
            )
    compared = 0
    for image in passed_images(new, warn):
        if arguments.image and image.image not in arguments.image:
            continue
        try:
            current = facts_of_entry(image)
            previous = build_before(
                arguments.old, image.image, image.platform, image.variant, current
            )
            # Without an inventory, the report names those that would read the listings quoted.
            manifest = manifest_text(new, image) if current.inventory is None else ""
            listings = quoted_commands(manifest) if manifest else []
            report = None if previous is None else compare_builds(previous, current, listings)
        except InventoryError as error:
            warn(f"{image.label} not compared: {one_line(str(error))}")
            continue
        if report is None:
            warn(f"no earlier build of {image.label} in {arguments.old}: nothing to compare")
            continue
        compared += 1
        if arguments.summary:
            say(f"{image.label}: {report.summary()}")
        else:
            say(render_change_report(report))
    if not compared:
        raise PublishUsageError(
            f"no image of {arguments.new} was compared with an earlier build in "
            f"{arguments.old}: pass the run folder (or wiki) of an earlier build of the same "
            "images, with the same registry and owner"
        )
    return 0


def diff_main(argv: Sequence[str] | None = None) -> int:
    """stack-diff: what changed between two builds of each image."""
    parser = argparse.ArgumentParser(
        prog="stack-diff",
        description="Compare each passed image of a run folder with its earlier build in "
        "another run folder or in the build history wiki: packages added, removed, upgraded "
        "and downgraded, tags gained and lost, size change. Prints a Markdown report per image.",
    )
    parser.add_argument(
        "old", type=Path, metavar="OLD", help="an earlier run folder, or the wiki's checkout"
    )
    parser.add_argument("new", type=Path, metavar="NEW", help=RUNS_HELP)
    parser.add_argument(
        "--image", action="append", metavar="NAME", help="compare this image only (repeatable)"
    )
    parser.add_argument(
        "--summary", action="store_true", help="one line per image: +added -removed ↑up ↓down"
    )
    return run_command(parser, _diff, argv)
