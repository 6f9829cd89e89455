"""stack-push-tags: push every tag of the tags files, each bound to the inspected image id."""

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
from inspections.publishing.pushing import PushedTag, push_tags
from inspections.publishing.tags_files import TagsFile
from inspections.runtime.engine import Engine


def _push(arguments: argparse.Namespace) -> int:
    tags_files = unique_tags_files(arguments.tags_files)
    check_report_path(arguments.json)
    report = ImagesReport("stack-push-tags")

    def pushed(tags_file: TagsFile, tag: PushedTag) -> None:
        report.add(tags_file, tag.reference, tag.digest)
        say(f"pushed {tag.reference} {tag.digest}")

    with reporting(arguments.json, report.document):
        push_tags(Engine().client(), tags_files, pushed)
    return 0


def push_tags_main(argv: Sequence[str] | None = None) -> int:
    """stack-push-tags: push every tag of the tags files to its registry."""
    parser = argparse.ArgumentParser(
        prog="stack-push-tags",
        description="Push every tag of the tags files (applied by stack-apply-tags) to its "
        "registry, with the credentials of docker login. Nothing is pushed unless every tag "
        "names, in the local engine, the image id the run inspected.",
    )
    tags_files_arguments(parser)
    json_option(parser, "every image pushed: its tags, digest and repository@digest")
    return run_command(parser, _push, argv)
