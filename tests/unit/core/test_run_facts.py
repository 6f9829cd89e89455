"""What every process of a run shares reaches an xdist worker as the controller read it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from inspections.build_info import BuildInfo
from inspections.plugin.run_facts import WORKER_INPUT_KEY, RunFacts, run_facts

FACTS = RunFacts(
    BuildInfo(datetime(2026, 11, 27, 12, tzinfo=UTC), "/repo", "e" * 40, "message", "", ("a",)),
    run_id="0123abcd",
    controller_pid=4242,
)


def test_a_worker_takes_the_controllers_facts_from_its_workerinput(tmp_path: Path) -> None:
    wire = json.loads(json.dumps(FACTS.to_wire()))  # plain built-ins only
    worker = SimpleNamespace(workerinput={WORKER_INPUT_KEY: wire})
    assert run_facts(cast(pytest.Config, worker), tmp_path) == FACTS


def test_the_controller_reads_its_own(tmp_path: Path) -> None:
    controller: Any = SimpleNamespace()
    facts = run_facts(controller, tmp_path)
    assert facts.run_id != FACTS.run_id and len(facts.run_id) == 32
    assert "no git commit" in facts.build.git_problem
