"""Which images a run builds, in which order and variant, from where, with which arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

import throwaway_stacks
from inspections.building.build_plan import BuildTarget, Selection, plan_builds
from inspections.building.errors import BuildUsageError
from inspections.stack import Stack, load_stack
from throwaway_stacks import StackImage

# A Jupyter-like tree; pytorch has GPU variants, scipy none, foundation has cuda12 too.
DECLARATIONS = {
    "foundation": 'parent = ""\nvariants = ["cuda12"]\n[build-args]\nPYTHON_VERSION = "3.12"\n',
    "base": 'parent = "foundation"\n',
    "scipy": 'parent = "base"\n[build-args]\nPYTHON_VERSION = "3.11"\nEXTRA = "1"\n',
    "r": 'parent = "base"\n',
    "pytorch": 'parent = "scipy"\nvariants = ["cuda12", "cuda13"]\n'
    '[variant-folders]\ncuda13 = "gpu/13"\n',
}


VARIANT_FOLDERS = {"foundation": ("cuda12",), "pytorch": ("cuda12", "gpu/13")}


def write_stack(folder: Path, declarations: dict[str, str], dockerfiles: bool = True) -> Stack:
    images = {}
    for name, declaration in declarations.items():
        files = {}
        if dockerfiles:
            files["Dockerfile"] = "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n"
            files |= {
                f"{variant}/Dockerfile": "FROM x\n" for variant in VARIANT_FOLDERS.get(name, ())
            }
        images[name] = StackImage(files=files, declaration=declaration)
    return load_stack(throwaway_stacks.write_stack(folder, "me", images))


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    return write_stack(tmp_path / "stack", DECLARATIONS)


def plan(
    stack: Stack, *images: str, variant: str = "default", no_parents: bool = False
) -> list[BuildTarget]:
    return plan_builds(stack, Selection(images, variant, no_parents), "localhost", "me")


def labels(targets: list[BuildTarget]) -> list[str]:
    return [target.label for target in targets]


def test_every_image_parents_first(stack: Stack) -> None:
    assert labels(plan(stack)) == ["foundation", "base", "r", "scipy", "pytorch"]


def test_an_image_brings_its_ancestors(stack: Stack) -> None:
    targets = plan(stack, "scipy")
    assert labels(targets) == ["foundation", "base", "scipy"]
    assert all(target.parent_in_plan for target in targets[1:])


def test_no_parents_builds_only_the_named_images(stack: Stack) -> None:
    targets = plan(stack, "scipy", "r", no_parents=True)
    assert labels(targets) == ["r", "scipy"]
    assert [target.parent_in_plan for target in targets] == [False, False]
    assert targets[1].parent_reference == "localhost/me/base:latest"


def test_references_contexts_and_build_arguments(stack: Stack) -> None:
    foundation, base, scipy = plan(stack, "scipy")
    assert foundation.reference == "localhost/me/foundation:latest"
    assert foundation.context == stack.folder / "foundation"
    assert foundation.dockerfile == stack.folder / "foundation" / "Dockerfile"
    assert foundation.parent_reference == ""
    assert dict(foundation.build_args) == {
        "REGISTRY": "localhost",
        "OWNER": "me",
        "PYTHON_VERSION": "3.12",
    }
    assert dict(scipy.build_args) == {
        "REGISTRY": "localhost",
        "OWNER": "me",
        "BASE_IMAGE": "localhost/me/base:latest",
        "PYTHON_VERSION": "3.11",
        "EXTRA": "1",
    }
    assert base.parent == ("foundation", "default")


def test_command_line_build_args_come_last_and_win(stack: Stack) -> None:
    targets = plan_builds(
        stack,
        Selection(("scipy",), no_parents=True),
        "localhost",
        "me",
        (("EXTRA", "2"), ("BASE_IMAGE", "mine:1")),
    )
    assert dict(targets[0].build_args)["EXTRA"] == "2"
    assert dict(targets[0].build_args)["BASE_IMAGE"] == "mine:1"


def test_a_variant_starts_from_the_parents_variant_or_its_default(stack: Stack) -> None:
    targets = plan(stack, "pytorch", variant="cuda12")
    assert labels(targets) == ["foundation", "base", "scipy", "pytorch (cuda12)"]
    by_label = {target.label: target for target in targets}
    pytorch = by_label["pytorch (cuda12)"]
    assert pytorch.reference == "localhost/me/pytorch:cuda12-latest"
    assert pytorch.context == stack.folder / "pytorch" / "cuda12"
    assert pytorch.parent_reference == "localhost/me/scipy:latest"  # scipy has no cuda12
    assert dict(pytorch.build_args)["BASE_IMAGE"] == "localhost/me/scipy:latest"
    assert by_label["base"].parent_reference == "localhost/me/foundation:latest"


def test_every_image_of_a_variant_with_the_variants_own_parents(stack: Stack) -> None:
    targets = plan(stack, variant="cuda12")
    assert labels(targets) == [
        "foundation",
        "foundation (cuda12)",
        "base",
        "scipy",
        "pytorch (cuda12)",
    ]
    assert targets[1].context == stack.folder / "foundation" / "cuda12"
    assert targets[1].reference == "localhost/me/foundation:cuda12-latest"


def test_a_variant_folder_named_in_image_toml(stack: Stack) -> None:
    pytorch = plan(stack, "pytorch", variant="cuda13", no_parents=True)[0]
    assert pytorch.context == stack.folder / "pytorch" / "gpu" / "13"
    assert pytorch.reference == "localhost/me/pytorch:cuda13-latest"


@pytest.mark.parametrize(
    ("images", "variant", "message"),
    [
        (("nope",), "default", "unknown image 'nope' in .*: use one of foundation, base, r, "),
        ((), "rocm", "no image of .* declares variant 'rocm': drop --variant, or add"),
        (("r",), "cuda12", r"image 'r' has no variant 'cuda12' \(its variants: none\): use"),
    ],
    ids=["unknown image", "unknown variant", "image without the variant"],
)
def test_what_cannot_be_built_is_one_line(
    stack: Stack, images: tuple[str, ...], variant: str, message: str
) -> None:
    with pytest.raises(BuildUsageError, match=message) as raised:
        plan(stack, *images, variant=variant)
    assert "\n" not in str(raised.value)


def test_a_missing_dockerfile_names_the_file(stack: Stack) -> None:
    (stack.folder / "base" / "Dockerfile").unlink()
    expected = stack.folder / "base" / "Dockerfile"
    with pytest.raises(BuildUsageError, match=f"no Dockerfile for base \\(expected {expected}\\)"):
        plan(stack, "scipy")
    assert labels(plan(stack, "scipy", no_parents=True)) == ["scipy"]


def test_a_stack_without_any_dockerfile(tmp_path: Path) -> None:
    stack = write_stack(tmp_path / "declared", DECLARATIONS, dockerfiles=False)
    with pytest.raises(BuildUsageError, match=r"no image of .* has a Dockerfile: stack-build "):
        plan(stack)
