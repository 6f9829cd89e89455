"""The root's base image: a ``debootstrap --variant=minbase`` Debian, ``docker import``-ed."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .engine import image_size, inspect_image
from .errors import BuildError
from .logs import run_logged
from .report import Result
from .stack import Stack

MINBASE_NAME = "bookworm-minbase"
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"


def ensure_minbase(docker: str, stack: Stack, verbose: bool) -> Result:
    """Reuse the minbase image when present, make it otherwise."""
    ref = stack.ref(MINBASE_NAME)
    start = time.monotonic()
    info = inspect_image(docker, ref)
    if info is None:
        make_minbase(docker, ref, stack.log(MINBASE_NAME), verbose)
        info = inspect_image(docker, ref)
        return Result(MINBASE_NAME, "built", time.monotonic() - start, image_size(info))
    return Result(MINBASE_NAME, "present", time.monotonic() - start, image_size(info))


def make_minbase(docker: str, ref: str, log: Path, verbose: bool) -> None:
    """debootstrap a minbase Debian and import it as ``ref`` (without stale apt lists)."""
    debootstrap = ensure_debootstrap()
    root = tempfile.mkdtemp(prefix="minbase-", dir="/var/tmp")
    try:
        import_minbase(docker, ref, debootstrap, root, log, verbose)
    finally:
        remove_tree(Path(root))


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
