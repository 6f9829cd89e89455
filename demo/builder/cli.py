"""The command line of ``demo/build.py``: options, the run, one-line errors."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .engine import check_engine, find_docker
from .errors import BuildError
from .images import BuildOptions, build_images
from .minbase import ensure_minbase
from .report import Result, report, summary
from .stack import load_stack, select
from .verify import expected_file, verify

DEMO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
DESCRIPTION = (
    "Build the offline demo image stack, parents first, reusing whatever is already built."
)


def main(argv: list[str] | None = None) -> int:
    """Entry point: 0 when every selected image is built or up to date (or skipped)."""
    options = parse_args(argv)
    try:
        run(options)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


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
        "--verbose",
        action="store_true",
        help="show docker's output (always written to the stack's .build-logs/)",
    )
    parser.add_argument(
        "--stack",
        type=Path,
        default=DEMO_DIR,
        metavar="DIR",
        help=f"the stack folder: stack.toml and one <image>/image.toml per image ({DEMO_DIR})",
    )
    return parser.parse_args(argv)


def run(options: argparse.Namespace) -> list[Result]:
    """Build the selected images in order; raise BuildError on the first failure."""
    start = time.monotonic()
    stack = load_stack(options.stack)
    names = select(stack, options.only)
    if not options.ca_bundle.is_file():
        raise BuildError(f"CA bundle {options.ca_bundle} not found (see --ca-bundle)")
    docker = find_docker()
    check_engine(docker)
    build_options = BuildOptions(
        options.ca_bundle, options.force, options.no_cache, options.verbose
    )
    results = [ensure_minbase(docker, stack, options.verbose)]
    report(results[-1])
    results += build_images(docker, stack, names, build_options)
    summary(results, time.monotonic() - start)
    if options.verify and not verify(docker, stack, results):
        raise BuildError(f"images differ from {expected_file(stack)} (see above)")
    return results
