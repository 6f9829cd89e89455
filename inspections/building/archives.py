"""Image archives (`docker save`) that hand built images from one CI job to the next.

An archive is named `<platform>-<variant>-<image>.tar` (`x86_64-default-base-notebook.tar`,
`x86_64-cuda12-pytorch-notebook.tar`), like the run folder's tags files, and holds exactly one
image, tagged with its stack reference. `archive_name` is the one rule for that name.

Before an archive is loaded it is read: it must be an image archive (a tar with
`manifest.json`), hold one image whose config matches its id, be tagged with the reference the
file name stands for and no other (`docker load` sets every tag an archive names), and be of
that platform. Saving writes a temporary file and renames it once it is checked, so an archive
is never half written; an interrupted save leaves no temporary file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from inspections.building.docker_client import Docker
from inspections.building.errors import BuildError, BuildUsageError
from inspections.references import engine_form
from inspections.runtime.engine import platform_of
from inspections.stack import build_stem
from inspections.text import printable

ARCHIVE_SUFFIX = ".tar"
ARCHIVE_MANIFEST = "manifest.json"
# `docker save --output FILE` writes `.tmp-<FILE's name><random>` beside FILE, then renames it.
CLIENT_TEMPORARY_PREFIX = ".tmp-"


def archive_name(platform: str, variant: str, image: str) -> str:
    """The file name of an image's archive: `<platform>-<variant>-<image>.tar`."""
    return build_stem(platform, variant, image) + ARCHIVE_SUFFIX


@dataclass(frozen=True)
class ArchivedImage:
    """What an image archive holds."""

    path: Path
    image_id: str
    references: tuple[str, ...]
    platform: str


def read_archive(path: Path) -> ArchivedImage:
    """Read an archive's manifest and config; BuildUsageError when it is no image archive."""

    def refused(problem: str) -> BuildUsageError:
        return BuildUsageError(
            f"{path} is not an image archive ({problem}): give --load a folder of archives "
            "written by stack-build --save (or docker save)"
        )

    try:
        with tarfile.open(path, "r:") as archive:
            manifest = json.loads(_member(archive, ARCHIVE_MANIFEST) or b"null")
            if manifest is None:
                raise refused(f"no {ARCHIVE_MANIFEST} in it")
            if not isinstance(manifest, list) or len(manifest) != 1:
                count = len(manifest) if isinstance(manifest, list) else "no"
                raise refused(f"{count} images in it, where one is expected")
            entry = manifest[0]
            config_name = str(entry.get("Config", ""))
            config = _member(archive, config_name)
            if config is None:
                raise refused(f"no image config {config_name!r} in it")
            digest = hashlib.sha256(config).hexdigest()
            if PurePosixPath(config_name).name.removesuffix(".json") != digest:
                raise refused(f"its image config {config_name} does not match its digest")
            architecture = str(json.loads(config).get("architecture", ""))
    except (tarfile.TarError, OSError, ValueError, AttributeError) as error:
        raise refused(printable(str(error)) or type(error).__name__) from error
    tags = entry.get("RepoTags") or []
    return ArchivedImage(path, f"sha256:{digest}", tuple(map(str, tags)), platform_of(architecture))


def _member(archive: tarfile.TarFile, name: str) -> bytes | None:
    """The content of a file in the archive, or None when there is none by that name."""
    try:
        member = archive.extractfile(name) if name else None
    except KeyError:
        return None
    return member.read() if member is not None else None


def check_archive(archived: ArchivedImage, reference: str, platform: str) -> None:
    """Refuse an archive that holds another image than its name says, or that is tagged with
    any other reference too (`docker load` would move those tags). References are compared
    as the engine writes them: `docker.io/jupyter/x:latest` is saved as `jupyter/x:latest`."""
    tags = {engine_form(tag) for tag in archived.references}
    if engine_form(reference) not in tags:
        held = ", ".join(archived.references) or "an untagged image"
        raise BuildUsageError(
            f"{archived.path} holds {held}, not {reference}: remove it, or save the right image "
            f"under this name (stack-build --save)"
        )
    others = sorted(tags - {engine_form(reference)})
    if others:
        raise BuildUsageError(
            f"{archived.path} is tagged {', '.join(others)} besides {reference}, and loading it "
            f"would tag those too: remove it, or save {reference} alone under this name "
            "(stack-build --save)"
        )
    if archived.platform != platform:
        raise BuildUsageError(
            f"{archived.path} holds a {archived.platform} image, not {platform}: load the "
            f"{platform} archive (named {platform}-…)"
        )


def save_archive(docker: Docker, reference: str, image_id: str, path: Path, platform: str) -> bool:
    """Write `reference` (image `image_id`, of `platform`) to `path`; False when the archive
    already held it as `load_archive` takes it back (tagged with `reference` alone)."""
    if path.is_file():
        try:
            archived = read_archive(path)
            check_archive(archived, reference, platform)
            if archived.image_id == image_id:
                return False
        except BuildUsageError:
            pass  # not an archive --load takes for this image: written anew
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        docker.run("save", "--output", str(partial), reference, timeout=None)
        saved = read_archive(partial)
        if saved.image_id != image_id:
            raise BuildError(
                f"{reference} changed while it was saved ({saved.image_id[:19]}, not the "
                f"built {image_id[:19]}): build it again"
            )
        os.replace(partial, path)
    except BaseException:  # Ctrl-C too: nothing of this archive is left half written
        for leftover in path.parent.glob(f"{CLIENT_TEMPORARY_PREFIX}{partial.name}*"):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        partial.unlink(missing_ok=True)
    return True


def load_archive(docker: Docker, archived: ArchivedImage, reference: str) -> None:
    """`docker load` an archive checked by `check_archive`; check that it named the image."""
    docker.run("load", "--input", str(archived.path), timeout=None)
    loaded = docker.image(reference)
    if loaded is None or loaded.id != archived.image_id:
        raise BuildError(
            f"loading {archived.path} did not make {reference} its image {archived.image_id[:19]}: "
            "another process may be tagging it; load it again"
        )
