"""The stack declaration: build order, ancestors, --only, reading the folders."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import pytest
from builder.errors import BuildError
from builder.stack import Image, Stack, ancestors, build_order, load_stack, select

from tests.demo_builder.script import DEMO

# The Jupyter-like tree of the demo stack, declared in an order that is neither sorted nor
# parents-first.
PARENTS = {
    "pytorch-notebook": "scipy-notebook",
    "r-notebook": "minimal-notebook",
    "base-notebook": "docker-stacks-foundation",
    "scipy-notebook": "minimal-notebook",
    "pyspark-notebook": "scipy-notebook",
    "minimal-notebook": "base-notebook",
    "docker-stacks-foundation": "",
}
ORDER = [
    "docker-stacks-foundation",
    "base-notebook",
    "minimal-notebook",
    "r-notebook",
    "scipy-notebook",
    "pyspark-notebook",
    "pytorch-notebook",
]


def make_stack(parents: dict[str, str]) -> Stack:
    """A stack declared in the order of ``parents`` (no files needed)."""
    images = {name: Image(name, parent, Path("/stack", name)) for name, parent in parents.items()}
    return Stack(Path("/stack"), "localhost", "demo", images)


def test_build_order_is_parents_first_then_siblings_by_name() -> None:
    assert build_order(make_stack(PARENTS)) == ORDER


def test_build_order_does_not_depend_on_declaration_order() -> None:
    small = {"b": "root", "a": "root", "root": "", "c": "a", "other-root": ""}
    orders = {
        tuple(build_order(make_stack(dict(permutation))))
        for permutation in itertools.permutations(small.items())
    }
    assert orders == {("other-root", "root", "a", "c", "b")}


def test_every_parent_comes_before_its_children() -> None:
    order = build_order(make_stack(PARENTS))
    for name, parent in PARENTS.items():
        if parent:
            assert order.index(parent) < order.index(name)


def test_unknown_parent_is_an_error() -> None:
    with pytest.raises(BuildError, match="child: unknown parent 'nobody'"):
        build_order(make_stack({"root": "", "child": "nobody"}))


def test_cycle_is_an_error() -> None:
    with pytest.raises(BuildError, match=r"without a root \(cycle\?\): a, b"):
        build_order(make_stack({"root": "", "a": "b", "b": "a"}))


def test_ancestors_are_root_first() -> None:
    assert ancestors(make_stack(PARENTS), "pyspark-notebook") == [
        "docker-stacks-foundation",
        "base-notebook",
        "minimal-notebook",
        "scipy-notebook",
        "pyspark-notebook",
    ]


def test_only_selects_the_image_and_its_ancestors() -> None:
    assert select(make_stack(PARENTS), ["r-notebook"]) == [
        "docker-stacks-foundation",
        "base-notebook",
        "minimal-notebook",
        "r-notebook",
    ]


def test_only_with_several_images_keeps_the_build_order() -> None:
    selected = select(make_stack(PARENTS), ["pytorch-notebook", "r-notebook"])
    assert selected == [name for name in ORDER if name != "pyspark-notebook"]


def test_no_only_selects_everything() -> None:
    assert select(make_stack(PARENTS), []) == ORDER


def test_unknown_only_name_is_a_one_line_error_listing_the_images() -> None:
    with pytest.raises(BuildError) as raised:
        select(make_stack(PARENTS), ["r-notebook", "nope"])
    message = str(raised.value)
    assert message.startswith("unknown image(s): nope (known: docker-stacks-foundation, ")
    assert "\n" not in message


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_load_stack_reads_the_declarations(tmp_path: Path) -> None:
    write(tmp_path / "stack.toml", 'registry = "localhost"\nowner = "someone"\n')
    write(tmp_path / "root" / "image.toml", 'parent = ""\n')
    write(tmp_path / "child" / "image.toml", 'parent = "root"\n')
    write(tmp_path / "tools" / "helper.py", "")  # a folder without image.toml is no image
    stack = load_stack(tmp_path)
    assert stack.images == {
        "child": Image("child", "root", tmp_path / "child"),
        "root": Image("root", "", tmp_path / "root"),
    }
    assert stack.ref("child") == "localhost/someone/child:latest"
    assert stack.log("child") == tmp_path / ".build-logs" / "child.log"


def test_the_demo_folder_declares_the_images_of_expected_versions() -> None:
    expected = tomllib.loads((DEMO / "expected_versions.toml").read_text())["parents"]
    stack = load_stack(DEMO)
    assert {name: image.parent for name, image in stack.images.items()} == expected
    assert "builder" not in stack.images


@pytest.mark.parametrize(
    ("stack_toml", "image_toml", "message"),
    [
        ('owner = "x"\n', 'parent = ""\n', "stack.toml: set both registry and owner"),
        ('registry = "r"\nowner = "x"\n', "parent = 3\n", "image.toml: parent must be a string"),
        ('registry = "r"\nowner = "x"\n', "parent = \n", "cannot read .*image.toml"),
        ('registry = "r"\nowner = "x"\n', 'parent = "ghost"\n', "unknown parent 'ghost'"),
    ],
    ids=["no registry", "parent not a string", "broken toml", "unknown parent"],
)
def test_bad_declarations_are_one_line_errors(
    tmp_path: Path, stack_toml: str, image_toml: str, message: str
) -> None:
    write(tmp_path / "stack.toml", stack_toml)
    write(tmp_path / "root" / "image.toml", image_toml)
    with pytest.raises(BuildError, match=message) as raised:
        load_stack(tmp_path)
    assert "\n" not in str(raised.value)


def test_missing_stack_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=f"cannot read {tmp_path / 'stack.toml'}"):
        load_stack(tmp_path)
