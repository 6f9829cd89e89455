"""Scheduling under xdist: one unit per image, handed out one at a time; others as xdist does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from inspections.plugin.nodeids import image_in_parameters
from inspections.plugin.xdist_scheduler import ImageScheduling

IMAGES = ("root", "child", "leaf")


class FakeConfig:
    """What the scheduler asks of pytest's config: the workers (`--tx`) and the chunk size."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.hook = self
        self.reports: list[Any] = []

    def getvalue(self, name: str) -> list[str]:
        assert name == "tx"
        return [f"{self.workers}*popen"]

    def getoption(self, name: str) -> Any:
        return {"maxschedchunk": None}[name]

    def pytest_collectreport(self, report: Any) -> None:
        self.reports.append(report)


class FakeNode:
    """A worker as the scheduler sees it: what it was sent, and whether it was shut down."""

    def __init__(self, name: str) -> None:
        self.gateway = type("Gateway", (), {"id": name})()
        self.sent: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: Sequence[int]) -> None:
        self.sent += list(indices)

    def shutdown(self) -> None:
        self.shutting_down = True


class Log:
    """xdist's log producer, silenced: callable, and so is every sub-log."""

    def __call__(self, *_args: object) -> None:
        return None

    def __getattr__(self, _name: str) -> Log:
        return self


log = Log()


def image_of(nodeid: str) -> str | None:
    return image_in_parameters(nodeid, IMAGES) if nodeid.startswith("stack/") else None


COLLECTION = [
    "stack/root/inspect_root.py::os_tag[root]",
    "stack/root/inspect_root.py::os_tag[child]",
    "stack/root/inspect_root.py::os_tag[leaf]",
    "stack/root/inspect_root.py::os_release[root]",
    "stack/root/inspect_root.py::os_release[child]",
    "stack/root/inspect_root.py::os_release[leaf]",
    "stack/child/test_child.py::test_a[child]",
    "stack/child/test_child.py::test_a[leaf]",
    "stack/leaf/test_leaf.py::test_b[leaf]",
]


def scheduled(workers: int, collection: list[str]) -> tuple[ImageScheduling, list[FakeNode]]:
    scheduler = ImageScheduling(FakeConfig(workers), image_of, log)  # type: ignore[arg-type]
    nodes = [FakeNode(f"gw{number}") for number in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    assert scheduler.collection_is_completed
    scheduler.schedule()
    return scheduler, nodes


def images_sent(node: FakeNode) -> list[str | None]:
    return [image_of(COLLECTION[index]) for index in node.sent]


def pending(scheduler: ImageScheduling, node: FakeNode) -> list[int]:
    return scheduler.node2pending[node]


def complete(scheduler: ImageScheduling, node: FakeNode, count: int) -> None:
    """The worker reports its next `count` items done."""
    for _ in range(count):
        scheduler.mark_test_complete(node, pending(scheduler, node)[0])


def finish_all_but_last(scheduler: ImageScheduling, *nodes: FakeNode) -> None:
    """The workers run their items in turns until each holds only its last one."""
    while any(len(pending(scheduler, node)) > 1 for node in nodes):
        for node in nodes:
            if len(pending(scheduler, node)) > 1:
                complete(scheduler, node, 1)


def test_each_worker_gets_one_whole_image_at_a_time_the_biggest_first() -> None:
    scheduler, (first, second) = scheduled(2, COLLECTION)

    assert images_sent(first) == ["leaf"] * 4  # leaf has the most items
    assert images_sent(second) == ["child"] * 3
    finish_all_but_last(scheduler, second)
    assert images_sent(second) == ["child"] * 3 + ["root"] * 2
    finish_all_but_last(scheduler, second)
    assert second.shutting_down and not scheduler.queue


def test_every_item_is_sent_exactly_once() -> None:
    scheduler, nodes = scheduled(2, COLLECTION)
    finish_all_but_last(scheduler, *nodes)
    sent = sorted(index for node in nodes for index in node.sent)
    assert sent == list(range(len(COLLECTION)))


def test_a_crash_drops_the_crashed_image_and_queues_the_rest() -> None:
    scheduler, (_, second) = scheduled(2, COLLECTION)
    complete(scheduler, second, 2)  # child's last item waits for root's, which are sent
    held = list(pending(scheduler, second))
    crashed = scheduler.remove_node(second)

    assert [image_of(COLLECTION[index]) for index in held] == ["child", "root", "root"]
    assert crashed == COLLECTION[held[0]]
    assert image_of(crashed) == "child"
    # root's items went back in the queue (or to the other worker), child's are dropped.
    requeued = [image_of(COLLECTION[i]) for unit in scheduler.queue for i in unit.indices]
    assert requeued == ["root", "root"]


def test_a_session_without_stack_items_is_xdist_s_own_load_scheduling() -> None:
    plain = [f"tests/test_a.py::test_{number}" for number in range(12)]
    scheduler, nodes = scheduled(2, plain)

    assert type(scheduler.delegate).__name__ == "LoadScheduling"
    # xdist's initial chunks: consecutive tests, a quarter of each worker's share.
    assert [node.sent for node in nodes] == [[0, 1], [2, 3]]


def test_other_tests_are_sent_one_by_one_beside_images() -> None:
    mixed = [*COLLECTION, *(f"tests/test_a.py::test_{number}" for number in range(8))]
    scheduler, nodes = scheduled(2, mixed)
    finish_all_but_last(scheduler, *nodes)
    others = [[index for index in node.sent if mixed[index].startswith("tests/")] for node in nodes]
    assert all(others)  # both workers ran some of the other tests
    assert sorted(others[0] + others[1]) == list(range(len(COLLECTION), len(mixed)))


def test_workers_that_collected_different_tests_are_reported() -> None:
    config = FakeConfig(2)
    scheduler = ImageScheduling(config, image_of, log)  # type: ignore[arg-type]
    nodes = [FakeNode("gw0"), FakeNode("gw1")]
    for node, collection in zip(nodes, (COLLECTION, COLLECTION[:-1]), strict=True):
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()

    assert [node.sent for node in nodes] == [[], []]
    assert len(config.reports) == 1
    assert "collected different tests" in config.reports[0].longrepr


@pytest.mark.parametrize("method", ["remove_pending_tests_from_node"])
def test_work_stealing_is_not_offered(method: str) -> None:
    scheduler, (node, _) = scheduled(2, COLLECTION)
    with pytest.raises(NotImplementedError):
        getattr(scheduler, method)(node, [0])
