"""The plugin's command-line options and ini settings: when it is active, and what it is asked.

The plugin is active only in a stack project: when `--stack` or another of its options is
given, when the ini setting `inspections_stack` names a stack folder, or when the default
stack folder `images/` holds a `stack.toml`. Elsewhere it does nothing at all. Options of the
same names defined by a conftest or another plugin are theirs (see `shared_options`): they
never switch the plugin on.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspections.errors import StackError, StackInspectionError
from inspections.plugin.shared_options import shown_name, their_value
from inspections.references import (
    IMAGE_NAME,
    OWNER,
    REGISTRY,
    REGISTRY_FORMAT,
    checked_reference_part,
)
from inspections.stack import (
    DEFAULT_STACK,
    DEFAULT_VARIANT,
    REPOSITORY_URL,
    STACK_DECLARATION,
    Stack,
    StackSettings,
    inspected_tag,
)

DEFAULT_INSPECTION_TIMEOUT = 300.0
# Options whose presence asks for a stack, with the value that means "not given".
ACTIVATING_OPTIONS: dict[str, object] = {
    "stack_dir": None,
    "stack_images": [],
    "emit_manifests": None,
    "cache_dir": None,
    "apply_tags": False,
    "compare_to": None,
    "inspections_only": False,
    "no_test_gate": False,
    "stack_registry": None,
    "stack_owner": None,
    "repository": None,
    "stack_variant": DEFAULT_VARIANT,
}


@dataclass(frozen=True)
class RunOptions:
    """The command-line options, checked, with the stack's defaults filled in."""

    images: tuple[str, ...]
    registry: str
    owner: str
    variant: str
    repository: str
    emit_dir: Path | None
    test_gate: bool
    shared_tests: tuple[Path, ...]
    inspection_timeout: float
    cache_dir: Path | None
    inspections_only: bool
    apply_tags: bool
    compare_to: Path | None = None
    image_tests: tuple[Path, ...] = ()
    # The images another plugin's `--image` names: the project's own tests run on these.
    their_images: tuple[str, ...] = ()

    def reference(self, image: str) -> str:
        """The local reference the image under test is built as."""
        return f"{self.registry}/{self.owner}/{image}:{inspected_tag(self.variant)}"

    def tests_reference(self, image: str) -> str | None:
        """The reference the project's own tests start for `image`, where another plugin's
        `--image` names it: `<registry>/<owner>/<image>`, so Docker's default tag `latest`
        whatever the variant; None where nothing says which image they run on."""
        if image not in self.their_images:
            return None
        return f"{self.registry}/{self.owner}/{image}:latest"


def add_options(parser: pytest.Parser) -> None:
    """Register the options (`pytest --help` lists them under stack-inspections).

    The five options a project may define itself are registered under their `--stack-` names;
    `shared_options` gives them their short names where those are free.
    """
    group = parser.getgroup("stack-inspections", "image tags and build manifests")
    group.addoption(
        "--stack-image",
        action="append",
        dest="stack_images",
        default=[],
        metavar="NAME",
        help="inspect this image of the stack (repeatable; default: every image)",
    )
    group.addoption(
        "--stack-dir", dest="stack_dir", metavar="DIR", help="the stack folder (default: images)"
    )
    group.addoption(
        "--stack-registry",
        dest="stack_registry",
        metavar="REGISTRY",
        help="registry of the image references (default: stack.toml's, else quay.io)",
    )
    group.addoption(
        "--stack-owner",
        dest="stack_owner",
        metavar="OWNER",
        help="owner of the image references (default: stack.toml's, else jupyter)",
    )
    group.addoption(
        "--stack-variant",
        dest="stack_variant",
        metavar="VARIANT",
        default=DEFAULT_VARIANT,
        help="image variant, prefixed to every tag unless 'default' (e.g. cuda12)",
    )
    group.addoption(
        "--repository",
        metavar="URL",
        help="repository URL for links in outputs (default: stack.toml's)",
    )
    group.addoption(
        "--emit-manifests",
        metavar="DIR",
        help="write tags, manifests, history lines and inspections.json to DIR",
    )
    group.addoption(
        "--apply-tags",
        action="store_true",
        help="tag each passing image with every tag of its tags file (in the local engine)",
    )
    group.addoption(
        "--inspection-timeout",
        default=str(DEFAULT_INSPECTION_TIMEOUT),
        metavar="SECONDS",
        help="fail an inspection that runs longer (default: %(default)s)",
    )
    group.addoption(
        "--cache-dir",
        metavar="DIR",
        help="reuse values of container inspections on images whose id and code are unchanged",
    )
    group.addoption(
        "--compare-to",
        metavar="DIR",
        help="report what changed since the previous build of each image in DIR (a folder of "
        "an earlier --emit-manifests, or the build history wiki's checkout)",
    )
    group.addoption(
        "--inspections-only",
        action="store_true",
        help="run only the inspections (image tests are deselected and gate nothing)",
    )
    group.addoption(
        "--no-test-gate",
        action="store_true",
        help="write an image's outputs even when its image tests fail",
    )
    parser.addini("inspections_stack", "the stack folder, relative to the ini file", default="")
    parser.addini(
        "inspections_shared_tests",
        "folders of image tests that run on every image, relative to the ini file",
        type="paths",
        default=[],
    )
    parser.addini(
        "inspections_image_tests",
        "folders holding one folder of image tests per image (<folder>/<image>/test_*.py), "
        "relative to the ini file",
        type="paths",
        default=[],
    )


def requested_stack(config: pytest.Config) -> Path | None:
    """The stack folder when the plugin should be active in this session, else None."""
    if config.option.stack_dir:
        return Path(config.option.stack_dir).absolute()
    configured = str(config.getini("inspections_stack"))
    if configured:
        base = config.inipath.parent if config.inipath else config.rootpath
        return Path(os.path.normpath(base / configured))
    default = (config.rootpath / DEFAULT_STACK).absolute()
    asked = any(getattr(config.option, name) != unset for name, unset in ACTIVATING_OPTIONS.items())
    if asked or (default / STACK_DECLARATION).is_file():
        return default
    return None


def _optional_path(value: str | None) -> Path | None:
    return Path(value).absolute() if value else None


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise StackInspectionError(
            f"invalid --inspection-timeout {value!r}: pass a positive number of seconds, e.g. 300"
        )
    return seconds


def _their_images(config: pytest.Config) -> tuple[str, ...]:
    """The image name(s) another plugin's `--image` gives, each once; none without one."""
    theirs = their_value(config, "--image")
    if isinstance(theirs, str):
        theirs = [theirs]
    if not isinstance(theirs, list) or not all(isinstance(name, str) for name in theirs):
        return ()
    return tuple(dict.fromkeys(name for name in theirs if name))


def _images(config: pytest.Config, theirs: tuple[str, ...]) -> tuple[str, ...]:
    """`--stack-image` values, then another plugin's `--image` value(s), each once.

    The project's own tests run on the images its `--image` names only: while they gate the
    outputs, `--stack-image` may name no other image, which they would never have tested.
    """
    ours: list[str] = config.option.stack_images
    untested = [name for name in ours if name not in theirs]
    gated = not (config.option.no_test_gate or config.option.inspections_only)
    if theirs and untested and gated:
        raise StackError(
            f"--stack-image {untested[0]}: the project's own tests run only on the image "
            f"--image names ({', '.join(theirs)}), so they cannot vouch for {untested[0]}: give "
            f"it a session of its own (--image {untested[0]}), or add --inspections-only to "
            "inspect it without those tests"
        )
    return tuple(dict.fromkeys([*ours, *theirs]))


def _reference_part(config: pytest.Config, short: str, own: str | None) -> str | None:
    """`--stack-registry` (or `--stack-owner`), else another plugin's `--registry` (`--owner`)."""
    theirs = their_value(config, short)
    if not isinstance(theirs, str) or not theirs:
        return own
    if own and own != theirs:
        raise StackError(
            f"--stack-{short.removeprefix('--')} {own!r} and {short} {theirs!r} disagree: "
            "give one of them"
        )
    return theirs


def read_options(config: pytest.Config, defaults: StackSettings) -> RunOptions:
    """The options of this session, with the stack's defaults; a clear error when invalid."""
    variant = config.option.stack_variant
    if not IMAGE_NAME.fullmatch(variant):
        raise StackInspectionError(
            f"invalid {shown_name(config, '--variant')} {variant!r}: use a lowercase name such "
            "as cuda12 or default"
        )
    emit = _optional_path(config.option.emit_manifests)
    repository = (config.option.repository or defaults.repository).rstrip("/")
    if emit is not None and not REPOSITORY_URL.fullmatch(repository):
        raise StackInspectionError(
            f"invalid repository URL {repository!r} for the links in the outputs: pass "
            "--repository https://host/owner/name or set repository in stack.toml"
        )
    registry = _reference_part(config, "--registry", config.option.stack_registry)
    owner = _reference_part(config, "--owner", config.option.stack_owner)
    theirs = _their_images(config)
    return RunOptions(
        images=_images(config, theirs),
        registry=checked_reference_part(
            shown_name(config, "--registry"),
            registry or defaults.registry,
            REGISTRY,
            REGISTRY_FORMAT,
        ),
        owner=checked_reference_part(
            shown_name(config, "--owner"),
            owner or defaults.owner,
            OWNER,
            "a lowercase owner such as jupyter",
        ),
        variant=variant,
        repository=repository,
        emit_dir=emit,
        test_gate=not config.option.no_test_gate,
        shared_tests=tuple(config.getini("inspections_shared_tests")),
        image_tests=tuple(config.getini("inspections_image_tests")),
        inspection_timeout=_timeout(str(config.option.inspection_timeout)),
        cache_dir=_optional_path(config.option.cache_dir),
        inspections_only=config.option.inspections_only,
        apply_tags=config.option.apply_tags,
        compare_to=_optional_path(config.option.compare_to),
        their_images=theirs,
    )


def check_image_tests(folders: tuple[Path, ...], stack: Stack) -> None:
    """Each `inspections_image_tests` folder exists and holds folders named after images."""
    for folder in folders:
        if not folder.is_dir():
            raise StackError(
                f"inspections_image_tests: {folder} is not a folder: create it, or fix the "
                "path (relative to the ini file)"
            )
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.name.startswith((".", "_")):
                continue
            if child.name not in stack.images:
                raise StackError(
                    f"{child}: no image {child.name!r} in the stack at {stack.folder}: name the "
                    f"folder after one of {', '.join(stack.images)}, or move it out of "
                    f"{folder} (inspections_image_tests)"
                )
