"""The demo builder is the package ``builder`` next to ``demo/build.py``: import it as such."""

from __future__ import annotations

import sys

from tests.demo_builder.script import DEMO

# Appended, not prepended: nothing installed may be shadowed by the demo folder's modules.
if str(DEMO) not in sys.path:
    sys.path.append(str(DEMO))
