"""What a Dockerfile says about its build: the images it starts from, and whether it needs BuildKit.

Only the instructions are read (continuation lines joined, comment lines and heredoc bodies
skipped); nothing is built or pulled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

INSTRUCTION = re.compile(r"\s*(?P<keyword>[A-Za-z]+)\s*(?P<rest>.*)", re.DOTALL)
HEREDOC = re.compile(r"<<-?\s*[\"']?(?P<word>[A-Za-z_][A-Za-z0-9_]*)[\"']?")
NAME = r"[A-Za-z_][A-Za-z0-9_]*"
VARIABLE = re.compile(
    rf"\$(?:\{{(?P<braced>{NAME})(?::(?P<op>[-+])(?P<word>[^}}]*))?\}}|(?P<bare>{NAME}))"
)
# Instruction flags the classic builder does not know (BuildKit's Dockerfile frontend does).
BUILDKIT_FLAGS = {"mount", "network", "security", "link", "chmod", "parents", "exclude"}
SYNTAX_DIRECTIVE = re.compile(r"#\s*syntax\s*=", re.IGNORECASE)


def instructions(text: str) -> Iterator[tuple[str, str]]:
    """Each instruction as (KEYWORD, its arguments), continuation lines joined."""
    lines = iter(text.splitlines())
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        while line.rstrip().endswith("\\"):
            following = next(lines, None)
            if following is None:
                break
            if following.lstrip().startswith("#"):
                continue
            line = line.rstrip()[:-1] + " " + following
        match = INSTRUCTION.fullmatch(line)
        if not match:
            continue
        keyword, rest = match["keyword"].upper(), match["rest"].strip()
        yield keyword, rest
        heredoc = HEREDOC.search(rest) if keyword in {"RUN", "COPY", "ADD"} else None
        if heredoc:
            for body in lines:
                if body.strip() == heredoc["word"]:
                    break


def expand(value: str, scope: Mapping[str, str]) -> str:
    """`$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:+word}`, as Dockerfiles expand them."""

    def replace(match: re.Match[str]) -> str:
        name = match["braced"] or match["bare"]
        current = scope.get(name, "")
        if match["op"] == "-":
            return current or expand(match["word"], scope)
        if match["op"] == "+":
            return expand(match["word"], scope) if current else ""
        return current

    return VARIABLE.sub(replace, value)


def base_references(text: str, build_args: Mapping[str, str]) -> list[str]:
    """The images the Dockerfile's stages start FROM (build arguments applied), in order.

    Earlier stages named with `AS` and `scratch` are not images; `--platform=` is skipped.
    """
    scope: dict[str, str] = {}
    stages: set[str] = set()
    references: list[str] = []
    for keyword, rest in instructions(text):
        if keyword == "ARG" and not references:
            for declaration in rest.split():
                name, has_default, default = declaration.partition("=")
                if name in build_args:
                    scope[name] = build_args[name]
                elif has_default:
                    scope[name] = expand(default.strip("\"'"), scope)
        elif keyword == "FROM":
            words = [word for word in rest.split() if not word.startswith("--")]
            if not words:
                continue
            image = expand(words[0], scope)
            if len(words) >= 3 and words[1].upper() == "AS":
                stages.add(words[2].lower())
            if image.lower() not in stages and image != "scratch" and image not in references:
                references.append(image)
    return references


def buildkit_feature(text: str) -> str | None:
    """The first thing in the Dockerfile that only BuildKit builds (e.g. `RUN --mount`), or None."""
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if SYNTAX_DIRECTIVE.match(first):
        return "a # syntax= directive"
    for keyword, rest in instructions(text):
        if keyword not in {"RUN", "COPY", "ADD"}:
            continue
        for word in rest.split():
            if not word.startswith("--"):
                break
            flag = word[2:].partition("=")[0]
            if flag in BUILDKIT_FLAGS:
                return f"{keyword} --{flag}"
        if HEREDOC.search(rest):
            return f"a {keyword} heredoc"
    return None
