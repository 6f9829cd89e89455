"""pyspark-notebook inspected on x86_64, with every tag and manifest piece its stack gives it.

Its pieces are made by the library's own manifest inspections from what each command prints.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from inspections.api import spec_of
from inspections.build_info import BuildInfo
from inspections.formats.inspected_image import InspectedImage
from inspections.library import apt, conda, spark
from tests.unit.library.support import FakeHost

SHA = "0123456789abcdef0123456789abcdef01234567"
REPOSITORY = "https://github.com/jupyter/docker-stacks"
BUILD = BuildInfo(
    timestamp=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    git_toplevel="/src/docker-stacks",
    git_commit=SHA,
    git_message="Bump numpy\n\nLonger body line",
)
TAGS = (
    "0123456789ab",
    "2024-01-02",
    "ubuntu-24.04",
    "python-3.12",
    "python-3.12.8",
    "mamba-2.0.5",
    "conda-24.11.3",
    "notebook-7.3.2",
    "lab-4.3.4",
    "hub-5.2.1",
    "spark-3.5.4",
    "java-17.0.13",
)
SPARK_BANNER = r"""Welcome to
      ____              __
     / __/__  ___ _____/ /__
    _\ \/ _ \/ _ `/ __/  '_/
   /___/ .__/\_,_/_/ /_/\_\   version 3.5.4
      /_/

Using Scala version 2.12.18, OpenJDK 64-Bit Server VM, 17.0.13
Branch HEAD
Type --help for more information.
"""
# What each command prints on stdout and stderr together, blank lines and padding included.
OUTPUTS = {
    "python --version 2>&1": "Python 3.12.8\n",
    "conda info 2>&1": "\n     active environment : base\n    active env location : /opt/conda\n\n",
    "mamba info 2>&1": "\n       libmamba version : 2.0.5\n          mamba version : 2.0.5   \n",
    "mamba list 2>&1": (
        "# packages in environment at /opt/conda:\n#\n"
        "# Name                    Version                   Build  Channel\n"
        "zstd                      1.5.6                ha6fb4c9_0    conda-forge\n"
    ),
    "apt list --installed 2>&1": (
        "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n"
        "Listing...\nzstd/noble,now 1.5.5+dfsg2-2build1.1 amd64 [installed,automatic]\n"
    ),
    spark.QUIET_SPARK_SUBMIT_VERSION_COMMAND + " 2>&1": SPARK_BANNER,
}


def _title_of(piece: object) -> str:
    spec = spec_of(piece)
    assert spec is not None
    return spec.title


def pieces() -> tuple[tuple[str, str], ...]:
    """The pieces pyspark-notebook declares (through its ancestors), from OUTPUTS."""
    host = FakeHost.printing(OUTPUTS)
    return tuple(
        (_title_of(piece), piece(host))
        for piece in (
            conda.conda_packages_manifest,
            apt.apt_packages_manifest,
            spark.spark_info_manifest,
        )
    )


def inspected(**changes: object) -> InspectedImage:
    """pyspark-notebook on x86_64 in the default variant, with every tag and piece it has."""
    image = InspectedImage(
        name="pyspark-notebook",
        platform="x86_64",
        variant="default",
        registry="quay.io",
        owner="jupyter",
        repository=REPOSITORY,
        dockerfile="images/pyspark-notebook/Dockerfile",
        size_bytes=1_727_304_218,
        tags=TAGS,
        pieces=pieces(),
        build=BUILD,
    )
    return dataclasses.replace(image, **changes)  # type: ignore[arg-type]
