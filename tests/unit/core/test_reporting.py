"""Text from images in the GitHub step summary and in change reports stays text.

The Markdown is rendered by cmark-gfm (GitHub's own renderer, through `cmarkgfm`) with raw
HTML let through, as GitHub renders before it sanitizes: no link, image or HTML element may
come from what an image printed, and the summary's own structure must stay whole.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from inspections.build_info import BuildInfo
from inspections.formats.change_report import render_change_report
from inspections.formats.inspected_image import InspectedImage
from inspections.inventory.builds import BuildFacts
from inspections.inventory.changes import compare_builds
from inspections.inventory.model import Inventory
from inspections.outputs.outcome import OutputsOutcome
from inspections.outputs.results import ImageResult
from inspections.outputs.summary import step_summary
from inspections.outputs.verdicts import ImageVerdict, Verdicts
from inspections.stack import ImageSpec, Stack, StackSettings
from tests.unit.inventory.support import npm_package

HOSTILE = [
    "[x](https://evil.example/a)",
    "![i](https://evil.example/i.png)",
    '<a href="https://evil.example">a</a>',
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ ~~gone~~",
    "https://evil.example/bare",
    "www.evil.example",
    "```fence``` and `tick`",
    "cell|split|row",
    "back\\|slash\\\\|pipe",
    "</td></tr></table>",
    "<details><summary>fake</summary>",
    "</details>",
    "line\nbreak\n\n# heading\n| a | b |",
    "<!-- comment",
    "&lt;entity&gt; &amp;",
]
# What the summary itself is made of; anything else came from the text it carries.
OWN_ELEMENTS = {
    "h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code",
    "br", "details", "summary", "blockquote", "h4", "pre",
}  # fmt: skip
# The one attribute the summary's own Markdown makes: the stack diagram's fence.
OWN_ATTRIBUTES = {("pre", (("lang", "mermaid"),))}
BUILD = BuildInfo(datetime(2026, 11, 27, 12, tzinfo=UTC), "/repo", "e" * 40, "message")


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes, and the text inside `<code>`."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.code: list[str] = []
        self._in_code = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append(("<!--", []))


def render(markdown: str) -> str:
    """The page GitHub makes of `markdown` before sanitizing (raw HTML kept)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def assert_only_text(markdown: str, expected: dict[str, int]) -> Elements:
    """`markdown` renders to the summary's own elements only, `expected` counting some."""
    elements = Elements(render(markdown))
    names = [tag for tag, _ in elements.tags]
    assert set(names) <= OWN_ELEMENTS, sorted(set(names) - OWN_ELEMENTS)
    made = [(tag, tuple(attributes)) for tag, attributes in elements.tags if attributes]
    assert set(made) <= OWN_ATTRIBUTES, made  # no href, src, onerror
    assert {tag: names.count(tag) for tag in expected} == expected
    return elements


def hostile_report(platform: str = "x86_64") -> Any:
    """A change report whose package names and versions, and tags, are all hostile text."""
    tokens = [text for text in HOSTILE if text.isprintable() and " " not in text]

    def facts(version: str, commit: str, when: str, tags: tuple[str, ...]) -> BuildFacts:
        packages = [npm_package(name, version + name) for name in tokens]
        inventory = Inventory.of(packages)
        return BuildFacts("probe", platform, "default", commit, when, tags, inventory=inventory)

    return compare_builds(
        facts("1.0", "a" * 40, "2026-11-20T10:00:00Z", ("www.evil.example",)),
        facts("2.0", "b" * 40, "2026-11-27T10:00:00Z", ("x86_64-python-3.12",)),
    )


def test_a_change_report_carries_image_text_as_code_only() -> None:
    """The platform is the image's own architecture, named as it likes."""
    report = hostile_report(platform="www.evil.example")
    elements = assert_only_text(render_change_report(report), {"table": 2, "h1": 1})
    assert elements.code.count("www.evil.example") == 3  # platform, lost tag, package
    shown = "".join(elements.code)
    for text in HOSTILE:
        if text.isprintable() and " " not in text:
            assert text in shown, text


def test_the_step_summary_carries_image_text_as_code_only() -> None:
    passed = ImageVerdict("probe")
    passed.inspected = InspectedImage(
        name="probe", platform="x86_64", variant="default", registry="localhost",
        owner="demo", repository="https://example.org/r", dockerfile="probe/Dockerfile",
        size_bytes=1, tags=("debian-12",), pieces=(("Apt Packages", "x"),), build=BUILD,
    )  # fmt: skip
    failed = ImageVerdict("hostile", failures=[f"os_tag failed: printed {t}" for t in HOSTILE])
    summary = step_summary_of(
        {"probe": passed, "hostile": failed},
        OutputsOutcome(changes={"probe": hostile_report()}),
        emit_dir=Path("out"),
        compare_to=Path("out"),
    )
    elements = assert_only_text(summary, {"details": 1, "summary": 1, "table": 3})
    shown = "".join(elements.code)
    for text in HOSTILE:
        assert f"printed {' '.join(text.split())}" in shown, text  # whole, on one line
    rows = [line for line in summary.split("\n") if line.startswith("| ") and "hostile" in line]
    assert len(rows) == 1  # the reasons stayed in their row


def step_summary_of(
    verdicts: dict[str, ImageVerdict], outcome: OutputsOutcome, **options: Path | None
) -> str:
    """The step summary of a session that judged the root images of `verdicts` so."""
    images = {name: ImageSpec(name, "", Path(name)) for name in verdicts}
    stack = Stack(Path("stack"), StackSettings(), images)
    results = {name: ImageResult(name, {"platform": "x86_64", "size_bytes": 1}) for name in images}
    asked: Any = SimpleNamespace(variant="default", **options)
    judged = Verdicts(results, asked, BUILD, stack)
    judged.by_image.update(verdicts)
    return step_summary(judged, outcome, asked, BUILD, stack)


@pytest.mark.parametrize("text", HOSTILE)
def test_each_hostile_text_is_one_code_span_in_a_cell(text: str) -> None:
    failed = ImageVerdict("hostile", failures=[text])
    summary = step_summary_of({"hostile": failed}, OutputsOutcome(), emit_dir=None, compare_to=None)
    page = render(summary)
    cells = page.split("<td>")
    assert len(cells) == 6  # five cells in the one row
    reason = cells[5].split("</td>")[0]
    assert reason == f"<code>{html.escape(' '.join(text.split()))}</code>"
