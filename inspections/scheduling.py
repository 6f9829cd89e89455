"""xdist scheduling by image: each image's items go to one worker, so one container starts.

Built on xdist's scope scheduler with the image as the scope. That scheduler puts a crashed
worker's whole unit back in the queue, crashing item included, so a crashing item would be
retried forever. Here the crashed image's unit is dropped: xdist reports the item that was
running as failed, the image gets no outputs anyway, and its other items (which run together
with the crashing one, see `evaluation`) would only crash the next worker too. The crashed
worker's other units go back in the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler.loadscope import LoadScopeScheduling
from xdist.workermanage import WorkerController

from inspections.nodeids import image_of_nodeid


class ImageScheduling(LoadScopeScheduling):
    """LoadScopeScheduling with one work unit per image, and crash-safe rescheduling."""

    def __init__(
        self,
        config: pytest.Config,
        images: tuple[str, ...],
        is_stack_file: Callable[[Path], bool],
        log: Any = None,
    ) -> None:
        super().__init__(config, log)
        self.images = images
        self.is_stack_file = is_stack_file

    def _split_scope(self, nodeid: str) -> str:
        """The image of a stack item; anything else keeps xdist's module scope."""
        path = self.config.rootpath / nodeid.split("::", 1)[0]
        image = image_of_nodeid(nodeid, self.images) if self.is_stack_file(path) else None
        return f"image:{image}" if image else super()._split_scope(nodeid)

    def remove_node(self, node: WorkerController) -> str | None:
        """Forget `node`; after a crash, queue its unfinished units but the crashed one."""
        workload = self.assigned_work.pop(node)
        if not self._pending_of(workload):
            return None
        crashed = next(
            nodeid
            for unit in workload.values()
            for nodeid, completed in unit.items()
            if not completed
        )
        for scope, unit in workload.items():
            if crashed not in unit and self._pending_of({scope: unit}):
                self.workqueue[scope] = unit
        for other in self.assigned_work:
            self._reschedule(other)
        return crashed
