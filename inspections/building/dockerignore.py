"""`.dockerignore`: which files of a build context `docker build` leaves out.

The file is the context's `.dockerignore`, except that BuildKit prefers the Dockerfile's own
ignore file when there is one: `<Dockerfile>.dockerignore` next to the Dockerfile
(`Dockerfile.dockerignore`), in place of the context's. The classic builder reads only
`.dockerignore`.

The rules are the engine's: one pattern a line (`#` starts a comment line; a UTF-8 byte order
mark before the first line is dropped), `*` and `?` stop at `/`, `**` spans folders, `\\`
escapes; `[...]` is a character class whose body is a regular expression's, as it is: `[!x]`
matches `!` or `x`, `[^x]` anything but `x`. A leading `/` is dropped; `!pattern` takes files
back in; the last matching line wins; a pattern that matches a folder matches everything below
it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

IGNORE_FILE = ".dockerignore"
SPECIAL = set(".+()|{}$^")
BYTE_ORDER_MARK = "\ufeff"


def ignore_file(context: Path, dockerfile: Path, buildkit: bool) -> Path:
    """The ignore file the builder reads for a build of `dockerfile` in `context`, whether or
    not it exists."""
    if buildkit:
        own = dockerfile.with_name(dockerfile.name + IGNORE_FILE)
        if own.is_file():
            return own
    return context / IGNORE_FILE


@dataclass(frozen=True)
class Rule:
    """One line of the file: its pattern as a regular expression, and whether it takes back."""

    pattern: re.Pattern[str]
    exception: bool


@dataclass(frozen=True)
class IgnoreRules:
    """The rules of one ignore file (none when there is no such file)."""

    rules: tuple[Rule, ...] = ()

    @classmethod
    def of_file(cls, path: Path) -> IgnoreRules:
        """The rules of the file at `path`; none when there is no such file."""
        if not path.is_file():
            return cls()
        return cls.parse(path.read_text(encoding="utf-8", errors="replace"))

    @classmethod
    def parse(cls, text: str) -> IgnoreRules:
        rules = []
        for line in text.removeprefix(BYTE_ORDER_MARK).splitlines():
            if line.startswith("#"):
                continue
            pattern = line.strip()
            exception = pattern.startswith("!")
            pattern = pattern.removeprefix("!").strip()
            if not pattern:
                continue
            pattern = posixpath.normpath(pattern)
            if len(pattern) > 1:
                pattern = pattern.removeprefix("/")
            rules.append(Rule(_compile(pattern), exception))
        return cls(tuple(rules))

    @property
    def takes_back(self) -> bool:
        """Whether any line takes files back in (then no excluded folder can be skipped)."""
        return any(rule.exception for rule in self.rules)

    def excludes(self, relative: str) -> bool:
        """Whether the context's file or folder at `relative` (`a/b/c`) is left out."""
        parents = relative.split("/")[:-1]
        candidates = [relative, *("/".join(parents[: i + 1]) for i in range(len(parents)))]
        excluded = False
        for rule in self.rules:
            if rule.exception != excluded:
                continue  # no line can exclude a file twice, nor take back one not left out
            if any(rule.pattern.fullmatch(candidate) for candidate in candidates):
                excluded = not rule.exception
        return excluded


def _compile(pattern: str) -> re.Pattern[str]:
    """The engine's translation of one pattern into a regular expression."""
    expression = ""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*" and pattern.startswith("**", index):
            index += 2
            if pattern.startswith("/", index):
                index += 1
            expression += ".*" if index >= len(pattern) else "(.*/)?"
            continue
        if char == "*":
            expression += "[^/]*"
        elif char == "?":
            expression += "[^/]"
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            expression += re.escape(pattern[index])
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                expression += re.escape(char)
            else:
                expression += pattern[index : end + 1]
                index = end
        elif char in SPECIAL:
            expression += "\\" + char
        else:
            expression += char
        index += 1
    try:
        return re.compile(expression)
    except re.error:
        return re.compile(re.escape(pattern))
