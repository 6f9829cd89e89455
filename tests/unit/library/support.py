"""Recorded outputs, stand-ins for what the plugin hands to inspections, and assertions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from inspections import InspectionError, with_stderr
from inspections.markdown import tidy_output

RECORDED = Path(__file__).resolve().parent.parent / "recorded"

COMMAND_NOT_FOUND = 127


def recorded(name: str) -> str:
    """The text of a recorded output in tests/unit/recorded/."""
    return (RECORDED / name).read_text(encoding="utf-8")


@dataclass
class Result:
    """What testinfra's `host.run` returns."""

    rc: int
    stdout: str
    stderr: str = ""


@dataclass
class FakeHost:
    """A container whose commands print recorded outputs; unknown commands are not found."""

    outputs: dict[str, Result]
    commands: list[str] = field(default_factory=list)

    @classmethod
    def printing(cls, outputs: dict[str, str]) -> FakeHost:
        """A host where each command succeeds printing its text on stdout."""
        return cls({command: Result(0, text) for command, text in outputs.items()})

    def run(self, command: str) -> Result:
        """Replay the output recorded for `command`, and remember that it ran."""
        self.commands.append(command)
        name = command.split()[0]
        return self.outputs.get(command, Result(COMMAND_NOT_FOUND, "", f"sh: {name}: not found"))


@dataclass
class FakeBuildStamp:
    """A `BuildStamp` with a fixed timestamp and sha; a sha of None means git is unavailable."""

    timestamp: datetime
    sha: str | None

    def commit_sha(self) -> str:
        """The sha, or the error the plugin raises without git."""
        if self.sha is None:
            raise InspectionError("git is not available: cannot read the commit sha")
        return self.sha


def assert_quoted(markdown: str, command: str, output: str) -> None:
    """`markdown` shows `command` as inline code and a colon, then its tidied output fenced."""
    shown_command = f"`{command}`:"
    fenced_output = f"```text\n{tidy_output(output)}\n```"
    assert shown_command in markdown
    assert fenced_output in markdown
    assert markdown.index(shown_command) < markdown.index(fenced_output)


def combined(outputs: dict[str, str]) -> dict[str, str]:
    """`outputs` keyed by the command lines that fold stderr in, as quoted pieces run them."""
    return {with_stderr(command): output for command, output in outputs.items()}
