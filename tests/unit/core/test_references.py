"""One grammar of image references: what the options accept is what publishing reads back."""

from __future__ import annotations

import pytest

from inspections.references import (
    OWNER,
    REGISTRY,
    ImageReference,
    InvalidReference,
    Reference,
    parse_reference,
    reference_problem,
    split_tag,
)


def test_references_with_a_registry_port() -> None:
    assert parse_reference("127.0.0.1:5000/o/img:x86_64-1.0") == Reference(
        "127.0.0.1:5000/o/img", "x86_64-1.0"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("127.0.0.1:5000/o/img", "has no tag"),
        ("localhost/Demo/img:latest", "invalid repository"),
        ("localhost/demo/img:-latest", "invalid tag"),
        ("localhost/demo/img:" + "a" * 129, "invalid tag"),
    ],
)
def test_bad_references_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidReference, match=problem) as raised:
        parse_reference(text)

    assert str(raised.value).startswith(f"{text!r} has ")


@pytest.mark.parametrize(
    ("owner", "valid"),
    [
        ("jupyter", True),
        ("my-team", True),
        ("a__b", True),
        ("a---b", True),
        ("team/sub.group", True),
        ("a..b", False),
        ("a._b", False),
        ("a___b", False),
        ("-a", False),
        ("Jupyter", False),
    ],
)
def test_an_owner_the_options_accept_is_one_a_reference_may_hold(owner: str, valid: bool) -> None:
    """Docker's separators: `.`, `_`, `__` or dashes; the options and the tags files agree."""
    assert bool(OWNER.fullmatch(owner)) is valid
    assert (reference_problem(f"quay.io/{owner}/base-notebook:latest") is None) is valid


@pytest.mark.parametrize(
    ("registry", "valid"),
    [
        ("quay.io", True),
        ("Quay.io", True),
        ("localhost", True),
        ("localhost:5000", True),
        ("registry:5000", True),
        ("127.0.0.1:5000", True),
        ("-quay.io", False),
        ("quay-.io", False),
        ("MyHost", False),
    ],
)
def test_a_registry_the_options_accept_is_one_a_reference_may_start_with(
    registry: str, valid: bool
) -> None:
    assert bool(REGISTRY.fullmatch(registry)) is valid
    assert (reference_problem(f"{registry}/jupyter/base-notebook:latest") is None) is valid


def test_a_host_docker_would_read_as_a_docker_hub_namespace_is_no_registry() -> None:
    """`myhost/jupyter/x` is a valid reference, of Docker Hub's `myhost/jupyter/x`."""
    assert not REGISTRY.fullmatch("myhost")
    assert reference_problem("myhost/jupyter/base-notebook:latest") is None


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("quay.io/jupyter/base:latest", ("quay.io/jupyter/base", "latest")),
        ("localhost:5000/o/img", ("localhost:5000/o/img", "")),
        ("img", ("img", "")),
    ],
)
def test_split_tag_keeps_a_registry_port(text: str, split: tuple[str, str]) -> None:
    assert split_tag(text) == split


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("quay.io/jupyter/base-notebook", ("quay.io", "jupyter", "base-notebook")),
        ("quay.io/jupyter/base-notebook:latest", ("quay.io", "jupyter", "base-notebook")),
        ("localhost:5000/team/sub/img:1@sha256:ab", ("localhost:5000", "team/sub", "img")),
        ("localhost/demo/foundation:latest", ("localhost", "demo", "foundation")),
        ("jupyter/base-notebook", ("docker.io", "jupyter", "base-notebook")),
        ("ubuntu:24.04@sha256:56", ("docker.io", "library", "ubuntu")),
    ],
)
def test_image_references_split_into_registry_owner_and_name(
    text: str, parts: tuple[str, str, str]
) -> None:
    reference = ImageReference.parse(text)
    assert (reference.registry, reference.owner, reference.name) == parts
