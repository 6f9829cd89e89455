"""Reading a Dockerfile: its instructions and build stages, the `ARG` defaults its `FROM` lines
see, the images its stages start from, and whether it needs BuildKit.

Only the instructions are read, as BuildKit splits them: parser directives first (`# escape=`,
`# syntax=`), then each instruction with its continuation lines joined (the empty and comment
lines between them skipped), comment lines and heredoc bodies skipped; nothing is built or
pulled. A `FROM` line sees only the `ARG`s declared before the first `FROM`, and their
variables are `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}`.

The same file is read two ways. stack-build knows the build arguments it passes
(`base_references`): a variable nothing sets is empty, as `docker build` makes it. stack-init
knows only the Dockerfile's own defaults (`resolve_base`): a `FROM` that needs anything else
cannot be followed, and UnresolvedFrom says why.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from inspections.errors import StackError
from inspections.stack import BUILD_ARG_NAME, read_stack_file

INSTRUCTION = re.compile(r"\s*(?P<keyword>[A-Za-z]+)\s*(?P<arguments>.*)", re.DOTALL)
DIRECTIVE = re.compile(r"#\s*(?P<name>[A-Za-z]+)\s*=\s*(?P<value>\S+)\s*")
# A shell word as written, quotes and escapes kept: `<<"EOF"` stays one word, `'<<EOF'` too.
RAW_WORD = re.compile(r"""(?:[^\s"'\\]|\\.?|"(?:\\.|[^"\\])*"?|'[^']*'?)+""")
# A word that opens a heredoc: an optional file descriptor, `<<` or `<<-`, then its name.
HEREDOC = re.compile(r"(?P<descriptor>\d*)<<(?P<chomp>-?)(?P<name>[^<]*)")
HEREDOC_KEYWORDS = {"RUN", "COPY", "ADD"}
VARIABLE = re.compile(
    rf"\$(?:\{{(?P<braced>{BUILD_ARG_NAME.pattern})(?::(?P<op>[-+])(?P<word>[^}}]*))?\}}"
    rf"|(?P<bare>{BUILD_ARG_NAME.pattern})|(?P<other>\{{[^}}]*\}}?))"
)
# Instruction flags the classic builder does not know (BuildKit's Dockerfile frontend does).
BUILDKIT_FLAGS = {"mount", "network", "security", "link", "chmod", "parents", "exclude"}


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
    """What a Dockerfile says: its parser directives, the global `ARG` defaults and its build
    stages, in order."""

    path: Path
    directives: dict[str, str] = field(default_factory=dict)  # lower-case name -> value
    arguments: dict[str, str | None] = field(default_factory=dict)  # None: no default
    stages: tuple[Stage, ...] = ()
    unterminated: Heredoc | None = None  # a heredoc whose body runs to the end of the file


def _directives(lines: list[str]) -> dict[str, str]:
    """The parser directives: the comment lines `# name=value` before any other line."""
    found: dict[str, str] = {}
    for line in lines:
        directive = DIRECTIVE.fullmatch(line)
        if directive is None:
            break
        found[directive["name"].lower()] = directive["value"]
    return found


@dataclass(frozen=True)
class Heredoc:
    """A heredoc an instruction opens: its body ends at a line that is `name` (leading tabs
    stripped first when `chomp`, for `<<-`)."""

    name: str
    chomp: bool

    def ends_at(self, line: str) -> bool:
        return (line.lstrip("\t") if self.chomp else line) == self.name


def heredocs(line: str) -> list[Heredoc]:
    """The heredocs an instruction line opens, in the order their bodies follow it: each
    shell word `<<NAME` of a RUN, COPY or ADD (also after ONBUILD) not in the JSON form,
    NAME one shell word with its quotes removed (`<<"EOF"`, `<<'EOF'`, `<<app.conf`)."""
    instruction = INSTRUCTION.fullmatch(line)
    if instruction is not None and instruction["keyword"].upper() == "ONBUILD":
        instruction = INSTRUCTION.fullmatch(instruction["arguments"])
    if (
        instruction is None
        or instruction["keyword"].upper() not in HEREDOC_KEYWORDS
        or _is_json_form(instruction["arguments"])
    ):
        return []
    opened = []
    for word in RAW_WORD.findall(instruction["arguments"]):
        match = HEREDOC.fullmatch(word)
        if match is None:
            continue
        try:
            name = shlex.split(match["name"])
        except ValueError:
            continue
        if len(name) == 1:
            opened.append(Heredoc(name[0], match["chomp"] == "-"))
    return opened


def _is_json_form(arguments: str) -> bool:
    """`["sh", "-c", "..."]`: arguments that are a JSON list of strings."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return False
    return isinstance(parsed, list) and all(isinstance(item, str) for item in parsed)


def _logical_lines(lines: list[str], escape: str) -> tuple[list[str], Heredoc | None]:
    """Instruction lines with continuations joined, comment lines and heredoc bodies dropped,
    and the heredoc whose body runs to the end of the file, if one does.

    A line ending in the escape character continues on the next line that is neither empty
    nor a comment; the heredocs an instruction opens take the lines after it, one body after
    the other.
    """
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")
    found: list[str] = []
    pending: str | None = None
    remaining = iter(lines)
    for line in remaining:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        text = line.lstrip() if pending is None else line
        if continuation.search(text):
            pending = (pending or "") + continuation.sub("", text)
            continue
        whole = ((pending or "") + text).strip()
        pending = None
        found.append(whole)
        for heredoc in heredocs(whole):
            if not any(heredoc.ends_at(body) for body in remaining):
                return found, heredoc
    if pending is not None and pending.strip():
        found.append(pending.strip())
    return found, None


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
    """The directives, the global `ARG` defaults (as written) and the build stages with their
    instructions. A byte order mark before the first line is dropped, as Docker drops it."""
    lines = text.removeprefix("\ufeff").splitlines()
    directives = _directives(lines)
    arguments: dict[str, str | None] = {}
    froms: list[tuple[str, str | None, str]] = []
    bodies: list[list[Instruction]] = []
    instructions, unterminated = _logical_lines(lines, directives.get("escape", "\\"))
    for line in instructions:
        match = INSTRUCTION.fullmatch(line)
        if match is None:
            continue
        instruction = Instruction(match["keyword"].upper(), match["arguments"].strip())
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
    return Dockerfile(path, directives, arguments, stages, unterminated)


def read_dockerfile(path: Path) -> Dockerfile:
    """`parse_dockerfile` of the file at `path`; StackError when it cannot be read."""
    return parse_dockerfile(path, read_stack_file(path))


def declared_defaults(dockerfile: Dockerfile) -> dict[str, str | None]:
    """Every `ARG` the Dockerfile declares, before its first `FROM` and in its stages, with its
    default as written (None: none); a later default wins, and a later declaration without one
    keeps the earlier default (a stage's `ARG NAME` sees the global one)."""
    declared = dict(dockerfile.arguments)
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            if instruction.keyword != "ARG":
                continue
            for name, default in _argument_defaults(instruction.arguments).items():
                if default is not None or name not in declared:
                    declared[name] = default
    return declared


# What an unset `$NAME`, or a `${…}` form this reader does not follow, becomes: given the match
# and the ARGs (name -> default) the variable was looked up in.
Unset = Callable[[re.Match[str], Mapping[str, str | None]], str]


def expand(
    text: str,
    arguments: Mapping[str, str | None],
    unset: Unset,
    given: Mapping[str, str] | None = None,
) -> str:
    """`text` with `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` substituted from
    the build arguments `given` and the ARG defaults `arguments` (see `argument_value`)."""
    given = given or {}

    def replace(match: re.Match[str]) -> str:
        if match["other"] is not None:
            return unset(match, arguments)
        current = argument_value(arguments, match["braced"] or match["bare"], unset, given)
        if match["op"] == "-":
            return current or expand(match["word"], arguments, unset, given)
        if match["op"] == "+":
            return expand(match["word"], arguments, unset, given) if current else ""
        return unset(match, arguments) if current is None else current

    return VARIABLE.sub(replace, text)


def argument_value(
    arguments: Mapping[str, str | None], name: str, unset: Unset, given: Mapping[str, str]
) -> str | None:
    """The value of the ARG `name`: the build argument given for it, else its default with the
    variables of the ARGs above it substituted; None when neither sets it."""
    if name not in arguments:
        return None
    if name in given:
        return given[name]
    default = arguments[name]
    if default is None:
        return None
    above = dict(itertools.takewhile(lambda item: item[0] != name, arguments.items()))
    return expand(default, above, unset, given)


def as_docker_build(match: re.Match[str], _arguments: Mapping[str, str | None]) -> str:
    """An unset variable is empty, as `docker build` makes it; a form Dockerfiles do not know
    stays as written."""
    return match[0] if match["other"] is not None else ""


def base_references(text: str, build_args: Mapping[str, str]) -> list[str]:
    """The images the Dockerfile's stages start FROM (build arguments applied), in order.

    Earlier stages named with `AS` and `scratch` are not images; `--platform=` is skipped.
    """
    dockerfile = parse_dockerfile(Path("Dockerfile"), text)
    stages: set[str] = set()
    references: list[str] = []
    for stage in dockerfile.stages:
        image = expand(stage.source, dockerfile.arguments, as_docker_build, build_args)
        if image and image.lower() not in stages and image != "scratch" and image not in references:
            references.append(image)
        if stage.name:
            stages.add(stage.name)
    return references


def buildkit_feature(text: str) -> str | None:
    """The first thing in the Dockerfile that only BuildKit builds (e.g. `RUN --mount`), or None."""
    dockerfile = parse_dockerfile(Path("Dockerfile"), text)
    if "syntax" in dockerfile.directives:
        return "a # syntax= directive"
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            if instruction.keyword not in HEREDOC_KEYWORDS:
                continue
            for word in instruction.arguments.split():
                if not word.startswith("--"):
                    break
                flag = word[2:].partition("=")[0]
                if flag in BUILDKIT_FLAGS:
                    return f"{instruction.keyword} --{flag}"
            if heredocs(f"{instruction.keyword} {instruction.arguments}"):
                return f"a {instruction.keyword} heredoc"
    return None


@dataclass(frozen=True)
class Base:
    """What the last stage is built on: an image reference, through the stages it names."""

    reference: str
    stages: tuple[Stage, ...]  # the last stage first, then each stage it is built on

    @property
    def line(self) -> str:
        """The last `FROM` line, as written."""
        return self.stages[0].line


def _from_defaults(dockerfile: Dockerfile, stage: Stage) -> str:
    """The stage's source with the ARG defaults substituted; UnresolvedFrom when one is unknown."""

    def unset(match: re.Match[str], arguments: Mapping[str, str | None]) -> str:
        prefix = f"{dockerfile.path}: cannot follow `{stage.line}`:"
        if match["other"] is not None:
            raise UnresolvedFrom(
                f"{prefix} ${match['other']} is a substitution this reader does not follow: "
                "write the image name, or $NAME with an ARG default"
            )
        name = match["braced"] or match["bare"]
        if name not in arguments and name in dockerfile.arguments:
            # `arguments` are the ARGs above the one whose default is being expanded
            user = list(dockerfile.arguments)[len(arguments)]
            raise UnresolvedFrom(
                f"{prefix} ARG {user}'s default uses ${name}, which is declared after it "
                f"(a default sees only the ARGs above it): move ARG {name} above ARG {user}"
            )
        if name not in arguments:
            raise UnresolvedFrom(
                f"{prefix} no ARG {name} before the first FROM declares it: add "
                f"ARG {name}=<default> above the first FROM"
            )
        raise UnresolvedFrom(
            f"{prefix} ARG {name} has no default: give it one (ARG {name}=<default>)"
        )

    return expand(stage.source, dockerfile.arguments, unset)


def resolve_base(dockerfile: Dockerfile) -> Base:
    """Follow the last `FROM` through ARG defaults and stage names to an image reference."""
    if dockerfile.unterminated is not None:
        name = dockerfile.unterminated.name
        raise UnresolvedFrom(
            f"{dockerfile.path}: the heredoc <<{name} has no end line: end its body with a "
            f"line that is just {name}"
        )
    if not dockerfile.stages:
        raise UnresolvedFrom(
            f"{dockerfile.path}: no FROM instruction: start the Dockerfile with FROM <image>"
        )
    chain = [dockerfile.stages[-1]]
    earlier = list(dockerfile.stages[:-1])
    while True:
        stage = chain[-1]
        source = _from_defaults(dockerfile, stage)
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
