"""The plugin's diagrams drawn by Mermaid's own renderer in Chromium, as GitHub draws them.

Hostile text (quotes, brackets, arrows, comments, directives, HTML with a script) is drawn
as that text: the boxes, edges and lines are the ones built, no element is injected and no
injected script runs. No arrow of the stack is drawn across a box it does not join.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from inspections.formats.history_charts import BuildPoint, history_page, line_chart
from inspections.formats.mermaid import MAX_TEXT_LENGTH, MAX_TEXT_SIZE
from inspections.formats.stack_diagram import (
    DiagramBuild,
    StackImage,
    images_of_stack,
    stack_flowchart,
)
from inspections.text import one_line
from tests.browser.renderer import PAGE_WIDTH, Rendered, render
from tests.diagrams import mermaid_blocks
from tests.unit.formats.jupyter_builds import jupyter_builds, jupyter_stack

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("browser")]

PWNING_HTML = '<img src=x onerror="window.pwned = true"><script>window.pwned = true</script>'
HOSTILE = [
    'say "hi"',
    "a[b](c){d}|e",
    "x --> y -.-> z",
    "%% comment",
    "%%{init: {'theme': 'dark'}}%%",
    PWNING_HTML,
    "#quot; #35; &amp; &lt;b&gt;",
    "semi;colon:::passed",
    "`code` **bold** _em_ [link](javascript:alert(1))",
    "line\nbreak\ttab",
    "classDef passed fill:#f00;",
    "end",
    "n" * 300,
]
# What the drawn SVG may hold: Mermaid's own elements, and nothing a label could inject.
ALLOWED_ELEMENTS = {
    "style", "g", "marker", "path", "polygon", "circle", "foreignObject", "div", "span",
    "rect", "p", "br", "defs", "filter", "feDropShadow", "text", "tspan", "line", "title",
}  # fmt: skip


def shown(text: str) -> str:
    """What a label shows for `text`: one line, cut to the longest label text."""
    line = one_line(text)
    return line if len(line) <= MAX_TEXT_LENGTH else line[: MAX_TEXT_LENGTH - 1] + "…"


def assert_nothing_injected(drawn: Rendered) -> None:
    assert drawn.ok, drawn.error
    assert set(drawn.elements) <= ALLOWED_ELEMENTS, set(drawn.elements) - ALLOWED_ELEMENTS


def generated_stack(seed: int) -> tuple[list[StackImage], list[DiagramBuild]]:
    """A stack of 3 to 14 images, each under a random earlier one, some with variants, with
    names of many lengths and 0 to 4 key tags: boxes of many widths and heights."""
    chosen = random.Random(seed)
    images: list[StackImage] = []
    builds = []
    for number in range(chosen.randint(3, 14)):
        parent = images[chosen.randrange(number)].name if number else ""
        name = f"image-{'x' * chosen.randint(0, 12)}{number}"
        variants = tuple(f"v{count}" for count in range(chosen.choice([0, 0, 0, 1, 2])))
        images.append(StackImage(name, parent, variants))
        tags = tuple(f"x86_64-tool{tool}-{number}.{tool}" for tool in range(chosen.randint(0, 4)))
        outcome = chosen.choice(["passed", "failed"])
        size = chosen.randint(1, 10**10)
        builds.append(DiagramBuild(name, "default", "x86_64", outcome, tags, size, parent))
    return images, builds


def test_the_renderer_reports_a_parse_error(tmp_path: Path) -> None:
    """Without this, a diagram Mermaid refused could pass unseen."""
    rendering = render(["flowchart TD\n  a[unclosed --> b"], tmp_path)
    (drawn,) = rendering.diagrams
    assert not drawn.ok and "Parse error" in drawn.error


def test_the_renderer_reports_a_diagram_too_big_for_mermaid(tmp_path: Path) -> None:
    """Mermaid draws a box saying so rather than fail: without this, it would pass."""
    boxes = [f'  n{number}["{"x" * 50}"]' for number in range(MAX_TEXT_SIZE // 50)]
    diagram = "\n".join(["flowchart TD", *boxes])

    (drawn,) = render([diagram], tmp_path).diagrams

    assert not drawn.ok and "Maximum text size in diagram exceeded" in drawn.error


def test_the_renderer_sees_an_edge_drawn_through_a_box(tmp_path: Path) -> None:
    """Mermaid's default curve takes the arrow to a far child through the box beside its
    parent: without this, a layout that does so could pass unseen."""
    wide = "a box as wide as an image's"
    diagram = "\n".join(
        [
            "flowchart TD",
            f'  a["{wide}"] --> b["{wide}<br>and<br>taller"]',
            f'  a --> c["{wide}"]',
            *(f'  c --> {child}["{wide}"]' for child in "def"),
        ]
    )
    (drawn,) = render([diagram], tmp_path).diagrams
    assert drawn.ok, drawn.error
    assert drawn.crossings() == ["L_c_d_0 through b"]


def test_no_arrow_of_a_stack_is_drawn_across_a_box(tmp_path: Path) -> None:
    stack = jupyter_stack()
    diagrams = [stack_flowchart(images_of_stack(stack), jupyter_builds(stack))]
    diagrams += [stack_flowchart(*generated_stack(seed)) for seed in range(40)]

    drawn = render([diagram for diagram in diagrams if diagram], tmp_path).diagrams

    assert [chart.error for chart in drawn] == [""] * len(diagrams)
    assert [chart.edges for chart in drawn] == [len(chart.paths) for chart in drawn]
    assert {number: chart.crossings() for number, chart in enumerate(drawn)} == {
        number: [] for number in range(len(diagrams))
    }


def test_hostile_names_are_drawn_as_text_in_the_stack(tmp_path: Path) -> None:
    images = [StackImage("root", variants=(PWNING_HTML,))]
    images += [StackImage(name, "root") for name in HOSTILE]
    builds = [DiagramBuild(name, "default", "x86_64", "failed", parent="root") for name in HOSTILE]
    diagram = stack_flowchart(images, builds)
    assert diagram is not None

    rendering = render([diagram], tmp_path)

    (drawn,) = rendering.diagrams
    assert_nothing_injected(drawn)
    assert not rendering.pwned
    assert drawn.nodes == len(HOSTILE) + 2  # each image, and root's variant
    assert drawn.edges == len(HOSTILE) + 1
    assert drawn.crossings() == []
    labels = drawn.labels
    assert [label for label in labels if label.endswith("x86_64")] == [
        f"{shown(name)}failedx86_64" for name in HOSTILE
    ]
    assert f"root{shown(f'variant {PWNING_HTML}')}not selected" in labels


def test_hostile_text_is_drawn_as_text_in_a_chart(tmp_path: Path) -> None:
    labels = [shown(text) for text in HOSTILE[:4]]
    series = {PWNING_HTML: [1.0, 2.0, 3.0, 4.0], "x] line [9": [4.0, 3.0, 2.0, 1.0]}
    chart = line_chart(HOSTILE[6], HOSTILE[:4], "%% axis", series)

    rendering = render([chart], tmp_path)

    (drawn,) = rendering.diagrams
    assert_nothing_injected(drawn)
    assert not rendering.pwned
    assert drawn.plots == 2
    for text in (*labels, shown(HOSTILE[6]), "%% axis"):
        assert text in drawn.text


def test_a_chart_of_big_values_is_drawn(tmp_path: Path) -> None:
    chart = line_chart("size", ["11-01", "11-02"], "MB", {"size": [2_500_000.0, 12_345_678.5]})

    (drawn,) = render([chart], tmp_path).diagrams

    assert drawn.ok, drawn.error
    assert drawn.plots == 1


def test_the_jupyter_stack_is_drawn_readable_at_githubs_width(tmp_path: Path) -> None:
    stack = jupyter_stack()
    builds = jupyter_builds(stack)
    failing = {"r-notebook": "failed", "julia-notebook": "incomplete"}
    builds = [
        build if build.image not in failing else DiagramBuild(build.image, build.variant,
            build.platform, failing[build.image], parent=build.parent)
        for build in builds
        if build.image != "datascience-notebook"
    ]  # fmt: skip
    diagram = stack_flowchart(images_of_stack(stack), builds)
    assert diagram is not None

    (drawn,) = render([diagram], tmp_path).diagrams

    assert_nothing_injected(drawn)
    assert (drawn.nodes, drawn.edges) == (14, 13)  # 11 images, 3 variants
    assert drawn.crossings() == []
    # Top-down and compact: at GitHub's width its text is shrunk by a fifth at most.
    assert drawn.natural_width <= PAGE_WIDTH * 1.25
    assert drawn.width <= PAGE_WIDTH


def test_every_chart_of_a_history_page_is_drawn(tmp_path: Path) -> None:
    points = [
        BuildPoint(
            timestamp=f"2025-11-{1 + number // 2:02d}T{number % 2:02d}:00:00Z",
            commit=f"{number:040x}",
            manifest=f"x86_64-default-base-notebook-{number:012x}",
            size_bytes=600_000_000 + number * 1_000_000,
            packages=300 + number,
            changes={"added": 1, "removed": 0, "upgraded": number % 5} if number else None,
        )
        for number in range(30)
    ]
    page = history_page("base-notebook", {("x86_64", "default"): points})
    charts = mermaid_blocks(page)

    drawn = render(charts, tmp_path).diagrams

    assert [chart.ok for chart in drawn] == [True, True, True], [c.error for c in drawn]
    assert [chart.plots for chart in drawn] == [1, 1, 3]
    assert "30" in drawn[0].text and "1.2" not in drawn[0].text.split("base-notebook")[0]
