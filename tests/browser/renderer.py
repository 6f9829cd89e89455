"""Mermaid's own renderer in headless Chromium: diagrams drawn as GitHub draws them.

Mermaid comes from npm at the version `mermaid/package-lock.json` pins, installed with
`npm ci` into a cache folder outside the repository (`mermaid_folder`); Chromium is Debian's
`chromium`. A page loads `mermaid.min.js`, renders every diagram with `mermaid.render`, puts
the SVGs into the page and writes what it found (parse errors, boxes, edges, texts, element
names, where each box and each edge is drawn) into the page, which `--dump-dom` hands back.
A diagram Mermaid does not draw (a parse error, too many edges, too much text) is not `ok`.

`STACK_INSPECTIONS_NO_BROWSER=1` skips the tests that need this; otherwise a missing
Chromium or npm fails them, with the command that installs it.
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

LOCK_FOLDER = Path(__file__).resolve().parent / "mermaid"
SKIP_VARIABLE = "STACK_INSPECTIONS_NO_BROWSER"
FOLDER_VARIABLE = "STACK_INSPECTIONS_MERMAID_DIR"
SYSTEM_CACHE = Path("/var/cache/stack-inspections/mermaid")
PAGE_WIDTH = 900  # GitHub's width for Markdown content, about
# What Mermaid draws, in a box of its own, for a diagram over its maxTextSize: not a drawing.
TOO_BIG = "Maximum text size in diagram exceeded"
BORDER = 1.0  # pixels of a box's border an edge may touch: where it starts or ends, beside it
_RESULTS = re.compile(r'<pre id="stack-inspections-results"[^>]*>(.*?)</pre>', re.DOTALL)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>body {{ margin: 8px; background: white; }} .diagram {{ margin-bottom: 16px; }}</style>
</head><body>
<script src="{mermaid}"></script>
<script type="application/json" id="diagrams">{diagrams}</script>
<script>
// A path as points in the page, one per pixel of its length, or closer.
const points = (path) => {{
  const matrix = path.getScreenCTM();
  const length = path.getTotalLength();
  const steps = Math.max(1, Math.ceil(length));
  return [...Array(steps + 1).keys()].map((step) => {{
    const {{ x, y }} = path.getPointAtLength((length * step) / steps).matrixTransform(matrix);
    return [x, y];
  }});
}};
(async () => {{
  const diagrams = JSON.parse(document.getElementById("diagrams").textContent);
  mermaid.initialize({{ startOnLoad: false }});
  const results = [];
  for (const [index, diagram] of diagrams.entries()) {{
    const holder = document.createElement("div");
    holder.className = "diagram";
    document.body.appendChild(holder);
    try {{
      await mermaid.parse(diagram);
      const {{ svg }} = await mermaid.render(`diagram${{index}}`, diagram);
      holder.innerHTML = svg;
      const element = holder.querySelector("svg");
      const box = element.getBoundingClientRect();
      results.push({{
        ok: true,
        nodes: element.querySelectorAll("g.node").length,
        edges: element.querySelectorAll("path.flowchart-link").length,
        labels: [...element.querySelectorAll("g.node")].map((node) => node.textContent),
        text: element.textContent,
        elements: [...new Set([...element.querySelectorAll("*")].map((e) => e.localName))],
        plots: element.querySelectorAll("g[class^='line-plot-'] path").length,
        height: box.height,
        width: box.width,
        natural_width: element.viewBox.baseVal.width,
        boxes: Object.fromEntries([...element.querySelectorAll("g.node")].map((node) => {{
          const {{ x, y, width, height }} = node.getBoundingClientRect();
          return [node.id.replace(/^.*?flowchart-(.*)-[0-9]+$/, "$1"), [x, y, width, height]];
        }})),
        paths: Object.fromEntries([...element.querySelectorAll("path.flowchart-link")].map(
          (path) => [path.dataset.id, points(path)])),
      }});
    }} catch (error) {{
      results.push({{ ok: false, error: String((error && error.message) || error) }});
    }}
  }}
  const out = document.createElement("pre");
  out.id = "stack-inspections-results";
  out.hidden = true;
  out.textContent = JSON.stringify({{ results, pwned: window.pwned === true }});
  document.body.appendChild(out);
}})();
</script>
</body></html>
"""


class BrowserMissing(RuntimeError):
    """Chromium or npm is not installed; the message says how to install it."""


def mermaid_folder() -> Path:
    """Where Mermaid is installed: $STACK_INSPECTIONS_MERMAID_DIR, else the system cache when
    it can be written (as root), else ~/.cache/stack-inspections/mermaid."""
    if os.environ.get(FOLDER_VARIABLE):
        return Path(os.environ[FOLDER_VARIABLE])
    system = SYSTEM_CACHE
    while not system.exists():
        system = system.parent
    if os.access(system, os.W_OK):
        return SYSTEM_CACHE
    return Path.home() / ".cache/stack-inspections/mermaid"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One installer at a time (xdist workers share the folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_mermaid(folder: Path | None = None) -> Path:
    """`mermaid.min.js` of the pinned version, installed with `npm ci` when it is not yet."""
    folder = folder or mermaid_folder()
    script = folder / "node_modules/mermaid/dist/mermaid.min.js"
    lock = (LOCK_FOLDER / "package-lock.json").read_bytes()
    with _locked(folder):
        installed = folder / "package-lock.json"
        if script.is_file() and installed.is_file() and installed.read_bytes() == lock:
            return script
        npm = shutil.which("npm")
        if npm is None:
            raise BrowserMissing("npm is missing: apt-get install -y npm (or run .ci/run)")
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(LOCK_FOLDER / name, folder / name)
        subprocess.run(
            [npm, "ci", "--prefix", str(folder), "--no-audit", "--no-fund", "--ignore-scripts"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return script


def chromium() -> str:
    """The path of Debian's Chromium; BrowserMissing when it is not installed."""
    found = shutil.which("chromium")
    if found is None:
        raise BrowserMissing("chromium is missing: apt-get install -y chromium (or run .ci/run)")
    return found


def chromium_run(page: Path, *arguments: str, width: int = PAGE_WIDTH, height: int = 2000) -> str:
    """Chromium on `page` (a file) with `arguments` (`--dump-dom`, `--screenshot=…`); its
    output. Pages may load files beside them; no host name resolves: all stays offline."""
    with tempfile.TemporaryDirectory(prefix="stack-inspections-chromium-") as profile:
        completed = subprocess.run(
            [
                chromium(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--allow-file-access-from-files",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--virtual-time-budget=15000",
                *arguments,
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"chromium failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return completed.stdout


@dataclass(frozen=True)
class Rendered:
    """What Mermaid made of one diagram."""

    ok: bool
    error: str = ""
    nodes: int = 0
    edges: int = 0
    labels: list[str] = field(default_factory=list)
    text: str = ""
    elements: list[str] = field(default_factory=list)
    plots: int = 0
    width: float = 0.0
    height: float = 0.0
    natural_width: float = 0.0
    boxes: dict[str, list[float]] = field(default_factory=dict)  # node -> x, y, width, height
    paths: dict[str, list[list[float]]] = field(default_factory=dict)  # edge -> its points

    def crossings(self) -> list[str]:
        """`<edge> through <node>` for each flowchart edge drawn through a box other than the
        two it joins (its id, `L_<from>_<to>_<number>`, names them)."""
        found = []
        for edge, points in self.paths.items():
            ends = {
                node
                for start in self.boxes
                for end in self.boxes
                if edge.startswith(f"L_{start}_{end}_")
                for node in (start, end)
            }
            found += [
                f"{edge} through {node}"
                for node, box in self.boxes.items()
                if node not in ends and any(_enters(a, b, box) for a, b in pairwise(points))
            ]
        return found


def _enters(start: list[float], end: list[float], box: list[float]) -> bool:
    """Whether the segment from `start` to `end` enters the box (x, y, width, height) further
    in than its border (clipped as Liang and Barsky do)."""
    x, y, width, height = box
    inside = ((x + BORDER, x + width - BORDER), (y + BORDER, y + height - BORDER))
    enter, leave = 0.0, 1.0
    for axis, (low, high) in enumerate(inside):
        delta = end[axis] - start[axis]
        if delta == 0:
            if not low < start[axis] < high:
                return False
            continue
        near, far = sorted(((low - start[axis]) / delta, (high - start[axis]) / delta))
        enter, leave = max(enter, near), min(leave, far)
    return enter < leave


@dataclass(frozen=True)
class Rendering:
    """Every diagram of a page, and whether any script injected through them ran."""

    diagrams: list[Rendered]
    pwned: bool


def _page(folder: Path, diagrams: Sequence[str]) -> Path:
    data = json.dumps(list(diagrams)).replace("</", "<\\/")
    page = folder / "page.html"
    page.write_text(PAGE.format(mermaid=ensure_mermaid().as_uri(), diagrams=data), encoding="utf-8")
    return page


def render(diagrams: Sequence[str], folder: Path, width: int = PAGE_WIDTH) -> Rendering:
    """Render `diagrams` on one page `width` pixels wide; `folder` holds the page."""
    page = _page(folder, diagrams)
    dom = chromium_run(page, "--dump-dom", width=width)
    found = _RESULTS.search(dom)
    if found is None:
        raise RuntimeError(f"the page did not finish rendering: {dom[-2000:]}")
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return Rendering([_refused_if_too_big(Rendered(**r)) for r in data["results"]], data["pwned"])


def _refused_if_too_big(drawn: Rendered) -> Rendered:
    """A diagram over Mermaid's maxTextSize is drawn as one box that says so: a refusal."""
    if drawn.ok and drawn.labels == [TOO_BIG]:
        return Rendered(ok=False, error=f"{TOO_BIG}: Mermaid drew that sentence instead")
    return drawn


def screenshot(diagram: str, png: Path, folder: Path, width: int = PAGE_WIDTH) -> Rendered:
    """A PNG of `diagram` alone, on a page at most `width` pixels wide (narrower for a narrow
    diagram) and as tall as it needs."""
    (rendered,) = render([diagram], folder, width).diagrams
    if not rendered.ok:
        raise RuntimeError(f"mermaid refused the diagram: {rendered.error}")
    png.parent.mkdir(parents=True, exist_ok=True)
    page = _page(folder, [diagram])
    height = int(rendered.height) + 16
    narrow = min(width, int(rendered.width) + 16)
    chromium_run(page, f"--screenshot={png}", width=narrow, height=height)
    return rendered
