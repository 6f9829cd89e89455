"""The inspection plan: which images are selected, and each image's inspections in order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from inspections.errors import StackError
from inspections.plugin.plan import PlannedInspection, build_plan, inspection_key, select_images
from inspections.stack import Stack, load_stack

StackWriter = Callable[[Mapping[str, str]], Path]  # the `make_stack` fixture

FOUNDATION_INSPECTIONS = """\
    from inspections import manifest, tagger


    @tagger
    def zeta_tag(host):
        return "zeta"


    def helper(host):
        return "not an inspection"


    @manifest("  Apt Packages  ")
    def alpha_piece(host):
        return "apt"


    def test_ordinary(host):
        pass


    CONSTANT = "ignored"


    @tagger
    def middle_tag(host):
        return "middle"
"""


def planned_names(plan_items: tuple[PlannedInspection, ...]) -> list[str]:
    return [item.name for item in plan_items]


def planned_keys(plan_items: tuple[PlannedInspection, ...]) -> list[str]:
    return [item.key for item in plan_items]


@pytest.fixture
def jupyter_like(make_stack: StackWriter) -> Stack:
    """foundation -> base -> {scipy, gpu}; gpu is also built as cuda12."""
    return load_stack(
        make_stack(
            {
                "foundation/image.toml": 'parent = ""\n',
                "base/image.toml": 'parent = "foundation"\n',
                "scipy/image.toml": 'parent = "base"\n',
                "gpu/image.toml": 'parent = "base"\nvariants = ["cuda12"]\n',
            }
        )
    )


# --- select_images -----------------------------------------------------------------------


def test_select_all_images_in_stack_order(jupyter_like: Stack) -> None:
    assert select_images(jupyter_like, [], "default") == ("foundation", "base", "gpu", "scipy")


def test_select_requested_images_in_stack_order(jupyter_like: Stack) -> None:
    assert select_images(jupyter_like, ["scipy", "foundation"], "default") == (
        "foundation",
        "scipy",
    )


def test_select_the_same_image_twice_once(jupyter_like: Stack) -> None:
    assert select_images(jupyter_like, ["base", "base"], "default") == ("base",)


def test_select_only_images_built_in_the_variant(jupyter_like: Stack) -> None:
    assert select_images(jupyter_like, [], "cuda12") == ("gpu",)
    assert select_images(jupyter_like, ["gpu"], "cuda12") == ("gpu",)


def test_select_unknown_image(jupyter_like: Stack) -> None:
    with pytest.raises(StackError) as raised:
        select_images(jupyter_like, ["base", "tensorflow"], "default")

    message = str(raised.value)
    assert "\n" not in message
    assert "unknown image 'tensorflow' in --image" in message
    assert str(jupyter_like.folder) in message
    assert "foundation, base, gpu, scipy" in message


def test_an_unknown_image_is_blamed_on_the_option_that_named_it(jupyter_like: Stack) -> None:
    named_by = {"base": "--image", "tensorflow": "--stack-image"}
    with pytest.raises(StackError, match=r"unknown image 'tensorflow' in --stack-image: "):
        select_images(jupyter_like, ["base", "tensorflow"], "default", "--variant", named_by)


def test_select_requested_image_without_the_variant(jupyter_like: Stack) -> None:
    with pytest.raises(StackError) as raised:
        select_images(jupyter_like, ["gpu", "scipy"], "cuda12")

    message = str(raised.value)
    assert "\n" not in message
    assert "image 'scipy' has no variant 'cuda12'" in message
    assert f"{jupyter_like.folder / 'scipy'}/image.toml" in message
    assert "--variant" in message


def test_select_variant_no_image_has(jupyter_like: Stack) -> None:
    with pytest.raises(StackError) as raised:
        select_images(jupyter_like, [], "rocm6")

    message = str(raised.value)
    assert "\n" not in message
    assert "variant 'rocm6'" in message
    assert str(jupyter_like.folder) in message
    assert "--variant default" in message


# --- build_plan --------------------------------------------------------------------------


def test_plan_keeps_declaration_order_and_ignores_other_functions(
    make_stack: StackWriter,
) -> None:
    folder = make_stack(
        {
            "foundation/image.toml": 'parent = ""\n',
            "foundation/inspect_f.py": FOUNDATION_INSPECTIONS,
        }
    )
    stack = load_stack(folder)

    plan = build_plan(stack, ("foundation",))

    assert plan.images == ("foundation",)
    assert plan.inspections["foundation"] == (
        PlannedInspection("foundation/inspect_f.py::zeta_tag", "zeta_tag", "tag", ""),
        PlannedInspection(
            "foundation/inspect_f.py::alpha_piece", "alpha_piece", "manifest", "Apt Packages"
        ),
        PlannedInspection("foundation/inspect_f.py::middle_tag", "middle_tag", "tag", ""),
    )


def test_plan_is_root_first_then_files_by_name(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "foundation/image.toml": 'parent = ""\n',
            "foundation/inspect_f.py": FOUNDATION_INSPECTIONS,
            "base/image.toml": 'parent = "foundation"\n',
            # Written in reverse order: the plan must sort by file name, not by creation.
            "base/inspect_z.py": """\
                from inspections import tagger

                @tagger
                def from_z(host):
                    return "z"
            """,
            "base/inspect_a.py": """\
                from inspections import manifest

                @manifest("From A")
                def from_a(host):
                    return "a"
            """,
            "base/not_an_inspection_file.py": """\
                from inspections import tagger

                @tagger
                def never_planned(host):
                    return "n"
            """,
            "scipy/image.toml": 'parent = "base"\n',
            "scipy/inspect_scipy.py": """\
                from inspections import tagger

                @tagger
                def scipy_version(host):
                    return "scipy-1.13"
            """,
        }
    )
    stack = load_stack(folder)

    plan = build_plan(stack, ("base", "scipy"))

    assert set(plan.inspections) == {"base", "scipy"}
    assert planned_keys(plan.inspections["base"]) == [
        "foundation/inspect_f.py::zeta_tag",
        "foundation/inspect_f.py::alpha_piece",
        "foundation/inspect_f.py::middle_tag",
        "base/inspect_a.py::from_a",
        "base/inspect_z.py::from_z",
    ]
    assert planned_keys(plan.inspections["scipy"]) == [
        *planned_keys(plan.inspections["base"]),
        "scipy/inspect_scipy.py::scipy_version",
    ]


def test_plan_of_an_image_excludes_its_descendants(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n',
            "root/inspect_root.py": """\
                from inspections import tagger

                @tagger
                def root_tag(host):
                    return "r"
            """,
            "leaf/image.toml": 'parent = "root"\n',
            "leaf/inspect_leaf.py": """\
                from inspections import tagger

                @tagger
                def leaf_tag(host):
                    return "l"
            """,
        }
    )

    plan = build_plan(load_stack(folder), ("root", "leaf"))

    assert planned_names(plan.inspections["root"]) == ["root_tag"]
    assert planned_names(plan.inspections["leaf"]) == ["root_tag", "leaf_tag"]


def test_imported_inspections_are_declared_where_imported(
    make_stack: StackWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared_library"
    shared.mkdir()
    (shared / "shared_checks_for_plan_test.py").write_text(
        "from inspections import manifest, tagger\n\n"
        "@tagger\ndef python_version(host):\n    return 'python-3.11'\n\n"
        "@manifest('Pip Packages')\ndef pip_list(host):\n    return 'pip'\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(shared))
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n',
            "root/inspect_root.py": """\
                from inspections import tagger
                from shared_checks_for_plan_test import python_version


                @tagger
                def own_tag(host):
                    return "own"
            """,
            "child/image.toml": 'parent = "root"\n',
            "child/inspect_child.py": """\
                from shared_checks_for_plan_test import pip_list
            """,
        }
    )

    plan = build_plan(load_stack(folder), ("child",))

    assert plan.inspections["child"] == (
        PlannedInspection("root/inspect_root.py::python_version", "python_version", "tag", ""),
        PlannedInspection("root/inspect_root.py::own_tag", "own_tag", "tag", ""),
        PlannedInspection(
            "child/inspect_child.py::pip_list", "pip_list", "manifest", "Pip Packages"
        ),
    )


def test_image_without_inspection_files_has_an_empty_plan(make_stack: StackWriter) -> None:
    folder = make_stack({"root/image.toml": 'parent = ""\n'})

    assert build_plan(load_stack(folder), ("root",)).inspections == {"root": ()}


@pytest.mark.parametrize(
    ("source", "error_type"),
    [
        pytest.param("import module_that_does_not_exist_anywhere\n", "ModuleNotFoundError"),
        pytest.param("def broken(:\n    pass\n", "SyntaxError"),
        pytest.param("raise RuntimeError('cannot read the image list')\n", "RuntimeError"),
        pytest.param("from inspections import taggr\n", "ImportError"),
    ],
)
def test_module_that_fails_to_import(make_stack: StackWriter, source: str, error_type: str) -> None:
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n',
            "root/inspect_ok.py": "from inspections import tagger\n",
            "root/inspect_broken.py": source,
        }
    )
    stack = load_stack(folder)

    with pytest.raises(StackError) as raised:
        build_plan(stack, ("root",))

    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{folder / 'root' / 'inspect_broken.py'}: import failed (")
    assert error_type in message


def test_module_of_an_unselected_image_is_still_checked(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n',
            "other/image.toml": 'parent = ""\n',
            "other/inspect_other.py": "raise ValueError('broken')\n",
        }
    )

    with pytest.raises(StackError, match=r"inspect_other\.py: import failed"):
        build_plan(load_stack(folder), ("root",))


def test_inspection_key() -> None:
    key = inspection_key("base-notebook", Path("/any/where/inspect_python.py"), "python_version")

    assert key == "base-notebook/inspect_python.py::python_version"
    assert inspection_key("base-notebook", Path("inspect_python.py"), "python_version") == key
