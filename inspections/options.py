"""The plugin's command-line options and ini settings, read into RunOptions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspections.errors import StackInspectionError
from inspections.run import RunOptions
from inspections.stack import DEFAULT_VARIANT, NAME_PATTERN, StackSettings

DEFAULT_STACK = "images"
DEFAULT_INSPECTION_TIMEOUT = 300.0
# Links go into Markdown table cells and link targets: no spaces, pipes, brackets or quotes.
REPOSITORY_URL = re.compile(r"https?://[^\s|<>()\[\]`'\"]+")
# Any of these on the command line means the user wants a stack, even a missing one.
EXPLICIT_OPTIONS = ("stack", "images", "emit_manifests")


def add_options(parser: pytest.Parser) -> None:
    """Register the options (`pytest --help` lists them under stack-inspections)."""
    group = parser.getgroup("stack-inspections", "image tags and build manifests")
    group.addoption(
        "--image",
        action="append",
        dest="images",
        default=[],
        metavar="NAME",
        help="inspect this image of the stack (repeatable; default: every image)",
    )
    group.addoption("--stack", metavar="DIR", help="the stack folder (default: images)")
    group.addoption("--registry", help="registry of the image references (default: quay.io)")
    group.addoption("--owner", help="owner of the image references (default: jupyter)")
    group.addoption(
        "--variant",
        default=DEFAULT_VARIANT,
        help="image variant, prefixed to every tag unless 'default' (e.g. cuda12)",
    )
    group.addoption("--repository", metavar="URL", help="repository URL for links in outputs")
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
        type=float,
        default=DEFAULT_INSPECTION_TIMEOUT,
        metavar="SECONDS",
        help="fail an inspection whose commands run longer (default: %(default)s)",
    )
    group.addoption(
        "--cache-dir",
        metavar="DIR",
        help="reuse values of container inspections on images whose id and code are unchanged",
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


def stack_folder(config: pytest.Config) -> tuple[Path, bool]:
    """The stack folder, and whether the user asked for a stack at all."""
    explicit = any(getattr(config.option, name) for name in EXPLICIT_OPTIONS)
    if config.option.stack:
        return Path(config.option.stack).absolute(), True
    configured = str(config.getini("inspections_stack"))
    base = config.inipath.parent if config.inipath else config.rootpath
    if configured:
        return (base / configured).absolute(), True
    return (config.rootpath / DEFAULT_STACK).absolute(), explicit


def _optional_path(value: str | None) -> Path | None:
    return Path(value).absolute() if value else None


def read_options(config: pytest.Config, defaults: StackSettings) -> RunOptions:
    """The options of this session, with the stack's defaults; a clear error when invalid."""
    variant = config.option.variant
    if not NAME_PATTERN.fullmatch(variant):
        raise StackInspectionError(
            f"invalid --variant {variant!r}: use a lowercase name such as cuda12 or default"
        )
    emit = _optional_path(config.option.emit_manifests)
    repository = (config.option.repository or defaults.repository).rstrip("/")
    if emit is not None and not REPOSITORY_URL.fullmatch(repository):
        raise StackInspectionError(
            f"invalid repository URL {repository!r} for the links in the outputs: pass "
            "--repository https://host/owner/name or set repository in stack.toml"
        )
    return RunOptions(
        images=tuple(config.option.images),
        registry=config.option.registry or defaults.registry,
        owner=config.option.owner or defaults.owner,
        variant=variant,
        repository=repository,
        emit_dir=emit,
        test_gate=not config.option.no_test_gate,
        shared_tests=tuple(config.getini("inspections_shared_tests")),
        inspection_timeout=config.option.inspection_timeout,
        cache_dir=_optional_path(config.option.cache_dir),
        inspections_only=config.option.inspections_only,
        apply_tags=config.option.apply_tags,
    )
