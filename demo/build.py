#!/usr/bin/env python3
"""Build the offline demo image stack, parents first, reusing whatever is already built.

    python demo/build.py                          # the whole stack
    python demo/build.py --only scipy-notebook    # that image and its ancestors

The stack is read from ``demo/stack.toml`` and ``demo/<image>/image.toml``; each image is
built from ``demo/<image>/Dockerfile`` as ``<registry>/<owner>/<image>:latest``. The root
image starts from a ``debootstrap --variant=minbase`` Debian made here (no Docker Hub).

Builds use BuildKit through Debian's docker client (``/usr/bin/docker``, package docker.io):
the host's CA bundle reaches PyPI as a build secret and never lands in a layer. Every image
carries a label with a hash of its build inputs (its folder, its parent's image id, its build
arguments); an image whose label matches is not rebuilt, so a second run takes seconds.
Standard library only.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
LOG_DIR = DEMO_DIR / ".build-logs"
DOCKER = "/usr/bin/docker"
DEFAULT_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
MINBASE_NAME = "bookworm-minbase"
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
INPUTS_LABEL = "org.stack-inspections.demo.inputs"
# Bump to force every image's input hash to change (e.g. when the build command changes).
RECIPE_VERSION = "1"
# Files in an image folder that are not build inputs (they belong to the pytest plugin).
NOT_INPUTS = ("inspect_*.py", "test_*.py", "conftest.py", "*.pyc", "__pycache__", "image.toml")
# Files at least this large are hashed by name, size and mtime instead of content.
BIG_FILE = 8 * 1024 * 1024
DEFAULT_FIND_LINKS = "/opt/wheels"
LOG_TAIL_LINES = 30
EXPECTED_VERSIONS = DEMO_DIR / "expected_versions.toml"
PIP_VERSION = "python -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "
DPKG_VERSION = "dpkg-query -W -f '${Version}' "
# How --verify reads each key of expected_versions.toml inside an image (shell, stdout).
VERIFY_COMMANDS = {
    "os_id": ". /etc/os-release && echo $ID",
    "os_version_id": ". /etc/os-release && echo $VERSION_ID",
    "python": "python --version | cut -d' ' -f2",
    "pip": "pip --version | cut -d' ' -f2",
    "lab": "jupyter lab --version",
    "notebook": "jupyter notebook --version",
    "hub": "jupyterhub --version",
    "numpy": PIP_VERSION + "numpy",
    "pandas": PIP_VERSION + "pandas",
    "matplotlib": PIP_VERSION + "matplotlib",
    "r": "R --version | head -n1 | cut -d' ' -f3",
    "r_version_line": "R --version | head -n1",
    "r_base_core_deb": DPKG_VERSION + "r-base-core",
    "java": "java --version | head -n1 | cut -d' ' -f2",
    "java_version_line": "java --version | head -n1",
    "openjdk_deb": DPKG_VERSION + "openjdk-17-jre-headless",
    "spark": "/usr/local/spark/bin/spark-submit --version 2>&1 >/dev/null"
    " | sed -n 's/.*version \\([0-9][0-9.]*\\).*/\\1/p' | head -n1",
    "pyspark": PIP_VERSION + "pyspark",
    "torch": "python -c 'import torch; print(torch.__version__)'",
}


class BuildError(Exception):
    """A failure that ends the run with a one-line message."""


@dataclass(frozen=True)
class Image:
    """One image of the stack, as declared by its folder."""

    name: str
    parent: str
    folder: Path


@dataclass(frozen=True)
class Stack:
    """The whole demo stack: naming and the images by name."""

    registry: str
    owner: str
    images: dict[str, Image] = field(default_factory=dict)

    def ref(self, name: str) -> str:
        """The fully qualified ``:latest`` reference of an image of this stack."""
        return f"{self.registry}/{self.owner}/{name}:latest"


@dataclass(frozen=True)
class Result:
    """What happened to one image in this run."""

    name: str
    status: str
    seconds: float
    size: int | None = None
    note: str = ""


# --- the stack declaration -------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, object]:
    """Parse one TOML file, naming the file when it is missing or broken."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise BuildError(f"cannot read {path}: {error}") from error


def load_stack(demo_dir: Path) -> Stack:
    """Read ``stack.toml`` and every ``<image>/image.toml`` below ``demo_dir``."""
    settings = read_toml(demo_dir / "stack.toml")
    images: dict[str, Image] = {}
    for image_toml in sorted(demo_dir.glob("*/image.toml")):
        parent = read_toml(image_toml).get("parent", "")
        if not isinstance(parent, str):
            raise BuildError(f"{image_toml}: parent must be a string")
        folder = image_toml.parent
        images[folder.name] = Image(name=folder.name, parent=parent, folder=folder)
    stack = Stack(str(settings["registry"]), str(settings["owner"]), images)
    build_order(stack)  # validates parents and cycles
    return stack


def build_order(stack: Stack) -> list[str]:
    """All image names, parents before children, siblings by name."""
    for image in stack.images.values():
        if image.parent and image.parent not in stack.images:
            raise BuildError(f"{image.name}: unknown parent {image.parent!r}")
    children: dict[str, list[str]] = {}
    for image in stack.images.values():
        children.setdefault(image.parent, []).append(image.name)
    order: list[str] = []
    pending = sorted(children.get("", []), reverse=True)
    while pending:
        name = pending.pop()
        order.append(name)
        pending.extend(sorted(children.get(name, []), reverse=True))
    if len(order) != len(stack.images):
        cyclic = sorted(set(stack.images) - set(order))
        raise BuildError(f"images without a root (cycle?): {', '.join(cyclic)}")
    return order


def ancestors(stack: Stack, name: str) -> list[str]:
    """The image and its ancestors, root first."""
    chain: list[str] = []
    while name:
        chain.append(name)
        name = stack.images[name].parent
    return chain[::-1]


def select(stack: Stack, only: list[str]) -> list[str]:
    """The build order restricted to ``only`` and their ancestors (everything if empty)."""
    order = build_order(stack)
    if not only:
        return order
    unknown = sorted(set(only) - set(stack.images))
    if unknown:
        raise BuildError(f"unknown image(s): {', '.join(unknown)} (known: {', '.join(order)})")
    wanted = {name for image in only for name in ancestors(stack, image)}
    return [name for name in order if name in wanted]


# --- docker ----------------------------------------------------------------------------------


def find_docker() -> str:
    """Debian's docker client: the preinstalled newer client here has no buildx."""
    if not os.access(DOCKER, os.X_OK):
        raise BuildError(
            f"{DOCKER} not found: BuildKit builds need Debian's client, "
            "install docker.io (apt-get install docker.io)"
        )
    return DOCKER


def check_engine(docker: str) -> None:
    """Fail with one line when the Docker engine does not answer."""
    try:
        subprocess.run(
            [docker, "info", "--format", "{{.ServerVersion}}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise BuildError("Docker engine not reachable: start dockerd (see README)") from error


def inspect_image(docker: str, ref: str) -> dict[str, object] | None:
    """``docker image inspect`` of a local image, or None when there is none."""
    completed = subprocess.run(
        [docker, "image", "inspect", ref], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        return None
    found: list[dict[str, object]] = json.loads(completed.stdout)
    return found[0] if found else None


def image_labels(info: dict[str, object]) -> dict[str, str]:
    """The labels of an inspected image (an empty dict when it has none)."""
    config = info.get("Config")
    labels = config.get("Labels") if isinstance(config, dict) else None
    return dict(labels) if isinstance(labels, dict) else {}


def remove_if_dangling(docker: str, image_id: str) -> None:
    """Remove an image a rebuild replaced, if it has no tag left (best effort, no force)."""
    info = inspect_image(docker, image_id)
    if info is not None and not info.get("RepoTags"):
        subprocess.run([docker, "image", "rm", image_id], capture_output=True, check=False)


def image_size(info: dict[str, object] | None) -> int | None:
    """The size in bytes of an inspected image, parent layers included."""
    size = info.get("Size") if info else None
    return size if isinstance(size, int) else None


# --- the debootstrap base --------------------------------------------------------------------


def run_logged(commands: list[list[str]], log: Path, verbose: bool) -> int:
    """Run a pipeline of commands, their combined output to ``log`` (and the terminal)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    with log.open("w", encoding="utf-8") as out:
        out.write("".join("$ " + shlex.join(command) + "\n" for command in commands))
        out.flush()
        processes: list[subprocess.Popen[bytes]] = []
        stdin = None
        for command in commands:
            process = subprocess.Popen(
                command,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if command is commands[-1] else out,
                env=env,
            )
            if stdin is not None:
                stdin.close()
            stdin = process.stdout
            processes.append(process)
        assert stdin is not None
        for raw in stdin:
            line = raw.decode("utf-8", "replace")
            out.write(line)
            if verbose:
                sys.stdout.write(line)
        codes = [process.wait() for process in processes]
    return next((code for code in codes if code != 0), 0)


def ensure_debootstrap() -> str:
    """The debootstrap command, installed with apt-get when missing."""
    found = shutil.which("debootstrap") or shutil.which("debootstrap", path="/usr/sbin:/sbin")
    if found:
        return found
    print("debootstrap missing: installing it with apt-get")
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "debootstrap"],
    ):
        if subprocess.run(command, check=False).returncode != 0:
            raise BuildError(f"could not install debootstrap ({shlex.join(command)} failed)")
    found = shutil.which("debootstrap", path="/usr/sbin:/sbin:/usr/bin")
    if not found:
        raise BuildError("debootstrap still not found after apt-get install")
    return found


def make_minbase(docker: str, ref: str, verbose: bool) -> None:
    """debootstrap a minbase Debian and import it as ``ref`` (without stale apt lists)."""
    debootstrap = ensure_debootstrap()
    log = LOG_DIR / f"{MINBASE_NAME}.log"
    root = tempfile.mkdtemp(prefix="minbase-", dir="/var/tmp")
    try:
        import_minbase(docker, ref, debootstrap, root, log, verbose)
    finally:
        remove_tree(Path(root))


def import_minbase(
    docker: str, ref: str, debootstrap: str, root: str, log: Path, verbose: bool
) -> None:
    """debootstrap into ``root``, drop apt's lists and caches, ``docker import`` the tree."""
    command = [debootstrap, "--variant=minbase", DEBIAN_SUITE, root, DEBIAN_MIRROR]
    code = run_logged([command], log, verbose)
    if code != 0:
        raise BuildError(f"{MINBASE_NAME}: debootstrap failed (exit {code}); log: {log}")
    for leftover in ("var/lib/apt/lists", "var/cache/apt"):
        for path in Path(root, leftover).glob("*"):
            if path.is_file():
                path.unlink()
    import_log = log.with_suffix(".import.log")
    pipeline = [["tar", "-C", root, "-c", "."], [docker, "import", "-", ref]]
    code = run_logged(pipeline, import_log, verbose)
    if code != 0:
        raise BuildError(f"{MINBASE_NAME}: docker import failed (exit {code}); log: {import_log}")


def mounts_under(root: Path) -> list[str]:
    """Mount points inside ``root`` (debootstrap mounts /proc and /sys in its target)."""
    points = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
    return [point for point in points if point.startswith(f"{root}/")]


def remove_tree(root: Path) -> None:
    """Delete a debootstrap tree, unless something is still mounted inside it."""
    inside = mounts_under(root)
    if inside:
        print(f"warning: left {root} in place, still mounted: {', '.join(inside)}", file=sys.stderr)
        return
    shutil.rmtree(root, ignore_errors=True)


def ensure_minbase(docker: str, stack: Stack, verbose: bool) -> Result:
    """Reuse the minbase image when present, make it otherwise."""
    ref = stack.ref(MINBASE_NAME)
    start = time.monotonic()
    info = inspect_image(docker, ref)
    if info is None:
        make_minbase(docker, ref, verbose)
        info = inspect_image(docker, ref)
        return Result(MINBASE_NAME, "built", time.monotonic() - start, image_size(info))
    return Result(MINBASE_NAME, "present", time.monotonic() - start, image_size(info))


# --- the torch wheel -------------------------------------------------------------------------


def find_links_folders() -> list[Path]:
    """pip's configured find-links folders (environment, ``pip config``), then /opt/wheels."""
    values = [os.environ.get("PIP_FIND_LINKS", "")]
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    for line in completed.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.endswith("find-links"):
            values.append(value.strip().strip("'\""))
    values.append(DEFAULT_FIND_LINKS)
    folders: list[Path] = []
    for value in values:
        for item in value.split():
            path = Path(item.removeprefix("file://"))
            if path.is_dir() and path not in folders:
                folders.append(path)
    return folders


def dockerfile_arg(dockerfile: Path, name: str) -> str:
    """The default value of ``ARG name=...`` in a Dockerfile."""
    match = re.search(rf"^ARG {re.escape(name)}=(\S+)", dockerfile.read_text(), re.MULTILINE)
    if not match:
        raise BuildError(f"{dockerfile}: no ARG {name}=...")
    return match.group(1)


def copy_if_changed(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (with its mtime) unless an equal-sized copy is there."""
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copy2(source, partial)
    partial.replace(target)


def prepare_torch_wheel(image: Image) -> str | None:
    """Copy the pinned torch CPU wheel into ``wheels/``; a reason to skip when there is none."""
    version = dockerfile_arg(image.folder / "Dockerfile", "TORCH_VERSION")
    pattern = f"torch-{version}-cp311-cp311-*.whl"
    target_dir = image.folder / "wheels"
    folders = find_links_folders()
    wheels = sorted(wheel for folder in folders for wheel in folder.glob(pattern))
    wheels += sorted(target_dir.glob(pattern))  # a copy from an earlier run will do
    if not wheels:
        searched = ", ".join(str(folder) for folder in folders) or "none found"
        return f"no {pattern} in pip's find-links folders ({searched})"
    copy_if_changed(wheels[0], target_dir / wheels[0].name)
    for stale in target_dir.glob("*.whl"):
        if stale.name != wheels[0].name:
            stale.unlink()
    return None


# An image may need files prepared before its build; a returned string is a reason to skip it.
PREPARE: dict[str, Callable[[Image], str | None]] = {"pytorch-notebook": prepare_torch_wheel}


# --- building --------------------------------------------------------------------------------


def input_files(folder: Path) -> Iterator[Path]:
    """The build inputs of an image folder, sorted (plugin files excluded)."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in NOT_INPUTS):
            continue
        if path.is_file():
            yield path


def input_hash(folder: Path, parent_id: str, build_args: dict[str, str]) -> str:
    """A hash of everything that goes into an image's build."""
    digest = hashlib.sha256(f"recipe {RECIPE_VERSION}\nparent {parent_id}\n".encode())
    for key, value in sorted(build_args.items()):
        digest.update(f"arg {key}={value}\n".encode())
    for path in input_files(folder):
        stat = path.stat()
        digest.update(f"file {path.relative_to(folder).as_posix()} {stat.st_size}\n".encode())
        if stat.st_size >= BIG_FILE:
            digest.update(f"mtime {stat.st_mtime_ns}\n".encode())
        else:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def tail(log: Path, lines: int) -> str:
    """The last lines of a log file."""
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def build_image(docker: str, stack: Stack, image: Image, options: argparse.Namespace) -> Result:
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
    log = LOG_DIR / f"{image.name}.log"
    code = run_logged([[*command, str(image.folder)]], log, options.verbose)
    if code != 0:
        print(tail(log, LOG_TAIL_LINES), file=sys.stderr)
        raise BuildError(
            f"building {image.name} failed (docker build exit {code}); full log: {log}"
        )
    if current is not None:
        remove_if_dangling(docker, str(current["Id"]))
    return Result(
        image.name, "built", time.monotonic() - start, image_size(inspect_image(docker, ref))
    )


# --- verifying expected_versions.toml --------------------------------------------------------


def expected_values(expected: dict[str, object], stack: Stack, name: str) -> dict[str, str]:
    """The values expected of an image: its own section merged over its ancestors'."""
    values: dict[str, str] = {}
    for ancestor in ancestors(stack, name):
        section = expected.get(ancestor, {})
        if isinstance(section, dict):
            values.update({key: str(value) for key, value in section.items()})
    return values


def verify_image(docker: str, ref: str, values: dict[str, str]) -> list[str]:
    """Run an image once and compare what it reports with ``values``; the mismatches."""
    unknown = sorted(set(values) - set(VERIFY_COMMANDS))
    if unknown:
        return [f"no verify command for {', '.join(unknown)}"]
    script = "".join(
        f"printf '%s\\t%s\\n' {key} \"$({VERIFY_COMMANDS[key]})\"\n" for key in sorted(values)
    )
    completed = subprocess.run(
        [docker, "run", "--rm", "--network", "none", ref, "bash", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    found = dict(line.split("\t", 1) for line in completed.stdout.splitlines() if "\t" in line)
    return [
        f"{key}: expected {value!r}, image reports {found.get(key)!r}"
        for key, value in sorted(values.items())
        if found.get(key) != value
    ]


def verify(docker: str, stack: Stack, results: list[Result]) -> bool:
    """Check every image of this run that exists against expected_versions.toml."""
    expected = read_toml(EXPECTED_VERSIONS)
    passed = True
    for result in results:
        if result.name == MINBASE_NAME or result.status == "skipped":
            continue
        values = expected_values(expected, stack, result.name)
        problems = verify_image(docker, stack.ref(result.name), values)
        passed = passed and not problems
        status = "FAILED" if problems else "ok"
        print(f"verify {result.name:<26} {status} ({len(values)} values)", flush=True)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    return passed


# --- reporting and the command line ----------------------------------------------------------


def human_size(size: int | None) -> str:
    """Bytes as MB (Docker's decimal units), or an empty string."""
    return f"{size / 1e6:8.0f} MB" if size is not None else ""


def report(result: Result) -> None:
    """One line per image: name, what happened, seconds, size, note."""
    note = f"  ({result.note})" if result.note else ""
    print(
        f"{result.name:<26} {result.status:<11} {result.seconds:7.1f} s "
        f"{human_size(result.size)}{note}",
        flush=True,
    )


def summary(results: list[Result], seconds: float) -> None:
    """The final line: counts per outcome and the total time."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    parts = ", ".join(f"{count} {status}" for status, count in counts.items())
    print(f"done: {parts} in {seconds:.1f} s")
    for result in results:
        if result.status == "skipped":
            print(f"note: {result.name} was skipped: {result.note}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
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
        help="then run each image and compare it with demo/expected_versions.toml",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show docker's output (always written to demo/.build-logs/)",
    )
    return parser.parse_args(argv)


def run(options: argparse.Namespace) -> list[Result]:
    """Build the selected images in order; raise BuildError on the first failure."""
    start = time.monotonic()
    stack = load_stack(DEMO_DIR)
    names = select(stack, options.only)
    if not options.ca_bundle.is_file():
        raise BuildError(f"CA bundle {options.ca_bundle} not found (see --ca-bundle)")
    docker = find_docker()
    check_engine(docker)
    results = [ensure_minbase(docker, stack, options.verbose)]
    report(results[-1])
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
    summary(results, time.monotonic() - start)
    if options.verify and not verify(docker, stack, results):
        raise BuildError(f"images differ from {EXPECTED_VERSIONS} (see above)")
    return results


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


if __name__ == "__main__":
    sys.exit(main())
