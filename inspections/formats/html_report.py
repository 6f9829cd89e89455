"""What an image's verdict adds to pytest-html's report, when the session writes one (`--html`).

The verdict's row carries, as an HTML extra, the image's outcome, its tags, the reasons it
got no files, and the diagram of its lineage (root to image) as Mermaid source in a
`<pre class="stack-inspections-diagram">`. A script in the report's summary loads Mermaid
(`MERMAID_URL`, the version the tests draw with) and draws every such block once it is
shown (pytest-html builds its rows in the browser and folds passed ones: a row's diagram is
drawn when it is unfolded); where Mermaid cannot be loaded (offline), the block shows the
diagram's source. Without pytest-html, or without `--html`, nothing of this happens.
"""

from __future__ import annotations

import html
from typing import Any

import pytest

# The exact version the browser tests draw with (tests/browser/mermaid/package-lock.json).
MERMAID_URL = "https://cdn.jsdelivr.net/npm/mermaid@11.17.2/dist/mermaid.esm.min.mjs"
DIAGRAM_CLASS = "stack-inspections-diagram"
RENDER_SCRIPT = f"""<script type="module">
import mermaid from "{MERMAID_URL}";
mermaid.initialize({{ startOnLoad: false }});
let drawn = Promise.resolve();  // one drawing at a time, as Mermaid needs
const draw = () => {{
  drawn = drawn
    .then(() => {{
      const nodes = [...document.querySelectorAll("pre.{DIAGRAM_CLASS}:not([data-processed])")]
        .filter((node) => node.offsetParent !== null);  // a hidden block would draw squashed
      return nodes.length ? mermaid.run({{ nodes }}) : undefined;
    }})
    .catch(() => {{}});
}};
new MutationObserver(draw).observe(document.body, {{
  childList: true, subtree: true, attributes: true, attributeFilter: ["class", "hidden", "style"],
}});
draw();
</script>"""


def writes_html_report(config: pytest.Config) -> bool:
    """Whether pytest-html is installed and the session writes its report."""
    return config.pluginmanager.hasplugin("html") and bool(getattr(config.option, "htmlpath", None))


def _items(title: str, values: list[str]) -> str:
    if not values:
        return ""
    shown = "".join(f"<li><code>{html.escape(value)}</code></li>" for value in values)
    return f"<p>{title}</p><ul>{shown}</ul>"


def verdict_extra(
    outcome: str, tags: list[str], reasons: list[str], diagram: str | None
) -> dict[str, Any]:
    """The HTML extra of one verdict's row."""
    from pytest_html import extras

    parts = [f"<p>Outcome: <strong>{html.escape(outcome)}</strong></p>"]
    parts.append(_items("Tags:", tags))
    parts.append(_items("Why it got no files:", reasons))
    if diagram is not None:
        parts.append(f'<pre class="{DIAGRAM_CLASS}">{html.escape(diagram)}</pre>')
    return extras.html(f'<div class="stack-inspections">{"".join(parts)}</div>')
