"""Reading the plugin's Mermaid text back, as a test checks it: blocks, boxes, classes, edges."""

from __future__ import annotations

import re

_ENTITY = re.compile(r"#(\d+);")
_BLOCK = re.compile(r"^```mermaid\n(.*?)\n```$", re.DOTALL | re.MULTILINE)


def decoded(escaped: str) -> str:
    """What Mermaid shows for escaped text: each entity code as its character."""
    return _ENTITY.sub(lambda match: chr(int(match.group(1))), escaped)


def mermaid_blocks(markdown: str) -> list[str]:
    """The diagrams of the ```` ```mermaid ```` blocks of a Markdown page."""
    return _BLOCK.findall(markdown)


def boxes(diagram: str) -> dict[str, list[str]]:
    """Node id -> the lines of its label, as Mermaid shows them."""
    found = re.findall(r'^  (n\d+)\["(.*)"\]$', diagram, flags=re.MULTILINE)
    return {node: decoded(label).split("<br>") for node, label in found}


def boxes_by_name(diagram: str) -> dict[str, list[str]]:
    """The first line of each box (its image) -> the box's other lines."""
    return {lines[0] + variant_of(lines): lines[1:] for lines in boxes(diagram).values()}


def variant_of(lines: list[str]) -> str:
    return f" ({lines[1].removeprefix('variant ')})" if lines[1].startswith("variant ") else ""


def classes(diagram: str) -> dict[str, str]:
    """Node id -> its class."""
    found = {}
    for nodes, name in re.findall(r"^  class (\S+) (\S+)$", diagram, flags=re.MULTILINE):
        found.update(dict.fromkeys(nodes.split(","), name))
    return found


def edges(diagram: str) -> list[tuple[str, str, str]]:
    """(from, arrow, to) of every edge: `-->` to a child, `-.->` to a variant."""
    return re.findall(r"^  (n\d+) (-->|-\.->) (n\d+)$", diagram, flags=re.MULTILINE)
