"""pytest-html's report draws with the Mermaid the browser tests draw with."""

from __future__ import annotations

import json
from pathlib import Path

from inspections.formats.html_report import MERMAID_URL, RENDER_SCRIPT

LOCK = Path(__file__).resolve().parents[2] / "browser/mermaid/package-lock.json"


def test_the_report_loads_the_mermaid_version_the_tests_pin() -> None:
    version = json.loads(LOCK.read_text())["packages"]["node_modules/mermaid"]["version"]
    pinned = f"https://cdn.jsdelivr.net/npm/mermaid@{version}/dist/mermaid.esm.min.mjs"
    assert pinned == MERMAID_URL
    assert f'import mermaid from "{MERMAID_URL}";' in RENDER_SCRIPT
