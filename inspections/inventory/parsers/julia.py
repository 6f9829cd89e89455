"""`julia -E 'import Pkg; Pkg.status()'`: the packages of Julia's default environment.

Lines look like `  [7073ff75] IJulia v1.34.4`, possibly marked in front (`⌃`, `⌅`, `→`) and
annotated after the version (a path in backticks, `⚲`, `[loaded: v1.2.3]`). A standard
library shows no version. `Pkg.status` prints only the first 8 digits of each uuid, so the
purls carry no uuid qualifier. The output is read with stderr folded in (the manifest piece
quotes both streams, and the command runs once), so Julia's log messages (`[ Info: …`, or a
box of `┌`, `│`, `└` lines) may stand between the rows: they are skipped.
"""

from __future__ import annotations

import re

from inspections.inventory.errors import InventoryError
from inspections.inventory.model import Inventory
from inspections.inventory.parsers.lines import in_listing, listing_lines, unreadable
from inspections.inventory.purls import julia_package

JULIA_PACKAGES_COMMAND = "julia -E 'import Pkg; Pkg.status()'"

# A marker (⌃, ⌅, →) or indentation, the uuid prefix, the name, the version, then notes that
# start with a backquote (a path or repository), ⚲ (pinned), `[` or `(` (Pkg's remarks).
_PACKAGE = re.compile(
    r"(?:[^ \[] )? *\[(?P<uuid>[0-9a-f]{8})\] (?P<name>[^ ]+)(?: v(?P<version>[^ ]+))?"
    r"(?: [`⚲\[(].*)?"
)
_STATUS = re.compile(r" *Status `.*`(?: \(empty project\))?")
_PROJECT = re.compile(r" *Project [^ ]+ v[^ ]+")
_INFO = re.compile(r" *Info ")
_LOG = re.compile(r"\[ |[┌│└]")  # Julia's logging: `[ Info: …`, or a box of lines
_RETURN_VALUE = "nothing"  # what `julia -E` prints for Pkg.status()'s return value
_EXPECTED = "lines like '  [7073ff75] IJulia v1.34.4' after a 'Status `...`' line"


def _skipped(line: str) -> bool:
    """A line that is no package row: the project line, a Pkg note or a log message."""
    return bool(_PROJECT.fullmatch(line) or _INFO.match(line) or _LOG.match(line))


def parse_julia_status(output: str) -> Inventory:
    """The julia packages of `Pkg.status()` output (an empty project gives an empty inventory)."""
    packages = []
    seen_status = False
    for number, line in enumerate(listing_lines(output, JULIA_PACKAGES_COMMAND), start=1):
        if _STATUS.fullmatch(line):
            seen_status = True
            continue
        if not line.strip() or line == _RETURN_VALUE or _skipped(line):
            continue
        match = _PACKAGE.fullmatch(line)
        if match is None:
            raise unreadable(JULIA_PACKAGES_COMMAND, number, line, _EXPECTED)
        fields = (match["name"], match["version"] or "")
        where = f"line {number}"
        packages.append(in_listing(JULIA_PACKAGES_COMMAND, where, julia_package, *fields))
    if not seen_status and not packages:
        raise InventoryError(f"`{JULIA_PACKAGES_COMMAND}` printed no status; expected {_EXPECTED}")
    return Inventory.of(packages)
