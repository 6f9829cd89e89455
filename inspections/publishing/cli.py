"""The console scripts: stack-apply-tags, stack-push-tags, stack-merge-tags, stack-update-wiki.

Each reads run folders only through their record (see `run_folders`) and prints one line per
thing done. A wrong argument or input file (a symlink in the wiki included) exits with 2, a
failed step (engine, registry, disk, a wiki being updated) with 1, both after one line on
stderr that says how to fix it. A reader that goes away (`| head -1`) stops the printing, not
the work.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import docker.errors

from inspections.errors import StackInspectionError
from inspections.publishing.console import say, silence_closed_output, warn
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.git_commits import CommitCounter
from inspections.publishing.input_files import read_text
from inspections.publishing.json_reports import (
    ImagesReport,
    check_report_path,
    merge_document,
    write_report,
)
from inspections.publishing.merging import MergeOutcome, group_tags_files, merge, plan_merge
from inspections.publishing.pushing import PushedTag, push_tags
from inspections.publishing.registry_manifests import ManifestCli
from inspections.publishing.run_folders import (
    manifest_text,
    passed_images,
    read_run,
    read_run_tags,
    tags_file_arguments,
)
from inspections.publishing.run_history import read_run_history
from inspections.publishing.tagging import apply_tags, check_inspected
from inspections.publishing.tags_files import TagsFile, check_one_image_per_reference
from inspections.publishing.wiki import WikiSettings, update_wiki
from inspections.references import IMAGE_NAME
from inspections.runtime.engine import Engine
from inspections.stack import REPOSITORY_URL
from inspections.text import one_line

DEFAULT_MAX_MANIFESTS = 4500  # as the Jupyter Docker Stacks keep (a limit of GitHub's wikis)
BRANCH = re.compile(r"[A-Za-z0-9._/-]+")
RUNS_HELP = "a folder written by pytest --emit-manifests (one per run or platform)"
TAGS_FILE_HELP = "a <run folder>/tags/*.txt file, checked against the run's inspections.json"

Action = Callable[[argparse.Namespace], int]


def _run(parser: argparse.ArgumentParser, action: Action, argv: Sequence[str] | None) -> int:
    try:
        arguments = parser.parse_args(argv)
    except SystemExit:
        silence_closed_output()
        raise
    status = 1
    try:
        status = action(arguments)
    except PublishUsageError as error:
        warn(f"{parser.prog}: error: {one_line(str(error))}")
        status = 2
    except StackInspectionError as error:
        warn(f"{parser.prog}: error: {one_line(str(error))}")
    except docker.errors.DockerException as error:
        warn(f"{parser.prog}: error: the Docker engine failed ({one_line(str(error))})")
    except OSError as error:
        warn(
            f"{parser.prog}: error: {error.filename or 'a file'}: {error.strerror}: fix the "
            "file's folder (permissions, free space), then run again"
        )
    except KeyboardInterrupt:
        warn(f"{parser.prog}: interrupted: what the lines above say was done, nothing more")
        status = 130
    silence_closed_output()
    return status


def _tags_files(paths: list[Path]) -> list[TagsFile]:
    """The verified tags files, each once, in the order given."""
    return tags_file_arguments(dict.fromkeys(paths))


@contextmanager
def _reporting(path: Path | None, document: Callable[[bool], dict[str, Any]]) -> Iterator[None]:
    """Write the --json report when the block ends; `complete` is false if it failed."""
    try:
        yield
    except Exception:
        if path is not None:
            with suppress(PublishError):  # the block's own error is the one to show
                write_report(path, document(False))
        raise
    if path is not None:
        write_report(path, document(True))


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help=f"also write {what} to FILE, as JSON"
    )


def _tags_files_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "tags_files", nargs="+", type=Path, metavar="TAGS_FILE", help=TAGS_FILE_HELP
    )


def _runs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help=RUNS_HELP)


def _apply(arguments: argparse.Namespace) -> int:
    tags_files = _tags_files(arguments.tags_files)
    check_one_image_per_reference(tags_files)
    check_report_path(arguments.json)
    report = ImagesReport("stack-apply-tags")
    with _reporting(arguments.json, report.document):
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
    _tags_files_arguments(parser)
    _json_option(parser, "every tag applied, with its image id")
    return _run(parser, _apply, argv)


def _push(arguments: argparse.Namespace) -> int:
    tags_files = _tags_files(arguments.tags_files)
    check_report_path(arguments.json)
    report = ImagesReport("stack-push-tags")

    def pushed(tags_file: TagsFile, tag: PushedTag) -> None:
        report.add(tags_file, tag.reference, tag.digest)
        say(f"pushed {tag.reference} {tag.digest}")

    with _reporting(arguments.json, report.document):
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
    _tags_files_arguments(parser)
    _json_option(parser, "every image pushed: its tags, digest and repository@digest")
    return _run(parser, _push, argv)


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
    _runs_arguments(parser)
    parser.add_argument(
        "--image", action="append", metavar="NAME", help="merge this image only (repeatable)"
    )
    parser.add_argument(
        "--variant", action="append", metavar="NAME", help="merge this variant only (repeatable)"
    )
    parser.add_argument("--push", action="store_true", help="create and push the merged tags")
    parser.add_argument("--insecure", action="store_true", help="the registry is plain HTTP")
    _json_option(parser, "every merged tag: status, digest, repository@digest and platforms")
    return _run(parser, _merge, argv)


def _wiki_settings(arguments: argparse.Namespace) -> WikiSettings:
    if not BRANCH.fullmatch(arguments.branch):
        raise PublishUsageError(f"--branch {arguments.branch!r} is not a branch name")
    if arguments.repository and not REPOSITORY_URL.fullmatch(arguments.repository):
        raise PublishUsageError(
            f"--repository {arguments.repository!r} is not a URL like https://host/owner/name"
        )
    if not IMAGE_NAME.fullmatch(arguments.builds_image):
        raise PublishUsageError(f"--builds-image {arguments.builds_image!r} is not an image name")
    template = arguments.home_template
    return WikiSettings(
        max_manifests=arguments.max_manifests,
        commits_in_month=CommitCounter(arguments.checkout).in_month,
        repository=arguments.repository or "",
        branch=arguments.branch,
        home_template=read_text(template, "pass a readable Markdown file") if template else None,
        builds_image=arguments.builds_image,
    )


def _update_wiki(arguments: argparse.Namespace) -> int:
    history = read_run_history(arguments.runs, warn)
    update = update_wiki(arguments.wiki, history.builds, _wiki_settings(arguments), history.images)
    if update.recovered:
        say("undid an interrupted earlier update")
    for relative in update.written:
        say(f"wrote {relative}")
    for relative in update.removed:
        say(f"removed {relative}")
    say(
        f"wiki {arguments.wiki}: {update.rows_added} builds added, {len(update.written)} files "
        f"written, {len(update.removed)} old files removed"
    )
    return 0


def update_wiki_main(argv: Sequence[str] | None = None) -> int:
    """stack-update-wiki: add the builds of runs to the build history wiki."""
    parser = argparse.ArgumentParser(
        prog="stack-update-wiki",
        description="Add the passed builds of one or more runs to a build history wiki in the "
        "layout of the Jupyter Docker Stacks' wiki: monthly pages, manifests filed by month, "
        "and a Home page with one table per year. Running it again with the same runs changes "
        "nothing. Run it in the stack's git checkout (or pass --checkout): the Home page "
        "counts the commits of each month there.",
    )
    _runs_arguments(parser)
    parser.add_argument(
        "--wiki", required=True, type=Path, metavar="DIR", help="the wiki's folder (a checkout)"
    )
    parser.add_argument(
        "--max-manifests",
        type=int,
        default=DEFAULT_MAX_MANIFESTS,
        metavar="N",
        help=f"keep the N newest manifests, removing the oldest (default {DEFAULT_MAX_MANIFESTS})",
    )
    parser.add_argument(
        "--repository",
        metavar="URL",
        help="the stack's repository, for the Home page's links (default: the one the runs' "
        "history lines link to)",
    )
    parser.add_argument(
        "--checkout",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="the stack's git checkout, with its whole history: the Home page counts the "
        "commits of each month on its HEAD's first-parent line (default: the current folder)",
    )
    parser.add_argument(
        "--branch",
        default="main",
        metavar="NAME",
        help="the branch the Home page's commit links show (default main)",
    )
    parser.add_argument(
        "--home-template",
        type=Path,
        metavar="FILE",
        help="the Home page's intro: Markdown ending with a line <!-- YEAR_MONTHLY_TABLES --> "
        "(the tables go below it), where {REPOSITORY} stands for the repository's owner/name "
        "(default: the wiki's own Home.md intro, or a generic one for a new wiki)",
    )
    parser.add_argument(
        "--builds-image",
        default="base-notebook",
        metavar="NAME",
        help="the Home page counts a stack build per x86_64 build of this image "
        "(default base-notebook)",
    )
    return _run(parser, _update_wiki, argv)


def _diff(arguments: argparse.Namespace) -> int:
    from inspections.formats.change_report import render_change_report
    from inspections.formats.manifest import quoted_commands
    from inspections.inventory.changes import compare_builds
    from inspections.inventory.errors import InventoryError
    from inspections.inventory.previous import check_comparison_source, facts_of_entry
    from inspections.inventory.previous import previous_build as build_before

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
    return _run(parser, _diff, argv)
