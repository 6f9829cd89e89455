"""The stack as a flowchart: boxes, edges, outcomes, key tags, and Mermaid's limits."""

from __future__ import annotations

import re

import pytest

from inspections.formats.mermaid import MAX_EDGES, MAX_TEXT_SIZE
from inspections.formats.stack_diagram import (
    DiagramBuild,
    StackImage,
    images_of_builds,
    images_of_stack,
    stack_flowchart,
    stack_page,
    stack_section,
)
from tests.diagrams import boxes, classes, edges
from tests.record_entries import sample_entry
from tests.unit.formats.jupyter_builds import jupyter_builds, jupyter_stack

ROOT, BASE, SCIPY = "docker-stacks-foundation", "base-notebook", "scipy-notebook"
IMAGES = [
    StackImage(ROOT),
    StackImage(BASE, ROOT),
    StackImage(SCIPY, BASE, variants=("cuda12",)),
]
ROOT_TAGS = ("latest", "95157f9d3e14", "2025-11-24", "debian-12", "python-3.11", "python-3.11.2")


def build(
    image: str,
    outcome: str = "passed",
    tags: tuple[str, ...] = ROOT_TAGS,
    platform: str = "x86_64",
    variant: str = "default",
    size: int | None = 547_602_819,
) -> DiagramBuild:
    prefix = platform if variant == "default" else f"{platform}-{variant}"
    return DiagramBuild(
        image, variant, platform, outcome, tuple(f"{prefix}-{tag}" for tag in tags), size
    )


def test_each_image_is_a_box_under_its_parent_and_variants_under_their_image() -> None:
    diagram = stack_flowchart(IMAGES, [])
    assert diagram is not None
    assert diagram.splitlines()[1] == "flowchart TD"
    names = {node: lines[:2] for node, lines in boxes(diagram).items()}
    assert names == {
        "n0": [ROOT, "not selected"],
        "n1": [BASE, "not selected"],
        "n2": [SCIPY, "not selected"],
        "n3": [SCIPY, "variant cuda12"],
    }
    assert edges(diagram) == [("n0", "-->", "n1"), ("n1", "-->", "n2"), ("n2", "-.->", "n3")]


def test_a_box_says_its_outcome_platform_and_size_in_words_and_in_its_class() -> None:
    builds = [
        build(ROOT),
        build(BASE, "failed", tags=(), size=None),
        build(SCIPY, "incomplete", tags=()),
    ]
    diagram = stack_flowchart(IMAGES, builds)
    assert diagram is not None
    shown = boxes(diagram)
    assert shown["n0"][1:3] == ["passed", "x86_64 · 548 MB"]
    assert shown["n1"][1:] == ["failed", "x86_64"]
    assert shown["n2"][1:] == ["incomplete", "x86_64 · 548 MB"]
    assert shown["n3"][2:] == ["not selected"]
    assert classes(diagram) == {
        "n0": "passed",
        "n1": "failed",
        "n2": "incomplete",
        "n3": "notselected",
    }
    for name in ("passed", "failed", "incomplete", "notselected"):
        assert re.search(rf"^  classDef {name} fill:#\w+,stroke:#\w+,", diagram, re.MULTILINE)


def test_platforms_with_different_outcomes_each_say_theirs_and_the_worst_colours_it() -> None:
    builds = [build(ROOT, platform="x86_64"), build(ROOT, "failed", (), "aarch64", size=None)]
    diagram = stack_flowchart([StackImage(ROOT)], builds)
    assert diagram is not None
    assert boxes(diagram)["n0"][1:3] == ["aarch64 · failed", "x86_64 · passed · 548 MB"]
    assert classes(diagram)["n0"] == "failed"


def test_key_tags_are_the_most_precise_versions_an_image_adds_to_its_parent() -> None:
    builds = [
        build(ROOT),
        build(BASE, tags=(*ROOT_TAGS, "notebook-7.6.5", "lab-4.6.6")),
        build(SCIPY, tags=(*ROOT_TAGS, "notebook-7.6.5", "lab-4.6.6")),
        build(SCIPY, tags=(*ROOT_TAGS, "lab-4.6.6", "cuda-12.4"), variant="cuda12"),
    ]
    diagram = stack_flowchart(IMAGES, builds)
    assert diagram is not None
    shown = boxes(diagram)
    assert shown["n0"][3:] == ["debian-12", "python-3.11.2"]  # no sha, date or python-3.11
    assert shown["n1"][3:] == ["notebook-7.6.5", "lab-4.6.6"]
    assert shown["n2"][3:] == []
    assert shown["n3"][4:] == ["cuda-12.4"]  # what the default build of scipy lacks


def test_an_image_whose_parent_has_no_tags_shows_what_the_nearest_ancestor_lacks() -> None:
    builds = [build(ROOT), build(BASE, "failed", tags=()), build(SCIPY, tags=(*ROOT_TAGS, "r-4.4"))]
    diagram = stack_flowchart(IMAGES, builds)
    assert diagram is not None
    assert boxes(diagram)["n2"][3:] == ["r-4.4"]


def test_builds_of_images_the_diagram_does_not_have_are_left_out() -> None:
    diagram = stack_flowchart([StackImage(ROOT)], [build(ROOT), build("elsewhere")])
    assert diagram is not None
    assert list(boxes(diagram)) == ["n0"]


def test_hostile_names_stay_inside_their_labels() -> None:
    hostile = 'x"] --> evil["y'
    images = [StackImage(hostile), StackImage("%%{init}%%\nclassDef", hostile)]
    diagram = stack_flowchart(images, [build(hostile, tags=("a;b-1", "<b>-2"))])
    assert diagram is not None
    assert edges(diagram) == [("n0", "-->", "n1")]
    assert [lines[0] for lines in boxes(diagram).values()] == [hostile, "%%{init}%% classDef"]
    assert diagram.count('"') == 2 * 2 + diagram.splitlines()[0].count('"')


def test_the_jupyter_stack_with_variants_on_two_platforms_is_within_mermaids_limits() -> None:
    stack = jupyter_stack()
    diagram = stack_flowchart(images_of_stack(stack), jupyter_builds(stack))
    assert diagram is not None
    assert len(diagram) < MAX_TEXT_SIZE / 10
    assert len(edges(diagram)) == len(boxes(diagram)) - 1 == 13 < MAX_EDGES
    root = boxes(diagram)["n0"]
    assert root[1:4] == ["passed", "aarch64 · 612 MB", "x86_64 · 612 MB"]
    assert root[4:] == ["ubuntu-24.04", "python-3.12.11", "mamba-2.3.2", "conda-25.7.0"]


def test_a_stack_too_big_with_tags_is_drawn_without_them() -> None:
    images = [StackImage("root")] + [StackImage(f"image-{n}", "root") for n in range(400)]
    builds = [
        build(image.name, tags=tuple(f"{image.name}-tool{t}-{t}.0" for t in range(8)))
        for image in images
    ]
    diagram = stack_flowchart(images, builds)
    assert diagram is not None
    assert len(diagram) <= MAX_TEXT_SIZE
    assert all(len(lines) == 3 for lines in boxes(diagram).values())


def test_a_stack_too_big_for_mermaid_gets_a_sentence_instead() -> None:
    images = [StackImage("root")] + [StackImage(f"image-{n}", "root") for n in range(600)]
    assert stack_flowchart(images, []) is None
    assert "too many for one diagram" in stack_section(images, [])


def test_the_page_is_a_title_an_explanation_and_the_diagram() -> None:
    page = stack_page(IMAGES, [build(ROOT)])
    assert page.startswith("# The stack\n\nEach box is an image")
    assert "\n```mermaid\n%%{init: " in page
    assert page.endswith("```\n")


def test_a_record_entry_gives_its_build() -> None:
    entry = sample_entry(
        BASE, tags=("x86_64-latest", "x86_64-lab-4.6.6"), size_bytes=42, parent=ROOT
    )
    assert entry.diagram_build() == DiagramBuild(
        BASE,
        "default",
        "x86_64",
        "passed",
        ("x86_64-latest", "x86_64-lab-4.6.6"),
        42,
        ROOT,
        entry.build.timestamp,
    )


def test_images_of_builds_follow_their_parents_and_add_missing_ones() -> None:
    builds = [
        DiagramBuild("scipy", "default", "x86_64", "passed", parent="minimal"),
        DiagramBuild("scipy", "cuda12", "x86_64", "failed", parent="minimal"),
        DiagramBuild("minimal", "default", "aarch64", "passed", parent="base"),
    ]
    assert images_of_builds(builds) == [
        StackImage("base"),
        StackImage("minimal", "base"),
        StackImage("scipy", "minimal", ("cuda12",)),
    ]


@pytest.mark.parametrize("names", [("a", "b"), ("b", "a")])
def test_a_cycle_in_recorded_parents_is_cut(names: tuple[str, str]) -> None:
    first, second = names
    builds = [
        DiagramBuild(first, "default", "x86_64", "passed", parent=second),
        DiagramBuild(second, "default", "x86_64", "passed", parent=first),
    ]
    images = images_of_builds(builds)
    assert [image.name for image in images] == ["b", "a"]
    assert [image.parent for image in images] == ["", "b"]
    assert stack_flowchart(images, builds) is not None
