"""What every part of the benchmark works with, and what each part hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker

from benchmarks.rounds import Series
from benchmarks.sessions import SessionRunner
from benchmarks.targets import Target


@dataclass(frozen=True)
class Workspace:
    """The checkout under test and the benchmark's own places, removed when it ends.

    `scratch` is a temporary folder; `checkout_out` a folder below the checkout's `out/`,
    for sessions run from the checkout to write into, as users do; `owner` is unique to
    this benchmark run, for the throwaway images it tags.
    """

    repository: Path
    scratch: Path
    checkout_out: Path
    owner: str
    client: docker.DockerClient
    runner: SessionRunner
    rounds: int


@dataclass
class PartResult:
    """One part's sessions, the figures derived from them, its own tables and its targets."""

    name: str
    series: dict[str, Series] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
