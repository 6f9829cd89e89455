"""What the publishing commands share: their arguments, the --json report, and exit statuses.

Each command (`*_command.py`) reads run folders only through their record (see
`run_folders`) and prints one line per thing done. A wrong argument or input file (a symlink
in the wiki included) exits with 2, a failed step (engine, registry, disk, a wiki being
updated) with 1, both after one line on stderr that says how to fix it. A reader that goes
away (`| head -1`) stops the printing, not the work.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import docker.errors

from inspections.errors import StackInspectionError
from inspections.publishing.console import exit_status, warn
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.json_reports import write_report
from inspections.publishing.run_folders import tags_file_arguments
from inspections.publishing.tags_files import TagsFile
from inspections.text import one_line

RUNS_HELP = "a folder written by pytest --emit-manifests (one per run or platform)"
TAGS_FILE_HELP = "a <run folder>/tags/*.txt file, checked against the run's inspections.json"

Action = Callable[[argparse.Namespace], int]


def run_command(parser: argparse.ArgumentParser, action: Action, argv: Sequence[str] | None) -> int:
    """Parse `argv` and run `action`: its exit status, or that of the error it ended with."""
    return exit_status(parser.prog, lambda: _run(parser, action, argv))


def _run(parser: argparse.ArgumentParser, action: Action, argv: Sequence[str] | None) -> int:
    arguments = parser.parse_args(argv)
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
    return status


def unique_tags_files(paths: list[Path]) -> list[TagsFile]:
    """The verified tags files, each once, in the order given."""
    return tags_file_arguments(dict.fromkeys(paths))


@contextmanager
def reporting(path: Path | None, document: Callable[[bool], dict[str, Any]]) -> Iterator[None]:
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


def json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help=f"also write {what} to FILE, as JSON"
    )


def tags_files_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "tags_files", nargs="+", type=Path, metavar="TAGS_FILE", help=TAGS_FILE_HELP
    )


def runs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help=RUNS_HELP)
