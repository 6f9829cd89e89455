"""What a package's name and version look like in each ecosystem.

A listing's row is read by these grammars and never guessed at: a name with a space, a slash,
a control character or a line separator names no package of its ecosystem, so the listing
that prints it is refused rather than split into packages that are not installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.inventory.errors import InventoryError, shown


@dataclass(frozen=True)
class Grammar:
    """A pattern a whole field must match, and how an error message describes it."""

    pattern: re.Pattern[str]
    description: str

    def fits(self, text: str) -> bool:
        return self.pattern.fullmatch(text) is not None


def _grammar(pattern: str, description: str) -> Grammar:
    return Grammar(re.compile(pattern, re.ASCII), description)


# Names, per the ecosystem's own rules.
NAMES: dict[str, Grammar] = {
    "pypi": _grammar(
        r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?",
        "a PEP 508 name (ASCII letters, digits, '.', '_' and '-', starting and ending with a "
        "letter or digit)",
    ),
    # dpkg's rule (Debian Policy also forbids '_'); dpkg and apt show names lowercased.
    "deb": _grammar(
        r"[a-z0-9][a-z0-9+._-]*",
        "a Debian package name (lowercase letters, digits, '+', '-', '.' and '_', starting with "
        "a letter or digit)",
    ),
    "cran": _grammar(
        r"[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]",
        "an R package name (letters, digits and '.', at least two characters, starting with a "
        "letter and not ending with '.')",
    ),
    "conda": _grammar(
        r"[a-z0-9_][a-z0-9_.-]*",
        "a conda package name (lowercase letters, digits, '_', '-' and '.')",
    ),
    "julia": _grammar(
        r"[A-Za-z_][A-Za-z0-9_!]*",
        "a Julia package name (an identifier: ASCII letters, digits, '_' and '!', not "
        "starting with a digit)",
    ),
}

# Versions: what each package manager writes (loose where it is loose, but never a space,
# a control character or anything outside ASCII).
VERSIONS: dict[str, Grammar] = {
    "pypi": _grammar(
        r"[A-Za-z0-9][A-Za-z0-9._+!-]*", "a Python version (ASCII letters, digits, '.+!_-')"
    ),
    "deb": _grammar(
        r"[A-Za-z0-9][A-Za-z0-9.+~:-]*", "a Debian version (ASCII letters, digits, '.+~:-')"
    ),
    "cran": _grammar(r"[0-9]+(?:[.-][0-9]+)+", "an R version (numbers joined by '.' or '-')"),
    "conda": _grammar(r"[A-Za-z0-9_.+!]+", "a conda version (ASCII letters, digits, '_.+!')"),
    "julia": _grammar(
        r"[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?",
        "a Julia version number (major.minor.patch, then -prerelease and +build parts)",
    ),
}

DEB_ARCHITECTURE = _grammar(r"[a-z0-9][a-z0-9-]*", "a Debian architecture like 'amd64' or 'all'")
CONDA_BUILD = _grammar(r"[A-Za-z0-9_.+]+", "a conda build string like 'pyhd8ed1ab_0'")
CONDA_CHANNEL = _grammar(r"[!-~]+", "a conda channel like 'conda-forge' (printable ASCII)")


def checked_field(text: str, grammar: Grammar, field: str) -> str:
    """`text` when it fits `grammar`; else a one-line error naming the `field` and the rule."""
    if not grammar.fits(text):
        raise InventoryError(f"{field} {shown(text)} is not {grammar.description}")
    return text


def check_package(ecosystem: str, name: str, version: str) -> None:
    """Refuse a package whose name or (non-empty) version is not of its ecosystem's grammar."""
    if not NAMES[ecosystem].fits(name):
        raise InventoryError(
            f"package {shown(name)} is refused: its name is not {NAMES[ecosystem].description}"
        )
    if version and not VERSIONS[ecosystem].fits(version):
        raise InventoryError(
            f"package {shown(name)} is refused: its version {shown(version)} is not "
            f"{VERSIONS[ecosystem].description}"
        )
