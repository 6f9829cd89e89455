"""Reading a Dockerfile: its instructions, the `ARG` defaults its `FROM` lines see, and the
image its last `FROM` is built on.

Only what the build's own defaults say is read: `ARG NAME=default` before the first `FROM`
(the only ones a `FROM` line sees), `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}`
in `FROM` lines and in those defaults, and `FROM <stage>` naming an earlier build stage. Build
arguments given to `docker build` are not known here, so a `FROM` that needs one cannot be
followed.
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from inspections.errors import StackError
from inspections.stack import read_text

_DIRECTIVE = re.compile(r"#\s*([A-Za-z]+)\s*=\s*(\S+)\s*")
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>:[-+][^}]*)?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>\{[^}]*\}?))"
)


class UnresolvedFrom(StackError):
    """A `FROM` this reader cannot follow to an image reference."""


@dataclass(frozen=True)
class Instruction:
    """One instruction, its continuation lines joined and its comment lines dropped."""

    keyword: str  # upper case: FROM, ARG, RUN, ...
    arguments: str


@dataclass(frozen=True)
class Stage:
    """A `FROM` and the instructions of its build stage."""

    source: str  # the image or stage as written, variables unresolved
    name: str | None  # `AS <name>`, lower case
    line: str  # the whole `FROM` line, for messages
    instructions: tuple[Instruction, ...] = ()


@dataclass(frozen=True)
class Dockerfile:
    """What a Dockerfile says: the global `ARG` defaults and its build stages, in order."""

    path: Path
    arguments: dict[str, str | None] = field(default_factory=dict)  # None: no default
    stages: tuple[Stage, ...] = ()


def _logical_lines(text: str) -> list[str]:
    """Instruction lines with continuations joined, comments and parser directives dropped."""
    escape = "\\"
    lines = text.splitlines()
    for line in lines:  # parser directives come first, before any other line
        directive = _DIRECTIVE.fullmatch(line)
        if directive is None:
            break
        if directive.group(1).lower() == "escape":
            escape = directive.group(2)
    joined: list[str] = []
    pending = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith(escape):
            pending += stripped[: -len(escape)] + " "
            continue
        joined.append(pending + stripped)
        pending = ""
    if pending.strip():
        joined.append(pending.strip())
    return joined


def _argument_defaults(arguments: str) -> dict[str, str | None]:
    """`ARG A=1 B` -> {"A": "1", "B": None}, quotes removed."""
    try:
        words = shlex.split(arguments)
    except ValueError:
        words = arguments.split()
    declared: dict[str, str | None] = {}
    for word in words:
        name, equals, default = word.partition("=")
        declared[name] = default if equals else None
    return declared


def parse_dockerfile(path: Path, text: str) -> Dockerfile:
    """The global `ARG` defaults (as written) and the build stages with their instructions."""
    arguments: dict[str, str | None] = {}
    froms: list[tuple[str, str | None, str]] = []
    bodies: list[list[Instruction]] = []
    for line in _logical_lines(text):
        keyword, _, rest = line.partition(" ")
        instruction = Instruction(keyword.upper(), rest.strip())
        if instruction.keyword == "FROM":
            words = [word for word in instruction.arguments.split() if not word.startswith("--")]
            name = words[2].lower() if len(words) > 2 and words[1].lower() == "as" else None
            froms.append((words[0] if words else "", name, line))
            bodies.append([])
        elif bodies:
            bodies[-1].append(instruction)
        elif instruction.keyword == "ARG":
            arguments.update(_argument_defaults(instruction.arguments))
    stages = tuple(
        Stage(source, name, line, tuple(body))
        for (source, name, line), body in zip(froms, bodies, strict=True)
    )
    return Dockerfile(path, arguments, stages)


def read_dockerfile(path: Path) -> Dockerfile:
    """`parse_dockerfile` of the file at `path`; StackError when it cannot be read."""
    return parse_dockerfile(path, read_text(path))


def _expand(text: str, arguments: dict[str, str | None], path: Path, line: str) -> str:
    """`text` with the `ARG` defaults substituted (a default sees the ARGs above it);
    UnresolvedFrom when one is unknown."""

    def value_of(match: re.Match[str]) -> str:
        if match.group("other") is not None:
            raise UnresolvedFrom(
                f"{path}: cannot follow `{line}`: ${match.group('other')} is a substitution "
                "this reader does not follow: write the image name, or $NAME with an ARG default"
            )
        name = match.group("braced") or match.group("plain")
        modifier = match.group("modifier") or ""
        value = _value(name, arguments, path, line)
        if modifier.startswith(":-"):
            return value if value else _expand(modifier[2:], arguments, path, line)
        if modifier.startswith(":+"):
            return _expand(modifier[2:], arguments, path, line) if value else ""
        if name not in arguments:
            raise UnresolvedFrom(
                f"{path}: cannot follow `{line}`: no ARG {name} before the first FROM declares "
                f"it: add ARG {name}=<default> above the first FROM"
            )
        if value is None:
            raise UnresolvedFrom(
                f"{path}: cannot follow `{line}`: ARG {name} has no default: give it one "
                f"(ARG {name}=<default>)"
            )
        return value

    return _VARIABLE.sub(value_of, text)


def _value(name: str, arguments: dict[str, str | None], path: Path, line: str) -> str | None:
    """The default of ARG `name`, its own variables substituted from the ARGs above it."""
    if arguments.get(name) is None:
        return None
    above = dict(itertools.takewhile(lambda item: item[0] != name, arguments.items()))
    return _expand(str(arguments[name]), above, path, line)


@dataclass(frozen=True)
class Base:
    """What the last stage is built on: an image reference, through the stages it names."""

    reference: str
    stages: tuple[Stage, ...]  # the last stage first, then each stage it is built on

    @property
    def line(self) -> str:
        """The last `FROM` line, as written."""
        return self.stages[0].line


def resolve_base(dockerfile: Dockerfile) -> Base:
    """Follow the last `FROM` through ARG defaults and stage names to an image reference."""
    if not dockerfile.stages:
        raise UnresolvedFrom(
            f"{dockerfile.path}: no FROM instruction: start the Dockerfile with FROM <image>"
        )
    chain = [dockerfile.stages[-1]]
    earlier = list(dockerfile.stages[:-1])
    while True:
        stage = chain[-1]
        source = _expand(stage.source, dockerfile.arguments, dockerfile.path, stage.line)
        if not source:
            raise UnresolvedFrom(
                f"{dockerfile.path}: cannot follow `{stage.line}`: it names no image: "
                "write FROM <image>"
            )
        named = [index for index, other in enumerate(earlier) if other.name == source.lower()]
        if not named:
            return Base(source, tuple(chain))
        chain.append(earlier[named[-1]])
        earlier = earlier[: named[-1]]
