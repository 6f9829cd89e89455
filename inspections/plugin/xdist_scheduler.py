"""pytest-xdist: what workers are handed, and how the stack's items are spread over them.

Under xdist's default `--dist load`, each image's items go to one worker as one unit, so the
image's container starts once and its inspections run back to back, as they do serially.
A worker gets its next image when it is down to the last item of the current one (it needs
the next item before it can finish that one), so images are spread dynamically, the images
with the most items first. Every other
test is scheduled one by one as xdist does; a session without stack items is handed to
xdist's own LoadScheduling unchanged. Any other `--dist` mode is left to xdist.

After a worker crash, the unit of the image that was running is dropped: xdist reports the
item that was running as failed, the image gets no files anyway, and its other items (which
run together with the crashing one, see `evaluation`) would only crash the next worker too.
The crashed worker's other pending items go back in the queue.

Built on xdist's scheduler protocol (`xdist.scheduler.protocol.Scheduling`) and its
`pytest_xdist_make_scheduler` and `pytest_configure_node` hooks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from inspections.plugin.run_facts import WORKER_INPUT_KEY, RunFacts
from inspections.runtime.resources import ImageResources

if TYPE_CHECKING:
    from xdist.workermanage import WorkerController


@dataclass
class _Unit:
    """Collection indices sent to one worker together: an image's items, or one other test."""

    indices: list[int]
    image: str | None


class ImageScheduling:
    """xdist's scheduler protocol, with one unit per image and one per other test."""

    def __init__(
        self, config: pytest.Config, image_of: Callable[[str], str | None], log: Any
    ) -> None:
        from xdist.workermanage import parse_tx_spec_config

        self.config = config
        self.log = log
        self.image_of = image_of
        self.numnodes = len(parse_tx_spec_config(config))
        self.node2collection: dict[WorkerController, list[str]] = {}
        self.node2pending: dict[WorkerController, list[int]] = {}
        self.collection: list[str] | None = None
        self.queue: deque[_Unit] = deque()
        self.unit_of: dict[int, _Unit] = {}
        self.delegate: Any = None  # xdist's LoadScheduling, for sessions without stack items

    @property
    def nodes(self) -> list[WorkerController]:
        if self.delegate is not None:
            return list(self.delegate.nodes)
        return list(self.node2pending)

    @property
    def collection_is_completed(self) -> bool:
        return len(self.node2collection) >= self.numnodes

    @property
    def tests_finished(self) -> bool:
        if self.delegate is not None:
            return bool(self.delegate.tests_finished)
        if not self.collection_is_completed or self.queue:
            return False
        return all(len(pending) < 2 for pending in self.node2pending.values())

    @property
    def has_pending(self) -> bool:
        if self.delegate is not None:
            return bool(self.delegate.has_pending)
        return bool(self.queue) or any(self.node2pending.values())

    def add_node(self, node: WorkerController) -> None:
        if self.delegate is not None:
            self.delegate.add_node(node)
            return
        self.node2pending[node] = []

    def add_node_collection(self, node: WorkerController, collection: Sequence[str]) -> None:
        if self.delegate is not None:
            self.delegate.add_node_collection(node, collection)
            return
        if self.collection is not None and list(collection) != self.collection:
            self.log(f"worker {node.gateway.id} collected other tests: not used")
            return
        self.node2collection[node] = list(collection)

    def mark_test_complete(
        self, node: WorkerController, item_index: int, duration: float = 0
    ) -> None:
        if self.delegate is not None:
            self.delegate.mark_test_complete(node, item_index, duration)
            return
        self.node2pending[node].remove(item_index)
        self._fill(node)

    def mark_test_pending(self, item: str) -> None:
        if self.delegate is not None:
            self.delegate.mark_test_pending(item)
            return
        assert self.collection is not None
        index = self.collection.index(item)
        self.queue.appendleft(_Unit([index], self.unit_of[index].image))
        for node in self.nodes:
            self._fill(node)

    def remove_pending_tests_from_node(
        self, node: WorkerController, indices: Sequence[int]
    ) -> None:
        raise NotImplementedError("work stealing is not part of this scheduler")

    def remove_node(self, node: WorkerController) -> str | None:
        """Forget `node`; after a crash, queue its pending items but the crashed image's."""
        if self.delegate is not None:
            crashed_item: str | None = self.delegate.remove_node(node)
            return crashed_item
        pending = self.node2pending.pop(node)
        if not pending:
            return None
        assert self.collection is not None
        crashed = pending[0]
        crashed_unit = self.unit_of[crashed]
        requeued = [
            index
            for index in pending[1:]
            if crashed_unit.image is None or self.unit_of[index] is not crashed_unit
        ]
        for unit in reversed(self._regroup(requeued)):
            self.queue.appendleft(unit)
        for other in self.nodes:
            self._fill(other)
        return self.collection[crashed]

    def _regroup(self, indices: list[int]) -> list[_Unit]:
        """`indices` back into units: consecutive items of one image stay together."""
        units: list[_Unit] = []
        for index in indices:
            image = self.unit_of[index].image
            if units and image is not None and units[-1].image == image:
                units[-1].indices.append(index)
            else:
                units.append(_Unit([index], image))
        return units

    def schedule(self) -> None:
        """Build the units from the collection and hand each worker its first."""
        if self.delegate is not None:
            self.delegate.schedule()
            return
        if self.collection is not None:
            for node in self.nodes:
                self._fill(node)
            return
        collections = list(self.node2collection.values())
        if any(collection != collections[0] for collection in collections):
            self._report_differing_collections()
            return
        self.collection = collections[0]
        images = [self.image_of(nodeid) for nodeid in self.collection]
        if not any(images):
            self._delegate_to_xdist()
            return
        by_image: dict[str, _Unit] = {}
        others: list[_Unit] = []
        for index, image in enumerate(images):
            if image is None:
                unit = _Unit([index], None)
                others.append(unit)
            else:
                unit = by_image.setdefault(image, _Unit([], image))
                unit.indices.append(index)
            self.unit_of[index] = unit
        # Longest first: an image with more items (a deeper one, which inherits more inspections
        # and tests) tends to take longer, and starting it early shortens the whole run.
        heaviest = sorted(by_image.values(), key=lambda unit: len(unit.indices), reverse=True)
        self.queue.extend([*heaviest, *others])
        for node in self.nodes:
            self._fill(node)

    def _fill(self, node: WorkerController) -> None:
        """Give `node` work until it has enough; shut it down when nothing is left."""
        if node.shutting_down:
            return
        pending = self.node2pending[node]
        while self.queue:
            unit = self.queue[0]
            if unit.image is not None and len(pending) >= 2:
                return
            if unit.image is None and len(pending) >= self._chunk():
                return
            self.queue.popleft()
            pending.extend(unit.indices)
            node.send_runtest_some(unit.indices)
        node.shutdown()

    def _chunk(self) -> int:
        """How many single tests a worker holds at once, as xdist's load scheduling does."""
        waiting = sum(len(unit.indices) for unit in self.queue)
        return max(2, waiting // max(len(self.node2pending), 1) // 2)

    def _delegate_to_xdist(self) -> None:
        from xdist.scheduler import LoadScheduling

        self.delegate = LoadScheduling(self.config, self.log)
        for node, collection in self.node2collection.items():
            self.delegate.add_node(node)
            self.delegate.add_node_collection(node, collection)
        for node in self.node2pending:
            if node not in self.node2collection:
                self.delegate.add_node(node)
        self.delegate.schedule()

    def _report_differing_collections(self) -> None:
        message = "workers collected different tests: run with -n 0 to see the collection"
        self.log(message)
        report = pytest.CollectReport(nodeid="", outcome="failed", longrepr=message, result=[])
        self.config.hook.pytest_collectreport(report=report)


class XdistHooks:
    """Hooks that exist only when pytest-xdist is installed (`image_of`: the image of a stack
    item's node id, None for any other)."""

    def __init__(
        self, image_of: Callable[[str], str | None], resources: ImageResources, facts: RunFacts
    ) -> None:
        self.image_of = image_of
        self.resources = resources
        self.facts = facts

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Schedule by image under xdist's default `--dist load`."""
        if config.option.dist != "load":
            return None
        return ImageScheduling(config, self.image_of, log)

    def pytest_testnodedown(self, node: Any, error: object | None) -> None:
        """A worker that died leaves containers its session no longer holds: sweep at the end."""
        if error is not None:
            self.resources.note_lost_worker()

    def pytest_configure_node(self, node: Any) -> None:
        """Give each worker the controller's build facts and run id."""
        node.workerinput[WORKER_INPUT_KEY] = self.facts.to_wire()
