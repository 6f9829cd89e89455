"""The item index: which selected images a file, or a node id alone, of the stack belongs to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from inspections.plugin.item_index import ItemIndex, default_paths
from inspections.plugin.plan import build_plan
from inspections.stack import Stack, load_stack

StackWriter = Callable[[Mapping[str, str]], Path]  # the `make_stack` fixture


@pytest.fixture
def stack(make_stack: StackWriter) -> Stack:
    """root -> {left, right}, with an image test in `left`."""
    return load_stack(
        make_stack(
            {
                "root/image.toml": 'parent = ""\n',
                "left/image.toml": 'parent = "root"\n',
                "left/test_left.py": "def test_it(image):\n    pass\n",
                "right/image.toml": 'parent = "root"\n',
            }
        )
    )


def index_of(
    stack: Stack,
    selected: tuple[str, ...],
    their_images: tuple[str, ...] = (),
    **folders: tuple[Path, ...],
) -> ItemIndex:
    """The index of a session run from the folder above the stack, without path arguments."""
    rootpath = stack.folder.parent
    shared, own = folders.get("shared", ()), folders.get("image_tests", ())
    arguments = [str(path) for path in default_paths(stack, selected, shared, own)]
    plan = build_plan(stack, selected)
    return ItemIndex(stack, plan, shared, own, rootpath, arguments, their_images)


def test_a_file_of_an_image_folder_applies_to_its_selected_descendants(stack: Stack) -> None:
    index = index_of(stack, ("root", "left"))
    assert index.owner_of(stack.folder / "root/test_root.py") == "root"
    assert index.images_for(stack.folder / "root/test_root.py") == ["root", "left"]
    assert index.images_for(stack.folder / "right/test_right.py") == []
    assert index.is_stack_file(stack.folder / "right/test_right.py")


def test_shared_and_own_image_tests_apply_as_declared(stack: Stack, tmp_path: Path) -> None:
    shared, own = tmp_path / "shared", tmp_path / "image-tests"
    (own / "left").mkdir(parents=True)
    index = index_of(stack, ("root", "left", "right"), shared=(shared,), image_tests=(own,))
    assert index.images_for(shared / "test_all.py") == ["root", "left", "right"]
    assert index.images_for(own / "left/test_mine.py") == ["left"]
    assert index.images_for(own / "test_loose.py") is None
    assert not index.is_stack_file(tmp_path / "elsewhere/test_other.py")


def test_a_node_id_names_its_image_only_in_a_stack_file(stack: Stack) -> None:
    index = index_of(stack, ("root", "left", "right"))
    assert index.image_of_nodeid("stack/left/test_left.py::test_it[left]") == "left"
    assert index.images_of_nodeid("stack/left/test_left.py::test_it[left]") == ["left"]
    assert index.image_of_nodeid("stack/left/test_missing.py::test_it[left]") is None
    assert index.images_of_nodeid("tests/test_other.py::test_it[left]") == []


def test_a_test_with_fixtures_of_its_own_counts_for_the_images_their_option_names(
    stack: Stack, tmp_path: Path
) -> None:
    own = tmp_path / "image-tests"
    for name in ("root", "right"):
        (own / name).mkdir(parents=True)
        (own / name / f"test_{name}.py").write_text("def test_it(container):\n    pass\n")
    selected = ("root", "left", "right")

    theirs = index_of(stack, selected, ("left",), image_tests=(own,))
    anyone = index_of(stack, selected, image_tests=(own,))

    assert theirs.images_of_nodeid("image-tests/root/test_root.py::test_it") == ["left"]
    assert theirs.images_of_nodeid("image-tests/right/test_right.py::test_it") == []
    assert theirs.images_of_nodeid("stack/left/test_left.py::test_it[left]") == ["left"]
    assert anyone.images_of_nodeid("image-tests/root/test_root.py::test_it") == list(selected)


def test_default_paths_hold_the_image_tests_of_the_lineage_only(
    stack: Stack, tmp_path: Path
) -> None:
    own = tmp_path / "image-tests"
    for name in ("root", "left", "right"):
        (own / name).mkdir(parents=True)
    paths = default_paths(stack, ("left",), (tmp_path / "shared",), (own,))
    assert paths == [stack.folder, tmp_path / "shared", own / "root", own / "left"]


def test_an_image_folder_is_located_from_the_rootdir(stack: Stack) -> None:
    assert index_of(stack, ("root",)).location_of("left") == "stack/left"
