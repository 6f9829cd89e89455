"""stack-build: build a stack's images from its declared hierarchy, parents first.

    stack-build                                   # every image of the stack, as needed
    stack-build --image scipy-notebook --jobs 2   # it and its missing or outdated ancestors
    stack-build --image pytorch-notebook --variant cuda12 --no-parents --load in/ --save out/

Exit status: 0 when every selected image is built or up to date, 1 when a build (or the
engine, or an archive) failed, 2 for a usage error or refused input, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from _pytest.config.findpaths import determine_setup

from inspections.building.build_plan import BuildTarget, Selection, plan_builds
from inspections.building.build_report import (
    Progress,
    closing_table,
    document,
    failure_lines,
    succeeded,
    write_document,
)
from inspections.building.build_run import ImageBuildResult, RunSettings, StackBuild
from inspections.building.docker_build import BuildOptions
from inspections.building.docker_client import Docker
from inspections.building.durations import durations_file
from inspections.building.errors import BuildError, BuildUsageError
from inspections.errors import StackError, StackInspectionError
from inspections.publishing.console import exit_status, say, silence_closed_output, warn
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.json_reports import check_report_path
from inspections.references import (
    IMAGE_NAME,
    OWNER,
    REGISTRY,
    REGISTRY_FORMAT,
    checked_reference_part,
)
from inspections.runtime.engine import platform_of
from inspections.stack import BUILD_ARG_NAME, DEFAULT_STACK, DEFAULT_VARIANT, Stack, load_stack
from inspections.text import one_line

PROG = "stack-build"
DEFAULT_LOGS = "build-logs"
INTERRUPTED_STATUS = 130


@dataclass
class Outcome:
    """How a run ended: its exit status and what happened to each image."""

    status: int
    results: list[ImageBuildResult] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    """The console script."""
    return exit_status(PROG, lambda: run(argv).status)


def run(argv: Sequence[str] | None = None) -> Outcome:
    """Parse `argv`, build, report; never raises for what goes wrong in a build."""
    arguments = _parser().parse_args(argv)
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _run(arguments)
    except (BuildUsageError, StackError, PublishUsageError) as error:
        warn(f"{PROG}: error: {one_line(str(error))}")
        return Outcome(2)
    except StackInspectionError as error:
        warn(f"{PROG}: error: {one_line(str(error))}")
        return Outcome(1)
    except KeyboardInterrupt:
        warn(f"{PROG}: interrupted before any build started")
        return Outcome(INTERRUPTED_STATUS)
    finally:
        silence_closed_output()
        if previous is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(_number: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Build the images of a stack in hierarchy order, each only when its "
        "inputs changed.",
    )
    parser.add_argument(
        "--stack",
        type=Path,
        metavar="DIR",
        help="the stack folder (default: inspections_stack of pytest.ini, else images/)",
    )
    parser.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="NAME",
        help="build this image and its missing or outdated ancestors (repeatable; "
        "default: every image)",
    )
    parser.add_argument(
        "--no-parents",
        action="store_true",
        help="build only the --image images: their parents must be in the engine",
    )
    parser.add_argument(
        "--variant",
        default=DEFAULT_VARIANT,
        metavar="NAME",
        help="build this variant (<image>/<variant>/Dockerfile, tagged <variant>-latest)",
    )
    parser.add_argument("--registry", help="registry of the references (default: stack.toml's)")
    parser.add_argument("--owner", help="owner of the references (default: stack.toml's)")
    parser.add_argument(
        "--build-arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a build argument for every image, over image.toml's (repeatable)",
    )
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="SPEC",
        help="passed to docker build --secret, e.g. id=ca,src=/etc/ssl/cert.pem "
        "(repeatable; BuildKit)",
    )
    parser.add_argument(
        "--platform",
        default="",
        metavar="OS/ARCH",
        help="passed to docker build --platform (default: the engine's)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="build without the builder's cache (implies --force)",
    )
    parser.add_argument(
        "--force", action="store_true", help="build even the images whose inputs did not change"
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="builds at once, on independent branches (default: 1)",
    )
    parser.add_argument(
        "--logs",
        type=Path,
        default=Path(DEFAULT_LOGS),
        metavar="DIR",
        help=f"each build's full log, <platform>-<variant>-<image>.log (default: {DEFAULT_LOGS}/)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write what happened as JSON")
    parser.add_argument(
        "--save",
        type=Path,
        metavar="DIR",
        help="write each image as DIR/<platform>-<variant>-<image>.tar (docker save)",
    )
    parser.add_argument(
        "--load",
        type=Path,
        metavar="DIR",
        help="first load the archives of DIR that this run's images and parents have (checked)",
    )
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a whole number of at least 1")
    return number


def default_stack_folder(invocation: Path) -> Path:
    """The plugin's stack folder: `inspections_stack` of the ini file pytest finds, or images/."""
    rootpath, inipath, inicfg, _ = determine_setup(
        inifile=None, override_ini=None, args=[], rootdir_cmd_arg=None, invocation_dir=invocation
    )
    configured = inicfg.get("inspections_stack")
    if configured is not None and configured.value:
        base = inipath.parent if inipath else rootpath
        return base / str(configured.value)
    return rootpath / DEFAULT_STACK


def _build_args(values: list[str]) -> tuple[tuple[str, str], ...]:
    arguments = []
    for value in values:
        name, equals, setting = value.partition("=")
        if not equals or not BUILD_ARG_NAME.fullmatch(name):
            raise BuildUsageError(
                f"invalid --build-arg {value!r}: write NAME=VALUE (e.g. PYTHON_VERSION=3.12)"
            )
        arguments.append((name, setting))
    return tuple(arguments)


def _checked(option: str, value: str, grammar: re.Pattern[str], example: str) -> str:
    try:
        return checked_reference_part(option, value, grammar, example)
    except StackInspectionError as error:
        raise BuildUsageError(str(error)) from error


def _plan(arguments: argparse.Namespace) -> tuple[Stack, list[BuildTarget]]:
    folder = arguments.stack or default_stack_folder(Path.cwd())
    stack = load_stack(folder)
    if not IMAGE_NAME.fullmatch(arguments.variant):
        raise BuildUsageError(
            f"invalid --variant {arguments.variant!r}: use a lowercase name such as cuda12"
        )
    registry = _checked(
        "--registry",
        arguments.registry or stack.settings.registry,
        REGISTRY,
        REGISTRY_FORMAT,
    )
    owner = _checked(
        "--owner",
        arguments.owner or stack.settings.owner,
        OWNER,
        "a lowercase owner such as jupyter",
    )
    selection = Selection(tuple(arguments.image), arguments.variant, arguments.no_parents)
    targets = plan_builds(stack, selection, registry, owner, _build_args(arguments.build_arg))
    return stack, targets


def _check_folders(arguments: argparse.Namespace, targets: list[BuildTarget]) -> None:
    for option, folder in (("--logs", arguments.logs), ("--save", arguments.save)):
        if folder is None:
            continue
        resolved = folder.resolve()
        for target in targets:
            if resolved.is_relative_to(target.context.resolve()):
                raise BuildUsageError(
                    f"{option} {folder} is inside the build context of {target.label} "
                    f"({target.context}): its files would change that image's inputs; pass a "
                    "folder outside it"
                )
        _check_writable(option, folder)
    if arguments.load is not None and not arguments.load.is_dir():
        raise BuildUsageError(
            f"--load {arguments.load}: folder not found: pass the folder holding the archives"
        )
    check_report_path(arguments.json)


def _check_writable(option: str, folder: Path) -> None:
    """Refuse a folder that cannot be made or written, without making it yet."""
    if folder.exists() and not folder.is_dir():
        raise BuildUsageError(
            f"{option} {folder} is a file: pass a folder (it is created if missing)"
        )
    existing = folder.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise BuildUsageError(
            f"{option} {folder}: {existing} is not writable: pass a writable folder"
        )


def _platform(option: str) -> str | None:
    """The platform (`x86_64`) --platform asks for, checked before any engine is asked; None
    for the engine's own."""
    if not option:
        return None
    parts = option.split("/")
    if len(parts) < 2 or not all(parts):
        raise BuildUsageError(f"invalid --platform {option!r}: write OS/ARCH, e.g. linux/arm64")
    return platform_of(parts[1])


def _run(arguments: argparse.Namespace) -> Outcome:
    stack, targets = _plan(arguments)
    _check_folders(arguments, targets)
    asked = _platform(arguments.platform)
    docker = Docker()
    platform = asked or docker.engine_platform()
    settings = RunSettings(
        platform=platform,
        jobs=arguments.jobs,
        force=arguments.force or arguments.no_cache,
        options=BuildOptions(arguments.platform, arguments.no_cache, tuple(arguments.secret)),
        logs=arguments.logs,
        save=arguments.save,
        load=arguments.load,
        durations=durations_file(),
    )
    build = StackBuild(docker, targets, settings, Progress(len(targets)))
    try:
        results = build.run()
    except KeyboardInterrupt:
        results = list(build.results.values())
        _report(arguments, stack, platform, results, complete=False)
        warn(f"{PROG}: interrupted: the builds were stopped; no image was tagged half-built")
        return Outcome(INTERRUPTED_STATUS, results)
    _report(arguments, stack, platform, results, complete=True)
    if not succeeded(results):
        for line in failure_lines(results):
            warn(line)
        return Outcome(1, results)
    return Outcome(0, results)


def _report(
    arguments: argparse.Namespace,
    stack: Stack,
    platform: str,
    results: list[ImageBuildResult],
    complete: bool,
) -> None:
    say("")
    say(closing_table(results))
    say(f"logs: {arguments.logs}/")
    if arguments.json is not None:
        try:
            write_document(arguments.json, document(results, stack.folder, platform, complete))
        except OSError as error:
            raise BuildError(
                f"cannot write --json {arguments.json} ({error.strerror}): pass a writable file"
            ) from error
