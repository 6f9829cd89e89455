"""Mermaid diagram text that stays the diagram it was built as, whatever text it carries.

Names, tags and titles reach a diagram only through `text` (or `quoted`): every character
but letters, digits, spaces and `.-_+/` becomes a Mermaid entity code (`<` is `#60;`), which
Mermaid shows as that character and never reads as syntax (quotes, brackets, `-->`, `%%`,
`;`), as a directive (`%%{init}%%`) or as HTML (`<img …>`). Line breaks and control
characters are shown as on the terminal (`text.one_line`), and long text is cut.

GitHub draws a ```` ```mermaid ```` block in Markdown (READMEs, wiki pages, job summaries)
with Mermaid's defaults, which refuse a diagram over `MAX_TEXT_SIZE` characters or with over
`MAX_EDGES` edges; `fits` tells whether a diagram is within both.
"""

from __future__ import annotations

import json
import string
from typing import Any

from inspections.markdown import fenced
from inspections.text import one_line

MAX_TEXT_SIZE = 50_000  # Mermaid's default maxTextSize
MAX_EDGES = 500  # Mermaid's default maxEdges
MAX_TEXT_LENGTH = 60  # characters of one piece of text shown, `…` included
LINE_BREAK = "<br>"  # a line break inside a flowchart node's label

_KEPT = frozenset(string.ascii_letters + string.digits + " .-_+/")
_CUT = "…"


def text(value: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """`value` as text inside a quoted Mermaid string: one line, at most `limit` characters,
    each character that could mean anything to Mermaid or HTML written as an entity code."""
    shown = one_line(value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + _CUT
    return "".join(
        character if character in _KEPT or character.isalnum() else f"#{ord(character)};"
        for character in shown
    )


def quoted(value: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """`value` as a quoted Mermaid string: `"…"`."""
    return f'"{text(value, limit)}"'


def init_directive(config: dict[str, Any]) -> str:
    """The line that sets a diagram's configuration (theme variables, sizes): `%%{init: …}%%`.

    `config` is the diagram's own constant settings, never text from elsewhere.
    """
    return f"%%{{init: {json.dumps(config, sort_keys=True)}}}%%"


def fits(diagram: str, edges: int = 0) -> bool:
    """Whether Mermaid's default limits let it draw `diagram`, which has `edges` edges."""
    return len(diagram) <= MAX_TEXT_SIZE and edges <= MAX_EDGES


def mermaid_block(diagram: str) -> str:
    """`diagram` as a Markdown code block that GitHub draws."""
    return fenced(diagram, info="mermaid")
