"""stack-ci: CI configuration generated from the stack's hierarchy.

`stack-ci github` writes the GitHub Actions workflow of `ci_github` (to stdout, or atomically
to `--output FILE`), or with `--check FILE` tells whether FILE is still the workflow the stack
gives: exit 0 when it is, 1 with one line saying what differs when it is not. Bad input (an
unknown platform, a stack that does not load, an output that cannot be written) exits 2 after
one line on stderr that names the problem and the fix.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path

from inspections.building.ci_drift import describe_drift
from inspections.building.ci_github import (
    DEFAULT_BRANCH,
    DEFAULT_INSTALL,
    DEFAULT_PYTHON,
    DEFAULT_RUNNERS,
    DEFAULT_TOKEN_SECRET,
    DEFAULT_USER_SECRET,
    WorkflowSettings,
    github_workflow,
)
from inspections.building.yaml_text import yaml_document
from inspections.errors import StackInspectionError
from inspections.files import write_named_output
from inspections.publishing.console import exit_status, say, warn, write
from inspections.runtime.engine import PLATFORMS
from inspections.stack import DEFAULT_STACK, Stack, load_stack
from inspections.text import one_line

PROG = "stack-ci github"
RUNNER_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
BRANCH_NAME = re.compile(r"[A-Za-z0-9._/-]+")
SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PYTHON_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]*")
CRON_FIELD = re.compile(r"[0-9A-Za-z*/,-]+")
CRON_FIELDS = 5


class CiUsageError(StackInspectionError):
    """An option or the stack is wrong: the command exits with 2."""


def _runners(specs: list[str] | None) -> dict[str, tuple[str, ...]]:
    """`x86_64=ubuntu-24.04` (labels separated by commas) per platform, in the order given."""
    if not specs:
        return dict(DEFAULT_RUNNERS)
    known = ", ".join(PLATFORMS.values())
    runners: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        platform, equals, labels_text = spec.partition("=")
        labels = tuple(labels_text.split(","))
        if not equals or not all(RUNNER_LABEL.fullmatch(label) for label in labels):
            raise CiUsageError(
                f"--platform {spec!r} is not PLATFORM=RUNNER: write e.g. "
                "--platform aarch64=ubuntu-24.04-arm (several runner labels separated by commas)"
            )
        if platform not in PLATFORMS.values():
            raise CiUsageError(f"--platform {spec!r}: unknown platform {platform!r}: use {known}")
        if platform in runners:
            raise CiUsageError(f"--platform {platform} is given twice: give each platform once")
        runners[platform] = labels
    return runners


def _checked(value: str, pattern: re.Pattern[str], option: str, example: str) -> str:
    if not pattern.fullmatch(value):
        raise CiUsageError(f"{option} {value!r} is not valid: write e.g. {option} {example}")
    return value


def _install_command(command: str) -> str:
    if not command.strip() or command != one_line(command):
        raise CiUsageError(
            f"--install {command!r} is not one line of printable text: join commands with &&"
        )
    return command


def _schedule(cron: str) -> str:
    fields = cron.split()
    if len(fields) != CRON_FIELDS or not all(CRON_FIELD.fullmatch(field) for field in fields):
        raise CiUsageError(
            f"--schedule {cron!r} is not a cron line of 5 fields: write e.g. --schedule '0 3 * * 1'"
        )
    return " ".join(fields)


def _repository_root(folder: Path) -> Path:
    """The git repository holding `folder` (where a job's checkout starts), else the current
    folder."""
    try:
        found = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return Path.cwd()
    return Path(found.stdout.strip())


def _stack_folder(folder: Path) -> str:
    """The stack folder as the workflow names it: relative to the repository's root, and
    printable (a line break in it would end the comment or command line it is written in)."""
    root = _repository_root(folder)
    try:
        relative = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise CiUsageError(
            f"--stack {folder} is outside {root}: run stack-ci in the repository that holds "
            "the stack"
        ) from None
    if not relative.isprintable():
        raise CiUsageError(
            f"--stack {relative!r}: its path holds a control or invisible character, which the "
            "workflow's comments and commands cannot hold: rename the folder"
        )
    return relative


def _settings(arguments: argparse.Namespace) -> tuple[Stack, WorkflowSettings]:
    stack = load_stack(arguments.stack)
    settings = WorkflowSettings(
        stack_folder=_stack_folder(arguments.stack),
        runners=_runners(arguments.platform),
        install=_install_command(arguments.install),
        python=_checked(arguments.python, PYTHON_VERSION, "--python", DEFAULT_PYTHON),
        branch=_checked(arguments.branch, BRANCH_NAME, "--branch", DEFAULT_BRANCH),
        user_secret=_checked(
            arguments.registry_user_secret, SECRET_NAME, "--registry-user-secret", "QUAY_USER"
        ),
        token_secret=_checked(
            arguments.registry_token_secret, SECRET_NAME, "--registry-token-secret", "QUAY_TOKEN"
        ),
        insecure_registry=arguments.insecure_registry,
        schedule=_schedule(arguments.schedule) if arguments.schedule else "",
    )
    return stack, settings


def _command_line(settings: WorkflowSettings) -> str:
    """The `stack-ci github` options that give this workflow (defaults left out)."""
    words = ["stack-ci", "github", "--stack", settings.stack_folder]
    if dict(settings.runners) != DEFAULT_RUNNERS:
        for platform, labels in settings.runners.items():
            words += ["--platform", f"{platform}={','.join(labels)}"]
    for option, value, default in [
        ("--install", settings.install, DEFAULT_INSTALL),
        ("--python", settings.python, DEFAULT_PYTHON),
        ("--branch", settings.branch, DEFAULT_BRANCH),
        ("--registry-user-secret", settings.user_secret, DEFAULT_USER_SECRET),
        ("--registry-token-secret", settings.token_secret, DEFAULT_TOKEN_SECRET),
        ("--schedule", settings.schedule, ""),
    ]:
        if value != default:
            words += [option, value]
    if settings.insecure_registry:
        words.append("--insecure-registry")
    return shlex.join(words)


def _header(settings: WorkflowSettings) -> list[str]:
    """The file's first lines: what made it, and how to make it again."""
    return [
        f"Generated by stack-ci from the stack in {settings.stack_folder}/: do not edit it.",
        "After a change to the stack, write it again with",
        f"  {_command_line(settings)} --output <this file>",
        "(--check <this file> instead of --output tells whether it is current).",
    ]


def _check(path: Path, text: str, stack_folder: str) -> int:
    """0 when `path` holds `text`; else 1, after one line saying what differs."""
    try:
        committed: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        committed = None
    except UnicodeDecodeError:
        committed = ""
    except OSError as error:
        raise CiUsageError(f"--check {path}: cannot be read ({error.strerror})") from error
    fix = f"write it again with the same options and --output {path}"
    if committed is None:
        warn(f"{PROG}: {path} does not exist: {fix}")
        return 1
    drift = describe_drift(committed, text)
    if drift:
        warn(f"{PROG}: {path} is out of date with the stack in {stack_folder}/ ({drift}): {fix}")
        return 1
    say(f"{path} is current with the stack in {stack_folder}/")
    return 0


def _write(path: Path, text: str) -> None:
    try:
        write_named_output(path, text)
    except OSError as error:
        raise CiUsageError(
            f"--output {path}: cannot be written ({error.strerror}): pass a writable file path"
        ) from error


def _github(arguments: argparse.Namespace) -> int:
    stack, settings = _settings(arguments)
    workflow = github_workflow(stack, settings)
    text = yaml_document(workflow, _header(settings))
    if arguments.check is not None:
        return _check(arguments.check, text, settings.stack_folder)
    if arguments.output is not None:
        _write(arguments.output, text)
        say(f"wrote {arguments.output}: {len(workflow['jobs'])} jobs")
    else:
        write(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stack-ci",
        description="Generate CI configuration from the stack's hierarchy (image.toml parents "
        "and variants, stack.toml's registry).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    github = commands.add_parser(
        "github",
        help="a GitHub Actions workflow: one job per image, platform and variant",
        description="Write a GitHub Actions workflow with one job per image x platform x "
        "variant, each needing its parent's job on the same platform and loading the parent "
        "from its artifact; then a job that merges the platforms' tags and one that adds the "
        "builds to the wiki (both on the default branch only). The same stack and options "
        "always give the same bytes.",
    )
    github.add_argument(
        "--stack",
        type=Path,
        default=Path(DEFAULT_STACK),
        metavar="DIR",
        help=f"the stack folder, inside the repository (default {DEFAULT_STACK})",
    )
    github.add_argument(
        "--platform",
        action="append",
        metavar="PLATFORM=RUNNER",
        help="build PLATFORM (x86_64, aarch64) on the runner with these labels, comma-"
        "separated; repeatable, in job order (default: "
        + " ".join(f"{p}={','.join(labels)}" for p, labels in DEFAULT_RUNNERS.items())
        + ")",
    )
    github.add_argument(
        "--install",
        default=DEFAULT_INSTALL,
        metavar="COMMAND",
        help=f"how each job installs the stack tools, one line (default {DEFAULT_INSTALL!r})",
    )
    github.add_argument(
        "--python",
        default=DEFAULT_PYTHON,
        metavar="VERSION",
        help=f"the Python that actions/setup-python sets up (default {DEFAULT_PYTHON})",
    )
    github.add_argument(
        "--branch",
        default=DEFAULT_BRANCH,
        metavar="NAME",
        help="the default branch: pushes to it trigger the workflow, and only its runs push "
        f"tags, merge and update the wiki (default {DEFAULT_BRANCH})",
    )
    github.add_argument(
        "--registry-user-secret",
        default=DEFAULT_USER_SECRET,
        metavar="NAME",
        help=f"the secret holding the registry user name (default {DEFAULT_USER_SECRET})",
    )
    github.add_argument(
        "--registry-token-secret",
        default=DEFAULT_TOKEN_SECRET,
        metavar="NAME",
        help=f"the secret holding the registry password or token (default {DEFAULT_TOKEN_SECRET})",
    )
    github.add_argument(
        "--insecure-registry",
        action="store_true",
        help="the registry is plain HTTP (stack-merge-tags --insecure)",
    )
    github.add_argument(
        "--schedule",
        metavar="CRON",
        help="also run on this schedule, e.g. '0 3 * * 1' (Mondays 03:00 UTC)",
    )
    written = github.add_mutually_exclusive_group()
    written.add_argument(
        "--output", type=Path, metavar="FILE", help="write the workflow to FILE (default stdout)"
    )
    written.add_argument(
        "--check",
        type=Path,
        metavar="FILE",
        help="write nothing; exit 1 with what differs if FILE is not the workflow the stack "
        "gives with these options, 0 if it is",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """stack-ci: CI configuration from the stack's hierarchy."""
    return exit_status(PROG, lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return _github(arguments)
    except StackInspectionError as error:
        warn(f"{PROG}: error: {one_line(str(error))}")
        return 2
