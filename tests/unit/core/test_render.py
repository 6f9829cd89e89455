"""Rendering one inspected image: its tags file, build manifest and build history line."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from inspections.build_info import BuildInfo
from inspections.errors import InspectionError
from inspections.render import (
    InspectedImage,
    history_line,
    human_size,
    manifest_markdown,
    tag_lines,
)

FenceScanner = Callable[[str], list[str]]  # the `outside_fences` fixture

SHA = "0123456789abcdef0123456789abcdef01234567"
REPOSITORY = "https://github.com/jupyter/docker-stacks"
BUILD = BuildInfo(
    timestamp=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    git_toplevel="/src/docker-stacks",
    git_commit=SHA,
    git_message="Bump numpy\n\nLonger body line",
)
PIP_PIECE = "`$ pip list`\n\n```text\nnumpy 1.26\n```\n"


def inspected(**changes: object) -> InspectedImage:
    """base-notebook on x86_64 in the default variant, with two taggers and two pieces."""
    image = InspectedImage(
        name="base-notebook",
        platform="x86_64",
        variant="default",
        registry="quay.io",
        owner="jupyter",
        repository=REPOSITORY,
        dockerfile="images/base-notebook/Dockerfile",
        size_bytes=1_234_567,
        tags=("python-3.11.7", "2024-01-02"),
        pieces=(("Python Packages", PIP_PIECE), ("Apt Packages", "\n  apt list output\n\n")),
        build=BUILD,
    )
    return dataclasses.replace(image, **changes)  # type: ignore[arg-type]


# --- tags ----------------------------------------------------------------------------------


def test_tag_lines_default_variant() -> None:
    assert tag_lines(inspected()) == [
        "quay.io/jupyter/base-notebook:x86_64-latest",
        "quay.io/jupyter/base-notebook:x86_64-python-3.11.7",
        "quay.io/jupyter/base-notebook:x86_64-2024-01-02",
    ]


def test_tag_lines_cuda12_variant() -> None:
    assert tag_lines(inspected(variant="cuda12")) == [
        "quay.io/jupyter/base-notebook:x86_64-cuda12-latest",
        "quay.io/jupyter/base-notebook:x86_64-cuda12-python-3.11.7",
        "quay.io/jupyter/base-notebook:x86_64-cuda12-2024-01-02",
    ]


def test_tag_lines_aarch64_and_other_registry() -> None:
    image = inspected(platform="aarch64", registry="localhost:5000", owner="demo", tags=())

    assert tag_lines(image) == ["localhost:5000/demo/base-notebook:aarch64-latest"]


def test_file_names() -> None:
    assert inspected().file_stem == "x86_64-default-base-notebook"
    assert inspected().manifest_stem == "x86_64-default-base-notebook-0123456789ab"
    assert inspected(variant="cuda12").manifest_stem == "x86_64-cuda12-base-notebook-0123456789ab"


def test_tag_too_long_once_prefixed() -> None:
    tag = "t" * 115  # 7 + 115 = 122 characters with "x86_64-", 14 + 115 = 129 with the variant

    assert tag_lines(inspected(tags=(tag,)))[1].endswith(f":x86_64-{tag}")
    with pytest.raises(InspectionError, match="129 characters long"):
        tag_lines(inspected(variant="cuda12", tags=(tag,)))
    with pytest.raises(InspectionError, match="129 characters long"):
        inspected(variant="cuda12", tags=(tag,)).all_tags()


# --- manifest ------------------------------------------------------------------------------

DEFAULT_MANIFEST = f"""\
# Build manifest for image: base-notebook

## Build Info

- Build timestamp: 2024-01-02T03:04:05Z
- Docker image: `quay.io/jupyter/base-notebook:x86_64-0123456789ab`
- Docker image size: 1.235 MB
- Git commit SHA: [{SHA}]({REPOSITORY}/commit/{SHA})
- Git commit message:

```text
Bump numpy

Longer body line
```

## Python Packages

`$ pip list`

```text
numpy 1.26
```

## Apt Packages

apt list output
"""


def test_manifest_default_variant() -> None:
    assert manifest_markdown(inspected()) == DEFAULT_MANIFEST


def test_manifest_cuda12_variant_references_the_prefixed_sha_tag() -> None:
    expected = DEFAULT_MANIFEST.replace(":x86_64-0123456789ab`", ":x86_64-cuda12-0123456789ab`")

    assert expected != DEFAULT_MANIFEST
    assert manifest_markdown(inspected(variant="cuda12")) == expected


def test_manifest_without_pieces_ends_after_the_build_info() -> None:
    markdown = manifest_markdown(inspected(pieces=()))

    assert markdown.endswith("Longer body line\n```\n")
    assert "## Python Packages" not in markdown


def test_manifest_with_empty_commit_message() -> None:
    markdown = manifest_markdown(inspected(build=dataclasses.replace(BUILD, git_message="")))

    assert "- Git commit message:\n\n```text\n(empty)\n```\n" in markdown


def test_commit_message_with_a_fence_stays_inside_its_fence(outside_fences: FenceScanner) -> None:
    message = "Fix quoting\n\n```python\n## not a heading\n```\n\nDone"
    build = dataclasses.replace(BUILD, git_message=message)

    markdown = manifest_markdown(inspected(build=build))

    assert f"````text\n{message}\n````" in markdown
    headings = [line for line in outside_fences(markdown) if line.startswith("#")]
    assert headings == [
        "# Build manifest for image: base-notebook",
        "## Build Info",
        "## Python Packages",
        "## Apt Packages",
    ]


def test_manifest_needs_a_git_commit() -> None:
    build = BuildInfo(timestamp=BUILD.timestamp, git_problem="no git commit: run in a checkout")

    with pytest.raises(InspectionError, match="no git commit: run in a checkout"):
        manifest_markdown(inspected(build=build))


# --- history line --------------------------------------------------------------------------


def test_history_line_default_variant() -> None:
    assert history_line(inspected()) == (
        "| 2024-01-02 03:04:05 (UTC) "
        "| `x86_64-latest`<br />`x86_64-python-3.11.7`<br />`x86_64-2024-01-02` "
        f"| [Git diff]({REPOSITORY}/commit/{SHA})"
        f"<br />[Dockerfile]({REPOSITORY}/blob/{SHA}/images/base-notebook/Dockerfile)"
        "<br />[Build manifest](./x86_64-default-base-notebook-0123456789ab) |\n"
    )


def test_history_line_cuda12_variant() -> None:
    assert history_line(inspected(variant="cuda12", tags=("python-3.11.7",))) == (
        "| 2024-01-02 03:04:05 (UTC) "
        "| `x86_64-cuda12-latest`<br />`x86_64-cuda12-python-3.11.7` "
        f"| [Git diff]({REPOSITORY}/commit/{SHA})"
        f"<br />[Dockerfile]({REPOSITORY}/blob/{SHA}/images/base-notebook/Dockerfile)"
        "<br />[Build manifest](./x86_64-cuda12-base-notebook-0123456789ab) |\n"
    )


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size_bytes", "expected"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1 kB"),
        (1_234_567, "1.235 MB"),
        (1_500_000_000, "1.5 GB"),
        (2_000_000_000_000, "2 TB"),
        (5_000_000_000_000_000, "5000 TB"),
    ],
)
def test_human_size(size_bytes: int, expected: str) -> None:
    assert human_size(size_bytes) == expected
