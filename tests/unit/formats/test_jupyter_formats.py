"""The tags file, build manifest and build history line, byte for byte.

The expected texts are written out in the Jupyter Docker Stacks' formats, as their tagging
tools write them: tags joined by newlines with none at the end; a manifest of a title, a
build-info piece and the manifest pieces joined by blank lines, ending with a newline; a
history line of backticked timestamp, references without `-latest` and three links, with
no newline.
"""

from __future__ import annotations

import dataclasses

import pytest

from inspections.build_info import BuildInfo
from inspections.errors import InspectionError
from inspections.formats.history_line import history_line
from inspections.formats.manifest import docker_size, manifest_markdown
from inspections.formats.tags_file import tag_lines, tags_file
from tests.unit.core.conftest import lines_outside_fences
from tests.unit.formats.pyspark import BUILD, REPOSITORY, SHA, SPARK_BANNER, TAGS, inspected

# --- tags file -----------------------------------------------------------------------------

EXPECTED_TAGS_FILE = """\
quay.io/jupyter/pyspark-notebook:x86_64-latest
quay.io/jupyter/pyspark-notebook:x86_64-0123456789ab
quay.io/jupyter/pyspark-notebook:x86_64-2024-01-02
quay.io/jupyter/pyspark-notebook:x86_64-ubuntu-24.04
quay.io/jupyter/pyspark-notebook:x86_64-python-3.12
quay.io/jupyter/pyspark-notebook:x86_64-python-3.12.8
quay.io/jupyter/pyspark-notebook:x86_64-mamba-2.0.5
quay.io/jupyter/pyspark-notebook:x86_64-conda-24.11.3
quay.io/jupyter/pyspark-notebook:x86_64-notebook-7.3.2
quay.io/jupyter/pyspark-notebook:x86_64-lab-4.3.4
quay.io/jupyter/pyspark-notebook:x86_64-hub-5.2.1
quay.io/jupyter/pyspark-notebook:x86_64-spark-3.5.4
quay.io/jupyter/pyspark-notebook:x86_64-java-17.0.13"""


def test_tags_file_in_the_jupyter_format() -> None:
    assert tags_file(inspected()) == EXPECTED_TAGS_FILE


def test_tags_file_of_a_variant_prefixes_every_tag_with_it() -> None:
    expected = EXPECTED_TAGS_FILE.replace(":x86_64-", ":x86_64-cuda12-")
    assert tags_file(inspected(variant="cuda12")) == expected


def test_tags_file_of_an_image_without_taggers_is_its_latest_tag() -> None:
    image = inspected(platform="aarch64", registry="localhost:5000", owner="demo", tags=())
    assert tags_file(image) == "localhost:5000/demo/pyspark-notebook:aarch64-latest"
    assert tag_lines(image) == ["localhost:5000/demo/pyspark-notebook:aarch64-latest"]


def test_file_names() -> None:
    assert inspected().file_stem == "x86_64-default-pyspark-notebook"
    assert inspected().manifest_stem == "x86_64-default-pyspark-notebook-0123456789ab"
    stem = inspected(variant="cuda12").manifest_stem
    assert stem == "x86_64-cuda12-pyspark-notebook-0123456789ab"


def test_tag_too_long_once_prefixed() -> None:
    tag = "t" * 115  # 7 + 115 = 122 characters with "x86_64-", 14 + 115 = 129 with the variant

    assert tag_lines(inspected(tags=(tag,)))[1].endswith(f":x86_64-{tag}")
    with pytest.raises(InspectionError, match="129 characters long"):
        tag_lines(inspected(variant="cuda12", tags=(tag,)))
    with pytest.raises(InspectionError, match="129 characters long"):
        history_line(inspected(variant="cuda12", tags=(tag,)))


# --- manifest ------------------------------------------------------------------------------

EXPECTED_MANIFEST = f"""\
# Build manifest for image: pyspark-notebook:0123456789ab

## Build Info

- Build timestamp: 2024-01-02T03:04:05Z
- Docker image: `quay.io/jupyter/pyspark-notebook:0123456789ab`
- Docker image size: 1.73GB
- Git commit SHA: [{SHA}]({REPOSITORY}/commit/{SHA})
- Git commit message:

```text
Bump numpy

Longer body line
```

## Python Packages

Python 3.12.8

`conda info`:

```text
     active environment : base
    active env location : /opt/conda
```

`mamba info`:

```text
       libmamba version : 2.0.5
          mamba version : 2.0.5
```

`mamba list`:

```text
# packages in environment at /opt/conda:
#
# Name                    Version                   Build  Channel
zstd                      1.5.6                ha6fb4c9_0    conda-forge
```

## Apt Packages

`apt list --installed`:

```text
WARNING: apt does not have a stable CLI interface. Use with caution in scripts.

Listing...
zstd/noble,now 1.5.5+dfsg2-2build1.1 amd64 [installed,automatic]
```

## Apache Spark

`/usr/local/spark/bin/spark-submit --version`:

```text
{SPARK_BANNER.rstrip()}
```
"""


def test_manifest_in_the_jupyter_format() -> None:
    assert manifest_markdown(inspected()) == EXPECTED_MANIFEST


def test_manifest_of_a_variant_names_the_variants_own_sha_tag() -> None:
    # A deliberate deviation: the Jupyter tools name `<image>:<sha12>`, the default variant.
    expected = EXPECTED_MANIFEST.replace(
        "- Docker image: `quay.io/jupyter/pyspark-notebook:0123456789ab`",
        "- Docker image: `quay.io/jupyter/pyspark-notebook:cuda12-0123456789ab`",
    )
    assert expected != EXPECTED_MANIFEST
    assert manifest_markdown(inspected(variant="cuda12")) == expected


def test_manifest_without_pieces_ends_after_the_build_info() -> None:
    markdown = manifest_markdown(inspected(pieces=()))

    assert markdown.endswith(
        "- Git commit message:\n\n```text\nBump numpy\n\nLonger body line\n```\n"
    )
    assert "## Python Packages" not in markdown


def test_manifest_with_empty_commit_message_has_an_empty_fence() -> None:
    markdown = manifest_markdown(inspected(build=dataclasses.replace(BUILD, git_message="")))

    assert "- Git commit message:\n\n```text\n\n```\n\n## Python Packages\n" in markdown


def test_commit_message_with_a_fence_stays_inside_its_fence() -> None:
    message = "Fix quoting\n\n```python\n## not a heading\n```\n\nDone"
    build = dataclasses.replace(BUILD, git_message=message)

    markdown = manifest_markdown(inspected(build=build))

    assert f"````text\n{message}\n````" in markdown
    headings = [line for line in lines_outside_fences(markdown) if line.startswith("#")]
    assert headings == [
        "# Build manifest for image: pyspark-notebook:0123456789ab",
        "## Build Info",
        "## Python Packages",
        "## Apt Packages",
        "## Apache Spark",
    ]


def test_manifest_of_a_modified_tree_cannot_pass_for_a_clean_build() -> None:
    changes = ("images/base/Dockerfile", "images/base/new\nline.sh")
    build = dataclasses.replace(BUILD, git_changes=changes)

    markdown = manifest_markdown(inspected(build=build))

    title, warning, build_info = markdown.split("\n\n")[:3]
    assert title == "# Build manifest for image: pyspark-notebook:0123456789ab"
    assert warning == (
        "> **Warning: not a build of commit 0123456789ab.** The working tree had uncommitted "
        "changes to 2 files (`images/base/Dockerfile`, `images/base/new line.sh`) when this "
        "image was inspected."
    )
    assert (
        f"- Git commit SHA: [{SHA}]({REPOSITORY}/commit/{SHA}) (modified: uncommitted changes)"
        in (markdown.splitlines())
    )
    assert build_info.startswith("## Build Info")
    assert "Warning" not in manifest_markdown(inspected())


def test_manifest_needs_a_git_commit() -> None:
    build = BuildInfo(timestamp=BUILD.timestamp, git_problem="no git commit: run in a checkout")

    with pytest.raises(InspectionError, match="no git commit: run in a checkout"):
        manifest_markdown(inspected(build=build))


# --- history line --------------------------------------------------------------------------

EXPECTED_HISTORY_LINE = (
    "| `2024-01-02T03:04:05Z` | "
    + "<br />".join(f"`quay.io/jupyter/pyspark-notebook:x86_64-{tag}`" for tag in TAGS)
    + f" | [Git diff]({REPOSITORY}/commit/{SHA})"
    + f"<br />[Dockerfile]({REPOSITORY}/blob/{SHA}/images/pyspark-notebook/Dockerfile)"
    + "<br />[Build manifest](./x86_64-default-pyspark-notebook-0123456789ab) |"
)


def test_history_line_in_the_jupyter_format() -> None:
    assert history_line(inspected()) == EXPECTED_HISTORY_LINE
    assert "-latest" not in EXPECTED_HISTORY_LINE


def test_history_line_of_a_variant() -> None:
    expected = EXPECTED_HISTORY_LINE.replace(":x86_64-", ":x86_64-cuda12-").replace(
        "./x86_64-default-", "./x86_64-cuda12-"
    )
    assert history_line(inspected(variant="cuda12")) == expected


def test_history_line_of_an_image_with_a_change_report_links_it_last() -> None:
    expected = EXPECTED_HISTORY_LINE.removesuffix(" |") + (
        "<br />[Changes](./x86_64-default-pyspark-notebook-0123456789ab-changes) |"
    )
    assert history_line(inspected(), with_changes=True) == expected


def test_history_line_of_an_image_without_taggers_has_an_empty_tags_cell() -> None:
    assert history_line(inspected(tags=())).startswith("| `2024-01-02T03:04:05Z` |  | [Git diff](")


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size_bytes", "expected"),
    [
        (0, "0B"),
        (999, "999B"),
        (1000, "1kB"),
        (1_234_567, "1.23MB"),
        (646_033_000, "646MB"),
        (1_727_304_218, "1.73GB"),
        (1_500_000_000, "1.5GB"),
        (99_950_000, "100MB"),
        (999_600_000, "1e+03MB"),
        (2_000_000_000_000, "2TB"),
        (5 * 10**27, "5e+03YB"),
    ],
)
def test_docker_size_as_docker_images_prints_it(size_bytes: int, expected: str) -> None:
    assert docker_size(size_bytes) == expected
