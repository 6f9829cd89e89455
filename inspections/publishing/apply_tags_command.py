"""stack-apply-tags: tag the image id each tags file's run inspected with the file's tags."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from inspections.publishing.command_line import (
    json_option,
    reporting,
    run_command,
    tags_files_arguments,
    unique_tags_files,
)
from inspections.publishing.console import say
from inspections.publishing.json_reports import ImagesReport, check_report_path
from inspections.publishing.tagging import apply_tags, check_inspected
from inspections.publishing.tags_files import check_one_image_per_reference
from inspections.runtime.engine import Engine


def _apply(arguments: argparse.Namespace) -> int:
    tags_files = unique_tags_files(arguments.tags_files)
    check_one_image_per_reference(tags_files)
    check_report_path(arguments.json)
    report = ImagesReport("stack-apply-tags")
    with reporting(arguments.json, report.document):
        client = Engine().client()
        for tags_file in tags_files:  # every image found before the first tag is set
            check_inspected(client, tags_file)
        for tags_file in tags_files:
            for reference in tags_file.references:
                apply_tags(client, tags_file.image_id, [str(reference)])
                report.add(tags_file, reference)
                say(f"tagged {reference} <- {tags_file.image_id}")
    return 0


def apply_tags_main(argv: Sequence[str] | None = None) -> int:
    """stack-apply-tags: tag the inspected image id with every tag of its tags file."""
    parser = argparse.ArgumentParser(
        prog="stack-apply-tags",
        description="Tag the image id each tags file's run inspected (recorded in the run's "
        "inspections.json) with every tag of the file. Refuses a file the record does not "
        "back, an image that did not pass, and an image id no longer in the local engine.",
    )
    tags_files_arguments(parser)
    json_option(parser, "every tag applied, with its image id")
    return run_command(parser, _apply, argv)
