"""What the xdist controller hands its workers, and how work is spread over them."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from inspections.build_info import BuildInfo, build_timestamp, read_build_info
from inspections.fixtures import run_context
from inspections.scheduling import ImageScheduling

WORKER_INPUT_KEY = "stack_inspections"


def is_controller(config: pytest.Config) -> bool:
    """Whether this process writes the outputs: the xdist controller, or a lone pytest."""
    return not hasattr(config, "workerinput")


def run_facts(config: pytest.Config, stack_folder: Path) -> tuple[BuildInfo, str, int]:
    """Build facts, run id and controller pid: read by the controller, handed to workers."""
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None and WORKER_INPUT_KEY in worker_input:
        shared = worker_input[WORKER_INPUT_KEY]
        return BuildInfo.from_wire(shared["build"]), shared["run_id"], shared["controller_pid"]
    build = read_build_info(stack_folder, build_timestamp(os.environ))
    return build, uuid.uuid4().hex, os.getpid()


class XdistHooks:
    """Hooks that exist only when pytest-xdist is installed."""

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Schedule by image under xdist's default `--dist load`."""
        if config.option.dist != "load":
            return None
        run = run_context(config)
        return ImageScheduling(
            config, run.plan.images, lambda path: run.images_for(path) is not None, log
        )

    def pytest_configure_node(self, node: Any) -> None:
        """Give each worker the controller's build facts, run id and pid."""
        run = run_context(node.config)
        node.workerinput[WORKER_INPUT_KEY] = {
            "build": run.build.to_wire(),
            "run_id": run.run_id,
            "controller_pid": run.controller_pid,
        }
