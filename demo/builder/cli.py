"""The command line of ``demo/build.py``: the demo's own steps around one ``stack-build`` run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from inspections.building import build_command as stack_build
from inspections.building.build_plan import Selection, plan_builds
from inspections.building.docker_client import Docker
from inspections.building.errors import BuildError, BuildUsageError
from inspections.errors import StackError, StackInspectionError
from inspections.stack import Stack, load_stack
from inspections.text import one_line

from .minbase import MINBASE_NAME, ensure_minbase
from .verify import expected_file, verify
from .wheels import prepare_torch_wheel

DEMO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
LOG_FOLDER = ".build-logs"
DESCRIPTION = (
    "Build the offline demo image stack, parents first, reusing whatever is already built."
)
# An image may need files prepared before its build; a returned string is a reason to skip it.
PREPARE: dict[str, Callable[[Path], str | None]] = {"pytorch-notebook": prepare_torch_wheel}


def main(argv: list[str] | None = None) -> int:
    """Entry point: 0 when every selected image is built or up to date (or skipped)."""
    options = parse_args(argv)
    try:
        return run(options)
    except (BuildUsageError, StackError) as error:
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except StackInspectionError as error:
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="IMAGE",
        help="build only these images (and their ancestors)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when the input hash label matches (cache still used)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="rebuild from scratch (docker build --no-cache); implies --force",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="builds at once (stack-build --jobs)"
    )
    parser.add_argument(
        "--ca-bundle",
        type=Path,
        default=DEFAULT_CA_BUNDLE,
        help=f"CA bundle given to builds as secret 'ca' ({DEFAULT_CA_BUNDLE})",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="then run each image and compare it with the stack's expected_versions.toml",
    )
    parser.add_argument(
        "--stack",
        type=Path,
        default=DEMO_DIR,
        metavar="DIR",
        help=f"the stack folder: stack.toml and one <image>/image.toml per image ({DEMO_DIR})",
    )
    return parser.parse_args(argv)


def run(options: argparse.Namespace) -> int:
    """Make the base image, prepare files, build with stack-build, then verify if asked."""
    stack = load_stack(options.stack)
    settings = stack.settings
    plan_builds(stack, Selection(tuple(options.only)), settings.registry, settings.owner)
    if not options.ca_bundle.is_file():
        raise BuildUsageError(f"CA bundle {options.ca_bundle} not found (see --ca-bundle)")
    docker = Docker()
    docker.engine_platform()
    logs = stack.folder / LOG_FOLDER
    minbase = f"{settings.registry}/{settings.owner}/{MINBASE_NAME}:latest"
    print(f"{MINBASE_NAME}: {ensure_minbase(docker, minbase, logs)}", flush=True)
    images = prepared_images(stack, options.only)
    if not images:
        return 0
    arguments = [
        *("--stack", str(stack.folder), "--logs", str(logs), "--jobs", str(options.jobs)),
        *("--secret", f"id=ca,src={options.ca_bundle}"),
        *(f"--image={name}" for name in images if images != list(stack.images)),
        *(["--force"] if options.force else []),
        *(["--no-cache"] if options.no_cache else []),
    ]
    outcome = stack_build.run(arguments)
    if outcome.status != 0:
        return outcome.status
    if options.verify and not verify(docker.client, stack, outcome.results):
        raise BuildError(f"images differ from {expected_file(stack)} (see above)")
    return 0


def prepared_images(stack: Stack, only: list[str]) -> list[str]:
    """The images to build: those asked for (all by default) whose preparation succeeded."""
    images = []
    for name in only or list(stack.images):
        prepare = PREPARE.get(name)
        reason = prepare(stack.images[name].folder) if prepare else None
        if reason:
            print(f"note: {name} is skipped: {reason}", flush=True)
        else:
            images.append(name)
    return images
