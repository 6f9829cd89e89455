"""python -m benchmarks [--only PART,...] [--rounds N] [--json FILE]"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import docker

import benchmarks
from benchmarks import big_output, demo, imports, stack_build, startup, synthetic
from benchmarks.machine import demo_image_ids, describe
from benchmarks.report import document, text
from benchmarks.sessions import SessionFailed, SessionRunner
from benchmarks.workspace import PartResult, Workspace

REPOSITORY = Path(__file__).resolve().parents[1]
PARTS: dict[str, Callable[[Workspace], PartResult]] = {
    "startup": startup.measure,
    "demo": demo.measure,
    "synthetic": synthetic.measure,
    "big-output": big_output.measure,
    "imports": imports.measure,
    "build": stack_build.measure,
}


def _parts(value: str) -> list[str]:
    """`--only demo,synthetic` as a list of known part names."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(PARTS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown part {', '.join(unknown) or '(none)'}: use {', '.join(PARTS)}"
        )
    return names


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value}: give at least 1")
    return number


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=benchmarks.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only",
        type=_parts,
        default=list(PARTS),
        metavar="PART,...",
        help=f"parts to run (default: all): {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--rounds",
        type=_positive,
        default=5,
        metavar="N",
        help="alternating rounds per part (default: 5)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=REPOSITORY / "out" / "bench.json",
        metavar="FILE",
        help="where to write the results (default: out/bench.json)",
    )
    return parser.parse_args(argv)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into an exit, so that images and folders are cleaned up as on Ctrl-C."""
    sys.exit(128 + signum)


def _measure(
    client: docker.DockerClient, parts: list[str], rounds: int
) -> tuple[list[PartResult], str | None]:
    """Run the parts; stop at the first failed session and say why."""
    results: list[PartResult] = []
    owner = f"bench-{secrets.token_hex(4)}"
    checkout_out = REPOSITORY / "out" / owner
    with tempfile.TemporaryDirectory(prefix="stack-inspections-bench-") as scratch:
        workspace = Workspace(
            repository=REPOSITORY,
            scratch=Path(scratch),
            checkout_out=checkout_out,
            owner=owner,
            client=client,
            runner=SessionRunner(Path(scratch), client),
            rounds=rounds,
        )
        try:
            for name in parts:
                results.append(PARTS[name](workspace))
        except SessionFailed as error:
            return results, str(error)
        finally:
            shutil.rmtree(checkout_out, ignore_errors=True)
    return results, None


def main(argv: list[str] | None = None) -> int:
    """Measure, print the tables, write the JSON; 1 when a session failed, else 0."""
    arguments = _arguments(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    client = docker.from_env()
    demo_before = demo_image_ids(client)
    parts, failure = _measure(client, arguments.only, arguments.rounds)
    measured_on = describe(parts, demo_before, demo_image_ids(client))
    print(text(parts, measured_on))
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    results = document(parts, arguments.rounds, measured_on, failure)
    arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten: {arguments.json}")
    if failure is not None:
        print(f"\nbenchmark stopped: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("benchmark interrupted: nothing written")
