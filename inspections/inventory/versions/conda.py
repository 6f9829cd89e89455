"""conda's version ordering, implemented from its documented rules (conda's VersionOrder).

No small, well-kept library offers it (conda itself is not installable from PyPI as a library,
py-rattler is a 25 MB compiled wheel), so the rules are implemented here:

- lowercase; `-` becomes `_` when there is no `_`; allowed characters `[*.+!_0-9a-z]`;
- an epoch `N!` in front (default 0) and a local version after `+` (compared last);
- components split at `.` and `_`, each split into runs of digits and non-digits; a component
  starting with a letter gets a leading 0 (`1.1.a1` == `1.1.0a1`);
- integers compare numerically; strings compare lexicographically and are smaller than
  integers; `dev` is smaller than any other string, `post` greater than anything;
- missing components count as 0, so `1.1` == `1.1.0`;
- a trailing `_` (openssl-like `1.0.1_`) stays on the last component: `1.1_` < `1.1a1`.
"""

from __future__ import annotations

import re
from itertools import zip_longest

_ALLOWED = re.compile(r"[*.+!_0-9a-z]+")
_RUNS = re.compile(r"[0-9]+|[*]+|[^0-9*]+")
_POST = float("inf")  # greater than every number
_DEV = "DEV"  # upper case sorts before every lower-case string and `_`

Part = int | float | str
Components = list[list[Part]]


def _runs(component: str) -> list[Part] | None:
    """A component as runs of numbers and strings; None for an empty component."""
    runs: list[Part] = []
    for run in _RUNS.findall(component):
        if run.isdigit():
            runs.append(int(run))
        elif run == "post":
            runs.append(_POST)
        elif run == "dev":
            runs.append(_DEV)
        else:
            runs.append(run)
    if not runs:
        return None
    return runs if component[0].isdigit() else [0, *runs]


def _split(text: str) -> list[str]:
    """The components of a version part, keeping a trailing underscore on the last one."""
    if text.endswith("_"):
        parts = text[:-1].replace("_", ".").split(".")
        parts[-1] += "_"
        return parts
    return text.replace("_", ".").split(".")


def _order_components(version: str) -> tuple[Components, Components] | None:
    """The components conda orders `version` by: (epoch and version components, local
    components), or None when conda rejects it."""
    text = version.strip().lower()
    if not _ALLOWED.fullmatch(text) and "-" in text and "_" not in text:
        text = text.replace("-", "_")
    if not _ALLOWED.fullmatch(text):
        return None
    epoch_and_rest = text.split("!")
    if len(epoch_and_rest) > 2 or (len(epoch_and_rest) == 2 and not epoch_and_rest[0].isdigit()):
        return None
    epoch = epoch_and_rest[0] if len(epoch_and_rest) == 2 else "0"
    main_and_local = epoch_and_rest[-1].split("+")
    if len(main_and_local) > 2 or not main_and_local[0]:
        return None
    local = main_and_local[1].replace("_", ".").split(".") if len(main_and_local) == 2 else []
    parsed: list[Components] = []
    for components in ([epoch, *_split(main_and_local[0])], local):
        runs = [_runs(component) for component in components]
        if any(run is None for run in runs):
            return None
        parsed.append([run for run in runs if run is not None])
    return parsed[0], parsed[1]


def _compare_parts(left: Part, right: Part) -> int:
    if left == right:
        return 0
    if isinstance(left, str) != isinstance(right, str):
        return -1 if isinstance(left, str) else 1
    return -1 if left < right else 1  # type: ignore[operator]


def _compare_components(left: Components, right: Components) -> int:
    no_runs: list[Part] = []
    for left_runs, right_runs in zip_longest(left, right, fillvalue=no_runs):
        for left_part, right_part in zip_longest(left_runs, right_runs, fillvalue=0):
            result = _compare_parts(left_part, right_part)
            if result:
                return result
    return 0


def compare_conda(a: str, b: str) -> int | None:
    """conda's order of two versions, e.g. `1.0a1` < `1.0`, `1.1dev` < `1.1`; None if invalid."""
    left, right = _order_components(a), _order_components(b)
    if left is None or right is None:
        return None
    return _compare_components(left[0], right[0]) or _compare_components(left[1], right[1])
