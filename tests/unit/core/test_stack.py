"""The stack model: loading image folders, their hierarchy order, and every declaration error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from inspections.errors import StackError
from inspections.stack import DEFAULT_VARIANT, ImageSpec, StackSettings, load_stack

StackWriter = Callable[[Mapping[str, str]], Path]  # the `make_stack` fixture

# A Jupyter-like hierarchy with two roots, several siblings and a grandchild.
PARENTS: dict[str, str] = {
    "foundation": "",
    "base": "foundation",
    "minimal": "base",
    "scipy": "minimal",
    "r": "minimal",
    "julia": "minimal",
    "pyspark": "scipy",
    "zz-root": "",
    "aaa-child": "zz-root",
}


def image_files(parents: dict[str, str]) -> dict[str, str]:
    """image.toml files declaring `parents` (image -> parent)."""
    return {f"{name}/image.toml": f'parent = "{parent}"\n' for name, parent in parents.items()}


def load_error(folder: Path) -> str:
    """The message of the StackError that loading `folder` raises."""
    with pytest.raises(StackError) as raised:
        load_stack(folder)
    return str(raised.value)


# --- valid stacks ---------------------------------------------------------------------------


def test_every_image_comes_after_its_parent(make_stack: StackWriter) -> None:
    stack = load_stack(make_stack(image_files(PARENTS)))

    order = list(stack.images)
    assert sorted(order) == sorted(PARENTS)
    for name, parent in PARENTS.items():
        if parent:
            assert order.index(parent) < order.index(name), f"{parent} must precede {name}"


def test_siblings_and_roots_are_ordered_by_name(make_stack: StackWriter) -> None:
    stack = load_stack(make_stack(image_files(PARENTS)))

    order = list(stack.images)
    siblings_of_minimal = [name for name in order if PARENTS[name] == "minimal"]
    roots = [name for name in order if not PARENTS[name]]
    assert siblings_of_minimal == ["julia", "r", "scipy"]
    assert roots == ["foundation", "zz-root"]


def test_order_is_parents_first_depth_first(make_stack: StackWriter) -> None:
    stack = load_stack(make_stack(image_files(PARENTS)))

    assert list(stack.images) == [
        "foundation",
        "base",
        "minimal",
        "julia",
        "r",
        "scipy",
        "pyspark",
        "zz-root",
        "aaa-child",
    ]


def test_order_does_not_depend_on_creation_order(make_stack: StackWriter) -> None:
    forward = make_stack(image_files(PARENTS))
    backward = make_stack(image_files(dict(reversed(PARENTS.items()))))

    assert list(load_stack(forward).images) == list(load_stack(backward).images)


def test_image_spec_fields(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n',
            "gpu/image.toml": 'parent = "root"\nvariants = ["cuda12", "cuda11"]\n',
        }
    )
    stack = load_stack(folder)

    assert stack.folder == folder
    assert stack.images["root"] == ImageSpec(name="root", parent="", folder=folder / "root")
    assert stack.images["gpu"] == ImageSpec(
        name="gpu", parent="root", folder=folder / "gpu", variants=("cuda12", "cuda11")
    )


def test_folders_without_image_toml_are_not_images(make_stack: StackWriter) -> None:
    folder = make_stack({"root/image.toml": 'parent = ""\n', "Not An Image/README.md": "notes\n"})

    assert list(load_stack(folder).images) == ["root"]


def test_lineage_is_root_first(make_stack: StackWriter) -> None:
    stack = load_stack(make_stack(image_files(PARENTS)))

    assert [spec.name for spec in stack.lineage("pyspark")] == [
        "foundation",
        "base",
        "minimal",
        "scipy",
        "pyspark",
    ]
    assert stack.lineage("pyspark")[-1] is stack.images["pyspark"]
    assert stack.lineage_names("foundation") == ["foundation"]
    assert stack.lineage_names("aaa-child") == ["zz-root", "aaa-child"]


def test_image_owning(make_stack: StackWriter, tmp_path: Path) -> None:
    folder = make_stack(
        {
            "base/image.toml": 'parent = ""\n',
            "base-notebook/image.toml": 'parent = "base"\n',
            "base-notebook/sub/inspect_deep.py": "",
        }
    )
    stack = load_stack(folder)

    assert stack.image_owning(folder / "base" / "inspect_base.py") == "base"
    # A folder whose name starts like another image's is still its own image.
    assert stack.image_owning(folder / "base-notebook" / "inspect_x.py") == "base-notebook"
    assert stack.image_owning(folder / "base-notebook" / "sub" / "inspect_deep.py") == (
        "base-notebook"
    )
    assert stack.image_owning(folder / "base" / ".." / "base-notebook" / "f.py") == (
        "base-notebook"
    )
    assert stack.image_owning(folder / "conftest.py") is None
    assert stack.image_owning(tmp_path / "elsewhere" / "base" / "inspect_base.py") is None


def test_image_spec_supports_default_and_declared_variants() -> None:
    plain = ImageSpec(name="plain", parent="", folder=Path("plain"))
    gpu = ImageSpec(name="gpu", parent="", folder=Path("gpu"), variants=("cuda12",))

    assert plain.supports(DEFAULT_VARIANT)
    assert not plain.supports("cuda12")
    assert gpu.supports(DEFAULT_VARIANT)
    assert gpu.supports("cuda12")
    assert not gpu.supports("cuda11")


def test_settings_default_without_stack_toml(make_stack: StackWriter) -> None:
    stack = load_stack(make_stack({"root/image.toml": 'parent = ""\n'}))

    assert stack.settings == StackSettings(registry="quay.io", owner="jupyter", repository="")


def test_settings_from_stack_toml(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "stack.toml": """\
                registry = "localhost:5000"
                owner = "demo"
                repository = "https://github.com/demo/stack"
            """,
            "root/image.toml": 'parent = ""\n',
        }
    )

    assert load_stack(folder).settings == StackSettings(
        registry="localhost:5000", owner="demo", repository="https://github.com/demo/stack"
    )


def test_partial_stack_toml_keeps_the_other_defaults(make_stack: StackWriter) -> None:
    folder = make_stack({"stack.toml": 'owner = "demo"\n', "root/image.toml": 'parent = ""\n'})

    assert load_stack(folder).settings == StackSettings(owner="demo")
    assert load_stack(folder).settings.registry == "quay.io"


# --- errors: one line, naming the file and the fix -----------------------------------------


def assert_one_line(message: str) -> None:
    assert "\n" not in message, f"error spans several lines: {message!r}"


def test_missing_stack_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-stack"

    message = load_error(missing)

    assert_one_line(message)
    assert str(missing) in message
    assert "--stack DIR" in message
    assert "inspections_stack" in message


def test_stack_folder_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "stack"
    a_file.write_text("", encoding="utf-8")

    message = load_error(a_file)

    assert_one_line(message)
    assert str(a_file) in message


def test_empty_stack(make_stack: StackWriter) -> None:
    folder = make_stack({"README.md": "no images yet\n"})

    message = load_error(folder)

    assert_one_line(message)
    assert str(folder) in message
    assert "declares no image" in message
    assert "image.toml" in message
    assert 'parent = ""' in message


@pytest.mark.parametrize(
    ("image_toml", "expected"),
    [
        pytest.param('parent = "base\n', "invalid TOML", id="unterminated-string"),
        pytest.param("parent\n", "invalid TOML", id="no-equals"),
        pytest.param('variants = ["cuda12"]\n', "missing `parent`", id="missing-parent"),
        pytest.param("parent = 1\n", "`parent` must be a string", id="parent-int"),
        pytest.param('parent = ["base"]\n', "`parent` must be a string", id="parent-list"),
    ],
)
def test_invalid_image_toml(make_stack: StackWriter, image_toml: str, expected: str) -> None:
    folder = make_stack({"base/image.toml": 'parent = ""\n', "child/image.toml": image_toml})

    message = load_error(folder)

    assert_one_line(message)
    assert message.startswith(f"{folder / 'child' / 'image.toml'}: ")
    assert expected in message


def test_invalid_toml_says_where_and_how_to_fix(make_stack: StackWriter) -> None:
    folder = make_stack({"base/image.toml": 'parent = "unterminated\n'})

    message = load_error(folder)

    assert "line 1" in message
    assert "fix the syntax" in message


def test_missing_parent_says_how_to_declare_one(make_stack: StackWriter) -> None:
    folder = make_stack({"base/image.toml": "# forgot the parent\n"})

    message = load_error(folder)

    assert 'add parent = "<image>"' in message
    assert '"" for a root' in message


def test_non_string_parent_shows_a_string_example(make_stack: StackWriter) -> None:
    folder = make_stack({"base/image.toml": "parent = false\n"})

    assert 'e.g. parent = ""' in load_error(folder)


def test_unknown_parent_lists_the_images(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "foundation/image.toml": 'parent = ""\n',
            "base/image.toml": 'parent = "foundation"\n',
            "scipy/image.toml": 'parent = "minimal"\n',
        }
    )

    message = load_error(folder)

    assert_one_line(message)
    assert message.startswith(f"{folder / 'scipy' / 'image.toml'}: ")
    assert "unknown parent 'minimal'" in message
    assert "use one of base, foundation or" in message  # not scipy itself
    assert '"" for a root' in message


@pytest.mark.parametrize(
    ("parents", "first_declaration", "cycle"),
    [
        pytest.param({"a": "a"}, "a", "a -> a", id="self"),
        pytest.param({"a": "b", "b": "a"}, "a", "a -> b -> a", id="two"),
        pytest.param({"a": "c", "b": "a", "c": "b"}, "a", "a -> c -> b -> a", id="three"),
        pytest.param(
            {"root": "", "x": "root", "m": "n", "n": "o", "o": "m"},
            "m",
            "m -> n -> o -> m",
            id="three-beside-a-valid-root",
        ),
    ],
)
def test_parent_cycle(
    make_stack: StackWriter, parents: dict[str, str], first_declaration: str, cycle: str
) -> None:
    folder = make_stack(image_files(parents))

    message = load_error(folder)

    assert_one_line(message)
    assert message.startswith(f"{folder / first_declaration / 'image.toml'}: ")
    assert f"parent cycle {cycle}:" in message
    assert "needs another parent" in message


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Base-Notebook", id="uppercase"),
        pytest.param("base notebook", id="space"),
        pytest.param("base--notebook", id="double-separator"),
        pytest.param("-base", id="leading-separator"),
        pytest.param("base.", id="trailing-separator"),
        pytest.param("bäse", id="non-ascii"),
    ],
)
def test_invalid_image_name(make_stack: StackWriter, name: str) -> None:
    folder = make_stack({f"{name}/image.toml": 'parent = ""\n'})

    message = load_error(folder)

    assert_one_line(message)
    assert message.startswith(f"{folder / name}: ")
    assert f"invalid image name {name!r}" in message
    assert "lowercase" in message


@pytest.mark.parametrize("name", ["base-notebook", "python3.11", "r_notebook", "a"])
def test_valid_image_names(make_stack: StackWriter, name: str) -> None:
    folder = make_stack({f"{name}/image.toml": 'parent = ""\n'})

    assert list(load_stack(folder).images) == [name]


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        pytest.param('"cuda12"', "`variants` must be a list of names", id="string"),
        pytest.param("[12]", "`variants` must be a list of names", id="int-item"),
        pytest.param("{ cuda = 12 }", "`variants` must be a list of names", id="table"),
        pytest.param('["CUDA12"]', "invalid variant 'CUDA12'", id="uppercase"),
        pytest.param('["cuda 12"]', "invalid variant 'cuda 12'", id="space"),
        pytest.param('[""]', "invalid variant ''", id="empty"),
        pytest.param('["default"]', "invalid variant 'default'", id="default-is-implicit"),
    ],
)
def test_invalid_variants(make_stack: StackWriter, variants: str, expected: str) -> None:
    folder = make_stack({"gpu/image.toml": f'parent = ""\nvariants = {variants}\n'})

    message = load_error(folder)

    assert_one_line(message)
    assert message.startswith(f"{folder / 'gpu' / 'image.toml'}: ")
    assert expected in message
    assert "cuda12" in message  # the example of a valid variant


@pytest.mark.parametrize(
    ("stack_toml", "expected"),
    [
        pytest.param('registry = "quay.io\n', "invalid TOML", id="invalid-toml"),
        pytest.param("owner = 7\n", '`owner` must be a string, e.g. owner = "jupyter"', id="int"),
        pytest.param(
            "registry = []\n",
            '`registry` must be a string, e.g. registry = "quay.io"',
            id="list",
        ),
    ],
)
def test_invalid_stack_toml(make_stack: StackWriter, stack_toml: str, expected: str) -> None:
    folder = make_stack({"stack.toml": stack_toml, "root/image.toml": 'parent = ""\n'})

    message = load_error(folder)

    assert_one_line(message)
    assert message.startswith(f"{folder / 'stack.toml'}: ")
    assert expected in message


def test_image_toml_that_is_not_utf8(make_stack: StackWriter) -> None:
    folder = make_stack({"base/image.toml": 'parent = ""\n'})
    (folder / "base" / "image.toml").write_bytes(b'# caf\xe9 (latin-1)\nparent = ""\n')

    message = load_error(folder)

    assert_one_line(message)
    assert str(folder / "base" / "image.toml") in message


def test_build_args_and_variant_folders(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n[build-args]\nPYTHON_VERSION = "3.12"\nB = "x"\n',
            "gpu/image.toml": 'parent = "root"\nvariants = ["cuda12", "cuda13"]\n'
            '[variant-folders]\ncuda13 = "gpu/13"\n',
        }
    )
    stack = load_stack(folder)

    assert stack.images["root"].build_args == (("PYTHON_VERSION", "3.12"), ("B", "x"))
    gpu = stack.images["gpu"]
    assert gpu.build_folder(DEFAULT_VARIANT) == folder / "gpu"
    assert gpu.build_folder("cuda12") == folder / "gpu" / "cuda12"
    assert gpu.build_folder("cuda13") == folder / "gpu" / "gpu" / "13"


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ("[build-args]\nPYTHON_VERSION = 3\n", "`[build-args]` must be a table of strings"),
        ("build-args = 1\n", "`[build-args]` must be a table of strings"),
        ('[build-args]\n"1-X" = "y"\n', "invalid build argument name '1-X' in `[build-args]`"),
        ('[variant-folders]\ncuda12 = "gpu"\n', "`[variant-folders]` names 'cuda12', which"),
        ('variants = ["cuda12"]\n[variant-folders]\ncuda12 = "../other"\n', "must be a folder"),
        ('variants = ["cuda12"]\n[variant-folders]\ncuda12 = "/abs"\n', "must be a folder"),
    ],
)
def test_bad_build_settings_are_one_line(
    make_stack: StackWriter, declaration: str, message: str
) -> None:
    folder = make_stack({"root/image.toml": 'parent = ""\n' + declaration})

    error = load_error(folder)
    assert error.startswith(f"{folder / 'root' / 'image.toml'}: ")
    assert message in error
    assert "\n" not in error


def test_two_builds_named_alike_are_refused(make_stack: StackWriter) -> None:
    """`<platform>-<variant>-<image>` names a build's files: `gpu-x` in the default variant
    and `x` in `default-gpu` would both be `x86_64-default-gpu-x`."""
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\n',
            "gpu-x/image.toml": 'parent = "root"\n',
            "x/image.toml": 'parent = "root"\nvariants = ["default-gpu"]\n',
        }
    )

    assert load_error(folder) == (
        f"{folder}: image gpu-x in variant default and image x in variant default-gpu would "
        "share the archive, log and tags file names <platform>-default-gpu-x…: rename a variant "
        "or an image"
    )


def test_variants_and_images_named_alike_but_built_apart_are_kept(
    make_stack: StackWriter,
) -> None:
    folder = make_stack(
        {
            "root/image.toml": 'parent = ""\nvariants = ["gpu"]\n',
            "gpu/image.toml": 'parent = "root"\nvariants = ["root"]\n',
        }
    )

    assert list(load_stack(folder).images) == ["root", "gpu"]


@pytest.mark.parametrize(
    ("declaration", "key"),
    [
        ('parent = ""\n[build_args]\nPYTHON_VERSION = "3.12"\n', "build_args"),
        ('parent = ""\nvariantz = ["cuda12"]\n', "variantz"),
        ('parent = ""\ndockerfile = "Dockerfile.gpu"\n', "dockerfile"),
    ],
)
def test_an_unknown_key_of_image_toml_is_refused(
    make_stack: StackWriter, declaration: str, key: str
) -> None:
    folder = make_stack({"root/image.toml": declaration})

    assert load_error(folder) == (
        f"{folder / 'root' / 'image.toml'}: unknown key {key!r}: use parent, variants, "
        "build-args, variant-folders (fix or remove it)"
    )


def test_an_unknown_key_of_stack_toml_is_refused(make_stack: StackWriter) -> None:
    folder = make_stack(
        {"stack.toml": 'registry = "quay.io"\nowners = "me"\n', "root/image.toml": 'parent = ""\n'}
    )

    assert load_error(folder) == (
        f"{folder / 'stack.toml'}: unknown key 'owners': use registry, owner, repository "
        "(fix or remove it)"
    )


def test_every_documented_key_is_allowed(make_stack: StackWriter) -> None:
    folder = make_stack(
        {
            "stack.toml": 'registry = "r.io"\nowner = "o"\nrepository = "https://h/o/n"\n',
            "root/image.toml": 'parent = ""\nvariants = ["cuda12"]\n[build-args]\nA = "1"\n'
            '[variant-folders]\ncuda12 = "gpu"\n',
        }
    )

    stack = load_stack(folder)

    assert stack.settings == StackSettings("r.io", "o", "https://h/o/n")
    assert stack.images["root"].variant_folders == (("cuda12", "gpu"),)
