"""What every process of a run shares: the build facts, the run id, the controller's pid.

The controller reads them once; under pytest-xdist each worker gets the controller's through
its `workerinput`, as plain built-ins.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from inspections.build_info import BuildInfo, build_timestamp, read_build_info

WORKER_INPUT_KEY = "stack_inspections"


@dataclass(frozen=True)
class RunFacts:
    """The build facts, the run id and the controller's pid, the same in every process."""

    build: BuildInfo
    run_id: str
    controller_pid: int

    def to_wire(self) -> dict[str, Any]:
        """Plain built-ins, for a worker's `workerinput`."""
        return {
            "build": self.build.to_wire(),
            "run_id": self.run_id,
            "controller_pid": self.controller_pid,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RunFacts:
        """The inverse of `to_wire`."""
        return cls(BuildInfo.from_wire(data["build"]), data["run_id"], data["controller_pid"])


def run_facts(config: pytest.Config, stack_folder: Path) -> RunFacts:
    """Read by the controller, handed to the workers."""
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None and WORKER_INPUT_KEY in worker_input:
        return RunFacts.from_wire(worker_input[WORKER_INPUT_KEY])
    build = read_build_info(stack_folder, build_timestamp(os.environ))
    return RunFacts(build, uuid.uuid4().hex, os.getpid())
