"""stack-merge-tags: the platforms of each tag merged into one multi-platform tag."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from inspections.publishing.command_line import json_option, run_command, runs_arguments
from inspections.publishing.console import say, warn
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.json_reports import check_report_path, merge_document, write_report
from inspections.publishing.merging import MergeOutcome, group_tags_files, merge, plan_merge
from inspections.publishing.registry_manifests import ManifestCli
from inspections.publishing.run_folders import read_run_tags
from inspections.text import one_line


def _report_outcome(outcome: MergeOutcome, push: bool) -> None:
    if outcome.problem:
        warn(f"failed {outcome.merged.target}: {one_line(outcome.problem)}")
    elif push:
        say(f"pushed {outcome.merged.describe()} {outcome.digest}")
    else:
        say(f"ready  {outcome.merged.describe()}")


def _merge(arguments: argparse.Namespace) -> int:
    passed, unpublished = read_run_tags(arguments.runs, warn)
    groups = group_tags_files(passed)
    chosen = {
        key: tags_files
        for key, tags_files in groups.items()
        if (not arguments.image or key[0] in arguments.image)
        and (not arguments.variant or key[1] in arguments.variant)
    }
    # A platform that did not pass would be missing from the merged tags, which could replace
    # a tag of every platform with one of fewer: such an image is not merged at all.
    incomplete = sorted(unpublished & set(chosen))
    for image, variant in incomplete:
        warn(
            f"failed {image} ({variant}): a platform's run of it did not pass; merge it once "
            "every platform passed"
        )
        del chosen[(image, variant)]
    if not chosen and not incomplete:
        found = ", ".join(f"{image} ({variant})" for image, variant in groups) or "none"
        raise PublishUsageError(
            f"no passed images match --image/--variant in the run folders (found: {found})"
        )
    check_report_path(arguments.json)
    # A dry run asks no registry: it says what --push would check and push.
    cli = ManifestCli(insecure=arguments.insecure) if arguments.push else None
    outcomes: list[MergeOutcome] = []
    for tags_files in chosen.values():
        plan = plan_merge(tags_files)
        for outcome in merge(plan, cli) if cli else [MergeOutcome(merged) for merged in plan]:
            outcomes.append(outcome)
            _report_outcome(outcome, arguments.push)
    failed = sum(bool(outcome.problem) for outcome in outcomes)
    if arguments.json is not None:
        complete = not failed and not incomplete
        write_report(arguments.json, merge_document(outcomes, arguments.push, complete))
    if failed or incomplete:
        problems = [f"{failed} of {len(outcomes)} merged tags not pushed"] if failed else []
        if incomplete:
            images = "image" if len(incomplete) == 1 else "images"
            problems.append(f"{len(incomplete)} {images} not merged")
        raise PublishError(
            f"{' and '.join(problems)}: fix what the 'failed' lines say (push missing platforms "
            "with stack-push-tags), then run again"
        )
    if not arguments.push:
        say(
            f"dry run: {len(outcomes)} merged tags ready, the registry not asked; pass --push "
            "to check their platforms there and push them"
        )
    return 0


def merge_tags_main(argv: Sequence[str] | None = None) -> int:
    """stack-merge-tags: merge the platforms of each tag into a multi-platform tag."""
    parser = argparse.ArgumentParser(
        prog="stack-merge-tags",
        description="Merge the single-platform tags of every passed image of the run folders "
        "(x86_64-python-3.11, aarch64-python-3.11) into multi-platform tags (python-3.11). "
        "Without --push, a dry run that lists the merged tags and asks no registry; with it, "
        "a merged tag is pushed only when each of its platforms is in the registry as the "
        "image id its run inspected.",
    )
    runs_arguments(parser)
    parser.add_argument(
        "--image", action="append", metavar="NAME", help="merge this image only (repeatable)"
    )
    parser.add_argument(
        "--variant", action="append", metavar="NAME", help="merge this variant only (repeatable)"
    )
    parser.add_argument("--push", action="store_true", help="create and push the merged tags")
    parser.add_argument("--insecure", action="store_true", help="the registry is plain HTTP")
    json_option(parser, "every merged tag: status, digest, repository@digest and platforms")
    return run_command(parser, _merge, argv)
