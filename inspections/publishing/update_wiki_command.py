"""stack-update-wiki: the passed builds of runs added to the build history wiki."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

from inspections.publishing.command_line import run_command, runs_arguments
from inspections.publishing.console import say, warn
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.git_commits import CommitCounter
from inspections.publishing.input_files import read_input_file
from inspections.publishing.run_history import read_run_history
from inspections.publishing.wiki import WikiSettings, update_wiki
from inspections.references import IMAGE_NAME
from inspections.stack import REPOSITORY_URL

DEFAULT_MAX_MANIFESTS = 4500  # as the Jupyter Docker Stacks keep (a limit of GitHub's wikis)
BRANCH = re.compile(r"[A-Za-z0-9._/-]+")


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
        home_template=read_input_file(template, "pass a readable Markdown file")
        if template
        else None,
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
    runs_arguments(parser)
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
    return run_command(parser, _update_wiki, argv)
