"""The torch CPU wheel: found in pip's find-links folders, copied into the image's folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from inspections.building.dockerfile import declared_defaults, read_dockerfile
from inspections.building.errors import BuildError

DEFAULT_FIND_LINKS = "/opt/wheels"


def prepare_torch_wheel(folder: Path) -> str | None:
    """Copy the pinned torch CPU wheel into ``<folder>/wheels/``; a reason to skip without one."""
    version = dockerfile_arg(folder / "Dockerfile", "TORCH_VERSION")
    pattern = f"torch-{version}-cp311-cp311-*.whl"
    target_dir = folder / "wheels"
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


def dockerfile_arg(dockerfile: Path, name: str) -> str:
    """The default value of ``ARG name=...`` in a Dockerfile."""
    default = declared_defaults(read_dockerfile(dockerfile)).get(name)
    if not default:
        raise BuildError(f"{dockerfile}: no ARG {name}=...")
    return default


def find_links_folders() -> list[Path]:
    """pip's configured find-links folders (environment, ``pip config``), then /opt/wheels."""
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    )
    values = find_links_values(os.environ.get("PIP_FIND_LINKS", ""), completed.stdout)
    return existing_folders([*values, DEFAULT_FIND_LINKS])


def find_links_values(environment: str, pip_config: str) -> list[str]:
    """The find-links settings: ``PIP_FIND_LINKS``, then those in ``pip config list`` output."""
    values = [environment]
    for line in pip_config.splitlines():
        key, _, value = line.partition("=")
        if key.endswith("find-links"):
            values.append(value.strip().strip("'\""))
    return values


def existing_folders(values: list[str]) -> list[Path]:
    """The existing folders named in find-links values (space-separated, ``file://``), once."""
    folders: list[Path] = []
    for value in values:
        for item in value.split():
            path = Path(item.removeprefix("file://"))
            if path.is_dir() and path not in folders:
                folders.append(path)
    return folders


def copy_if_changed(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (with its mtime) unless an equal-sized copy is there."""
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copy2(source, partial)
    partial.replace(target)
