"""Building the selected images, parents first, each only when its inputs changed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .engine import image_labels, image_size, inspect_image, remove_if_dangling
from .errors import BuildError
from .inputs import INPUTS_LABEL, input_hash
from .logs import run_logged, tail
from .minbase import MINBASE_NAME
from .report import Result, report
from .stack import Image, Stack
from .wheels import prepare_torch_wheel

# An image may need files prepared before its build; a returned string is a reason to skip it.
PREPARE: dict[str, Callable[[Image], str | None]] = {"pytorch-notebook": prepare_torch_wheel}


@dataclass(frozen=True)
class BuildOptions:
    """How images are built (from the command line)."""

    ca_bundle: Path
    force: bool = False
    no_cache: bool = False
    verbose: bool = False


def build_images(
    docker: str, stack: Stack, names: list[str], options: BuildOptions
) -> list[Result]:
    """Build ``names`` in order, reporting each; an image whose parent was skipped is skipped."""
    results: list[Result] = []
    skipped: set[str] = set()
    for name in names:
        image = stack.images[name]
        if image.parent in skipped:
            result = Result(name, "skipped", 0.0, note=f"parent {image.parent} was skipped")
        else:
            result = build_image(docker, stack, image, options)
        if result.status == "skipped":
            skipped.add(name)
        results.append(result)
        report(result)
    return results


def build_image(docker: str, stack: Stack, image: Image, options: BuildOptions) -> Result:
    """Build one image unless its input hash label says it is up to date."""
    start = time.monotonic()
    prepare = PREPARE.get(image.name)
    reason = prepare(image) if prepare else None
    if reason:
        return Result(image.name, "skipped", time.monotonic() - start, note=reason)
    parent_ref = stack.ref(image.parent or MINBASE_NAME)
    parent = inspect_image(docker, parent_ref)
    if parent is None:
        raise BuildError(f"{image.name}: parent image {parent_ref} is missing")
    build_args = {"BASE_IMAGE": parent_ref}
    inputs = input_hash(image.folder, str(parent["Id"]), build_args)
    ref = stack.ref(image.name)
    current = inspect_image(docker, ref)
    if (
        current
        and not (options.force or options.no_cache)
        and image_labels(current).get(INPUTS_LABEL) == inputs
    ):
        return Result(image.name, "up to date", time.monotonic() - start, image_size(current))
    log = stack.log(image.name)
    command = build_command(docker, image.folder, ref, inputs, build_args, options)
    code = run_logged([command], log, options.verbose)
    if code != 0:
        print(tail(log), file=sys.stderr)
        raise BuildError(
            f"building {image.name} failed (docker build exit {code}); full log: {log}"
        )
    if current is not None:
        remove_if_dangling(docker, str(current["Id"]))
    return Result(
        image.name, "built", time.monotonic() - start, image_size(inspect_image(docker, ref))
    )


def build_command(
    docker: str,
    folder: Path,
    ref: str,
    inputs: str,
    build_args: dict[str, str],
    options: BuildOptions,
) -> list[str]:
    """The ``docker build`` of one image: tagged, CA bundle as secret, input hash as label."""
    command = [
        docker,
        "build",
        "--progress=plain",
        "--tag",
        ref,
        "--secret",
        f"id=ca,src={options.ca_bundle}",
        "--label",
        f"{INPUTS_LABEL}={inputs}",
    ]
    command += [
        arg for key, value in build_args.items() for arg in ("--build-arg", f"{key}={value}")
    ]
    command += ["--no-cache"] if options.no_cache else []
    return [*command, str(folder)]
