"""`stack-init`: declare a stack from its Dockerfiles, or check the declaration for drift.

    stack-init [FOLDER]          write FOLDER/stack.toml, and in each image folder image.toml
                                 and a starter inspect_<image>.py; an existing file is kept
    stack-init --check [FOLDER]  one line per difference between the Dockerfiles and the
                                 declarations; exit 1 if there is any, 0 when in sync

FOLDER (default `images`) holds one folder per image with its Dockerfile. Exit status: 0
done (or in sync), 1 a Dockerfile that cannot be followed or drift, 2 a usage error; every
problem is one line on stderr.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from inspections.building.derive import (
    DOCKERFILE,
    DerivedImage,
    DerivedStack,
    NoDockerfiles,
    derive_stack,
)
from inspections.building.starters import pick_inspections, starter_file_name, starter_module
from inspections.errors import StackError
from inspections.files import write_new_file
from inspections.publishing.console import exit_status, say, warn
from inspections.stack import (
    IMAGE_DECLARATION,
    INSPECTION_FILE_GLOB,
    REPOSITORY_URL,
    STACK_DECLARATION,
    ImageSpec,
    load_image,
    load_settings,
)
from inspections.text import one_line

PROG = "stack-init"
_SCP_REMOTE = re.compile(r"(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)")  # git@host:owner/name


def repository_url(folder: Path) -> str | None:
    """The web address of the git checkout's `origin` (or only) remote; None if it has none."""
    remote = _git(folder, "remote", "get-url", "origin")
    if remote is None:
        names = (_git(folder, "remote") or "").split()
        remote = _git(folder, "remote", "get-url", names[0]) if len(names) == 1 else None
    if remote is None:
        return None
    scp = _SCP_REMOTE.fullmatch(remote)
    if scp and "://" not in remote:
        url = f"https://{scp.group('host')}/{scp.group('path')}"
    else:
        url = re.sub(
            r"^(?:ssh|git|https?)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/", r"https://\1/", remote
        )
    url = url.removesuffix("/").removesuffix(".git")
    return url if REPOSITORY_URL.fullmatch(url) else None


def _git(folder: Path, *arguments: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def stack_text(stack: DerivedStack, repository: str | None) -> str:
    """`stack.toml`: what the Dockerfiles say of the registry and owner, and the repository."""
    lines = [
        "# Images are named <registry>/<owner>/<image>:latest (stack-init read the Dockerfiles)."
    ]
    for key, value in (("registry", stack.registry), ("owner", stack.owner)):
        if value is not None:
            lines.append(f'{key} = "{value}"')
    if repository is not None:
        lines.append(f'repository = "{repository}"')
    return "\n".join(lines) + "\n"


def image_text(image: DerivedImage) -> str:
    """`image.toml`: the parent (and variants) the image's Dockerfiles name."""
    origin = f"`{image.base.line}` ({image.base.reference})"
    lines = [
        f"# From {DOCKERFILE}: {origin}" + ("" if image.parent else ", outside the stack"),
        f'parent = "{image.parent}"',
    ]
    if image.variants:
        lines.append("variants = [" + ", ".join(f'"{v}"' for v in image.variants) + "]")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    if write_new_file(path, text):
        say(f"wrote {path}")
    else:
        say(f"kept {path} (it exists)")


def write_declarations(stack: DerivedStack) -> None:
    """Write every declaration that does not exist yet; notes for what the user must add."""
    settings_path = stack.folder / STACK_DECLARATION
    if not settings_path.exists():
        repository = repository_url(stack.folder)
        _write(settings_path, stack_text(stack, repository))
        if repository is None:
            say(
                f"note: no git remote gives the repository's address: add "
                f'repository = "https://host/owner/name" to {settings_path} for the links in '
                "manifests"
            )
        if stack.registry is None or stack.owner is None:
            say(
                f"note: no ARG REGISTRY or ARG OWNER default names the images: add registry "
                f"and owner to {settings_path} (else quay.io and jupyter)"
            )
    else:
        say(f"kept {settings_path} (it exists)")
    picks = pick_inspections(stack)
    for name, image in stack.images.items():
        folder = stack.folder / name
        _write(folder / IMAGE_DECLARATION, image_text(image))
        existing = sorted(folder.glob(INSPECTION_FILE_GLOB))
        if existing:
            say(f"kept {existing[0]} (the image declares its inspections already)")
        else:
            _write(folder / starter_file_name(name), starter_module(name, picks[name]))


def drift(stack: DerivedStack) -> list[str]:
    """One line per difference between the Dockerfiles and the declarations in the folder."""
    lines: list[str] = []
    settings_path = stack.folder / STACK_DECLARATION
    if not settings_path.is_file():
        lines.append(f"{settings_path}: missing: run {PROG} to write it")
    else:
        try:
            settings = load_settings(stack.folder)
        except StackError as error:
            lines.append(str(error))
        else:
            for key, derived in (("registry", stack.registry), ("owner", stack.owner)):
                declared = getattr(settings, key)
                if derived is not None and declared != derived:
                    lines.append(
                        f'{settings_path}: {key} = "{declared}", but the Dockerfiles say '
                        f'"{derived}"'
                    )
    for name, image in stack.images.items():
        lines += _image_drift(stack.folder / name / IMAGE_DECLARATION, image)
    for declaration in sorted(stack.folder.glob(f"*/{IMAGE_DECLARATION}")):
        if declaration.parent.name not in stack.images:
            lines.append(
                f"{declaration}: declares an image without a {DOCKERFILE}: add "
                f"{declaration.parent / DOCKERFILE}, or remove the folder's {IMAGE_DECLARATION}"
            )
    return lines


def _image_drift(declaration: Path, image: DerivedImage) -> list[str]:
    if not declaration.is_file():
        return [f"{declaration}: missing: run {PROG} to write it"]
    try:
        declared = load_image(declaration)
    except StackError as error:
        return [str(error)]
    lines = []
    if declared.parent != image.parent:
        named = f'"{image.parent}"' if image.parent else "an image outside the stack"
        lines.append(
            f'{declaration}: parent = "{declared.parent}", but its {DOCKERFILE}\'s '
            f"`{image.base.line}` names {named} ({image.base.reference})"
        )
    return lines + _variant_drift(declaration, declared, image)


def _variant_drift(declaration: Path, declared: ImageSpec, image: DerivedImage) -> list[str]:
    """A line when the declared variants' folders (`<variant>/`, or the one `[variant-folders]`
    names) are not the folders with a Dockerfile."""
    folders = [declared.build_folder(variant) for variant in declared.variants]
    relative = [folder.relative_to(declaration.parent).as_posix() for folder in folders]
    found = set(image.variants) | {
        name
        for name, folder in zip(relative, folders, strict=True)
        if (folder / DOCKERFILE).is_file()
    }
    if sorted(relative) == sorted(found):
        return []
    shown = f" (in folders {relative})" if declared.variant_folders else ""
    return [
        f"{declaration}: variants = {list(declared.variants)}{shown}, but its folder has "
        f"{DOCKERFILE}s for {sorted(found)}"
    ]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Declare an image stack from its Dockerfiles: stack.toml, and in each "
        "image folder image.toml and a starter inspect_<image>.py. Existing files are kept.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path("images"),
        metavar="FOLDER",
        help="the folder of the image folders, each with its Dockerfile (default: images)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print each difference between the Dockerfiles and the "
        "declarations, and exit 1 if there is any",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """stack-init: declare the stack from its Dockerfiles, or check it (`--check`)."""
    return exit_status(PROG, lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    arguments = _arguments(argv)
    status = 0
    try:
        stack = derive_stack(arguments.folder)
        if stack.problems:
            for problem in stack.problems:
                warn(f"{PROG}: {one_line(problem)}")
            status = 1
        elif arguments.check:
            differences = drift(stack)
            for line in differences:
                say(one_line(line))
            if differences:
                status = 1
            else:
                say(
                    f"{arguments.folder}: in sync with its Dockerfiles ({len(stack.images)} images)"
                )
        else:
            write_declarations(stack)
    except NoDockerfiles as error:
        warn(f"{PROG}: error: {one_line(str(error))}")
        status = 2
    except OSError as error:
        warn(
            f"{PROG}: error: {error.filename or 'a file'}: {error.strerror}: fix the folder's "
            "permissions or free space, then run again"
        )
        status = 1
    return status
