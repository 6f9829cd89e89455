"""The run folder's layout: one name for each kind of file, and stems that read back."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from inspections.formats.run_folder import (
    MANAGED_FOLDERS,
    STACK_DIAGRAM_FILE,
    change_report_file,
    history_file,
    in_folder,
    is_stem_of,
    manifest_file,
    manifest_stem,
    sbom_file,
    series_of_stem,
    stem_of,
    tags_file_name,
)
from inspections.outputs.finish import rendered_files
from tests.unit.formats.pyspark import SHA, inspected

STEM = "x86_64-cuda12-pytorch-notebook-0123456789ab"


def test_every_kind_of_file_has_its_name() -> None:
    assert manifest_stem("x86_64", "cuda12", "pytorch-notebook", SHA) == STEM
    assert tags_file_name("x86_64", "cuda12", "pytorch-notebook") == (
        "tags/x86_64-cuda12-pytorch-notebook.txt"
    )
    assert manifest_file(STEM) == f"manifests/{STEM}.md"
    assert history_file(STEM) == f"hist_lines/{STEM}.txt"
    assert sbom_file(STEM) == f"sbom/{STEM}.cdx.json"
    assert change_report_file(STEM) == f"changes/{STEM}.md"
    assert STACK_DIAGRAM_FILE == "diagrams/stack.md"


def test_the_record_accounts_for_the_folder_of_every_file() -> None:
    names = [
        tags_file_name("x86_64", "default", "base-notebook"),
        *(name(STEM) for name in (manifest_file, history_file, sbom_file, change_report_file)),
        STACK_DIAGRAM_FILE,
    ]
    assert sorted(name.split("/")[0] for name in names) == sorted(MANAGED_FOLDERS)
    assert all(any(in_folder(name, folder) for folder in MANAGED_FOLDERS) for name in names)
    assert not in_folder("manifests-old/x.md", "manifests")


@pytest.mark.parametrize("name", [manifest_file, history_file, change_report_file])
def test_a_files_stem_reads_back(name: Callable[[str], str]) -> None:
    assert stem_of(name(STEM)) == STEM


def test_a_stem_names_its_build_and_no_other() -> None:
    assert is_stem_of(STEM, "x86_64", "cuda12", "pytorch-notebook")
    assert not is_stem_of(STEM, "aarch64", "cuda12", "pytorch-notebook")
    assert not is_stem_of(STEM, "x86_64", "default", "pytorch-notebook")
    assert not is_stem_of(STEM, "x86_64", "cuda12", "notebook")
    build = ("x86_64", "cuda12", "pytorch-notebook")
    assert not is_stem_of("x86_64-cuda12-pytorch-notebook-extra-0123456789ab", *build)
    assert not is_stem_of("x86_64-cuda12-pytorch-notebook-0123456789", *build)


def test_the_plugin_writes_an_image_under_these_names() -> None:
    image = inspected(variant="cuda12")
    stem = image.manifest_stem
    assert stem == "x86_64-cuda12-pyspark-notebook-0123456789ab"
    assert set(rendered_files(image)) == {
        tags_file_name("x86_64", "cuda12", "pyspark-notebook"),
        manifest_file(stem),
        history_file(stem),
    }


def test_a_stem_gives_back_the_platform_and_variant_it_was_written_with() -> None:
    stem = manifest_stem("aarch64", "cuda12", "pytorch-notebook", SHA)
    assert series_of_stem(stem, "pytorch-notebook") == ("aarch64", "cuda12")
    assert series_of_stem(STEM, "pytorch-notebook") == ("x86_64", "cuda12")
    jupyter_wiki_stem = "x86_64-base-notebook-0123456789ab"  # the default variant, unnamed
    assert series_of_stem(jupyter_wiki_stem, "base-notebook") == ("x86_64", "default")
    assert series_of_stem("pytorch-notebook-0123456789ab", "pytorch-notebook") is None
    assert series_of_stem("x86_64-cuda12-pytorch-notebook-0123456789", "pytorch-notebook") is None
