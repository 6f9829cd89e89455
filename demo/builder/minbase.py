"""The root's base image: a ``debootstrap --variant=minbase`` Debian, ``docker import``-ed."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from inspections.building.docker_client import Docker
from inspections.building.errors import BuildError

MINBASE_NAME = "bookworm-minbase"
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"


def ensure_minbase(docker: Docker, reference: str, logs: Path) -> str:
    """Reuse the minbase image when present, make it otherwise; `present` or `built`."""
    if docker.image(reference) is not None:
        return "present"
    debootstrap = ensure_debootstrap()
    root = tempfile.mkdtemp(prefix="minbase-", dir="/var/tmp")
    try:
        import_minbase(docker, reference, debootstrap, root, logs / f"{MINBASE_NAME}.log")
    finally:
        remove_tree(Path(root))
    return "built"


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


def import_minbase(docker: Docker, reference: str, debootstrap: str, root: str, log: Path) -> None:
    """debootstrap into ``root``, drop apt's lists and caches, ``docker import`` the tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        command = [debootstrap, "--variant=minbase", DEBIAN_SUITE, root, DEBIAN_MIRROR]
        code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
        if code.returncode != 0:
            raise BuildError(
                f"{MINBASE_NAME}: debootstrap failed (exit {code.returncode}); log: {log}"
            )
        for leftover in ("var/lib/apt/lists", "var/cache/apt"):
            for path in Path(root, leftover).glob("*"):
                if path.is_file():
                    path.unlink()
        tar = subprocess.Popen(["tar", "-C", root, "-c", "."], stdout=subprocess.PIPE, stderr=out)
        imported = subprocess.run(
            [docker.client, "import", "-", reference],
            stdin=tar.stdout,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
        assert tar.stdout is not None
        tar.stdout.close()
        if tar.wait() != 0 or imported.returncode != 0:
            raise BuildError(f"{MINBASE_NAME}: docker import failed; log: {log}")


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
