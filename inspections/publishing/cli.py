"""The console scripts: stack-apply-tags, stack-push-tags, stack-merge-tags, stack-update-wiki.

Each prints one line per thing done. A wrong argument or input file (a symlink in the wiki
included) exits with 2, a failed step (engine, registry, disk, a wiki being updated) with 1,
both after one line on stderr that says how to fix it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from inspections.docker_engine import connect
from inspections.errors import StackInspectionError
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.git_commits import CommitCounter
from inspections.publishing.history import read_run_history
from inspections.publishing.input_files import read_text
from inspections.publishing.manifest_cli import ManifestCli
from inspections.publishing.merging import group_tags_files, merge, plan_merge
from inspections.publishing.pushing import push_tags
from inspections.publishing.tagging import apply_tags, check_source
from inspections.publishing.tags_files import read_run_tags, read_tags_file
from inspections.publishing.wiki import WikiSettings, update_wiki
from inspections.stack import NAME_PATTERN

DEFAULT_MAX_MANIFESTS = 4500  # as the Jupyter Docker Stacks keep (a limit of GitHub's wikis)
BRANCH = re.compile(r"[A-Za-z0-9._/-]+")
REPOSITORY_URL = re.compile(r"https?://[^\s|<>()\[\]`'\"]+")
RUNS_HELP = "a folder written by pytest --emit-manifests (one per run or platform)"

Action = Callable[[argparse.Namespace], int]


def _run(parser: argparse.ArgumentParser, action: Action, argv: Sequence[str] | None) -> int:
    arguments = parser.parse_args(argv)
    try:
        return action(arguments)
    except PublishUsageError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except StackInspectionError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1


def _apply(arguments: argparse.Namespace) -> int:
    tags_files = [read_tags_file(path) for path in arguments.tags_files]
    if arguments.source and len(tags_files) > 1:
        raise PublishUsageError("--source names the image of one tags file: pass only one")
    client = connect()
    checked = []
    for tags_file in tags_files:
        source = arguments.source or str(tags_file.source)
        checked.append((tags_file, source, check_source(client, tags_file, source)))
    for tags_file, source, image_id in checked:
        for reference in apply_tags(client, image_id, [str(r) for r in tags_file.references]):
            print(f"tagged {reference} <- {source}")
    return 0


def apply_tags_main(argv: Sequence[str] | None = None) -> int:
    """stack-apply-tags: tag the inspected image with every tag of its tags file."""
    parser = argparse.ArgumentParser(
        prog="stack-apply-tags",
        description="Tag the local image each tags file was computed for with every tag of it.",
    )
    parser.add_argument(
        "tags_files", nargs="+", type=Path, metavar="TAGS_FILE", help="a tags/*.txt file"
    )
    parser.add_argument(
        "--source",
        metavar="REF",
        help="the local image to tag (default: <repository>:latest, or "
        "<repository>:<variant>-latest for a variant, the image pytest inspected)",
    )
    return _run(parser, _apply, argv)


def _push(arguments: argparse.Namespace) -> int:
    tags_files = [read_tags_file(path) for path in arguments.tags_files]
    references = [str(r) for tags_file in tags_files for r in tags_file.references]
    for pushed in push_tags(connect(), references):
        print(f"pushed {pushed.reference} {pushed.digest}")
    return 0


def push_tags_main(argv: Sequence[str] | None = None) -> int:
    """stack-push-tags: push every tag of the tags files to its registry."""
    parser = argparse.ArgumentParser(
        prog="stack-push-tags",
        description="Push every tag of the tags files (applied by stack-apply-tags) to its "
        "registry, with the credentials of docker login.",
    )
    parser.add_argument(
        "tags_files", nargs="+", type=Path, metavar="TAGS_FILE", help="a tags/*.txt file"
    )
    return _run(parser, _push, argv)


def _merge(arguments: argparse.Namespace) -> int:
    groups = group_tags_files(read_run_tags(arguments.runs))
    chosen = {
        key: tags_files
        for key, tags_files in groups.items()
        if (not arguments.image or key[0] in arguments.image)
        and (not arguments.variant or key[1] in arguments.variant)
    }
    if not chosen:
        found = ", ".join(f"{image} ({variant})" for image, variant in groups) or "none"
        raise PublishUsageError(
            f"no tags files match --image/--variant in the run folders (found: {found})"
        )
    cli = ManifestCli(insecure=arguments.insecure)
    failed = total = 0
    for tags_files in chosen.values():
        for outcome in merge(plan_merge(tags_files), cli, push=arguments.push):
            total += 1
            if outcome.problem:
                failed += 1
                print(f"failed {outcome.merged.target}: {outcome.problem}", file=sys.stderr)
            elif arguments.push:
                print(f"pushed {outcome.merged.describe()} {outcome.digest}")
            else:
                print(f"ready  {outcome.merged.describe()}")
    if failed:
        raise StackInspectionError(
            f"{failed} of {total} merged tags not pushed: fix what the 'failed' lines say "
            "(push missing platforms with stack-push-tags), then run again"
        )
    if not arguments.push:
        print(f"dry run: {total} merged tags ready; pass --push to push them")
    return 0


def merge_tags_main(argv: Sequence[str] | None = None) -> int:
    """stack-merge-tags: merge the platforms of each tag into a multi-platform tag."""
    parser = argparse.ArgumentParser(
        prog="stack-merge-tags",
        description="Merge the single-platform tags of every platform's tags file "
        "(x86_64-python-3.11, aarch64-python-3.11) into multi-platform tags (python-3.11). "
        "A dry run unless --push; a merged tag is pushed only when all its platforms are in "
        "the registry.",
    )
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help=RUNS_HELP)
    parser.add_argument(
        "--image", action="append", metavar="NAME", help="merge this image only (repeatable)"
    )
    parser.add_argument(
        "--variant", action="append", metavar="NAME", help="merge this variant only (repeatable)"
    )
    parser.add_argument("--push", action="store_true", help="create and push the merged tags")
    parser.add_argument("--insecure", action="store_true", help="the registry is plain HTTP")
    return _run(parser, _merge, argv)


def _wiki_settings(arguments: argparse.Namespace) -> WikiSettings:
    if not BRANCH.fullmatch(arguments.branch):
        raise PublishUsageError(f"--branch {arguments.branch!r} is not a branch name")
    if arguments.repository and not REPOSITORY_URL.fullmatch(arguments.repository):
        raise PublishUsageError(
            f"--repository {arguments.repository!r} is not a URL like https://host/owner/name"
        )
    if not NAME_PATTERN.fullmatch(arguments.builds_image):
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
    records = read_run_history(arguments.runs)
    update = update_wiki(arguments.wiki, records, _wiki_settings(arguments))
    if update.recovered:
        print("undid an interrupted earlier update")
    for relative in update.written:
        print(f"wrote {relative}")
    for relative in update.removed:
        print(f"removed {relative}")
    print(
        f"wiki {arguments.wiki}: {update.rows_added} builds added, {len(update.written)} files "
        f"written, {len(update.removed)} old manifests removed"
    )
    return 0


def update_wiki_main(argv: Sequence[str] | None = None) -> int:
    """stack-update-wiki: add the builds of runs to the build history wiki."""
    parser = argparse.ArgumentParser(
        prog="stack-update-wiki",
        description="Add the builds of one or more runs to a build history wiki in the layout "
        "of the Jupyter Docker Stacks' wiki: monthly pages, manifests filed by month, and a "
        "Home page with one table per year. Running it again with the same runs changes "
        "nothing. Run it in the stack's git checkout (or pass --checkout): the Home page "
        "counts the commits of each month there.",
    )
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help=RUNS_HELP)
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
