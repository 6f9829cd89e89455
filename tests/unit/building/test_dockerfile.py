"""What stack-build reads in a Dockerfile: base images and BuildKit-only instructions."""

from __future__ import annotations

import pytest

from inspections.building.dockerfile import (
    as_docker_build,
    base_references,
    buildkit_feature,
    expand,
)

JUPYTER_STYLE = """\
# Copyright notice
ARG REGISTRY=quay.io
ARG OWNER=jupyter
ARG BASE_IMAGE=$REGISTRY/$OWNER/scipy-notebook
FROM $BASE_IMAGE

ARG REGISTRY=ignored/after/from
RUN echo FROM nowhere
"""


def test_arg_defaults_and_build_args_make_the_from_reference() -> None:
    assert base_references(JUPYTER_STYLE, {}) == ["quay.io/jupyter/scipy-notebook"]
    assert base_references(JUPYTER_STYLE, {"OWNER": "me"}) == ["quay.io/me/scipy-notebook"]
    exact = {"BASE_IMAGE": "localhost/demo/scipy-notebook:latest", "OWNER": "me"}
    assert base_references(JUPYTER_STYLE, exact) == ["localhost/demo/scipy-notebook:latest"]


def test_stages_scratch_platform_flags_and_heredocs() -> None:
    text = """\
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN <<EOF
FROM this-is-a-heredoc-body
EOF
FROM scratch AS empty
FROM build AS again
FROM debian:12 \\
    AS final
COPY --from=build /x /x
"""
    assert base_references(text, {}) == ["golang:1.22", "debian:12"]


@pytest.mark.parametrize(
    ("text", "scope", "expanded"),
    [
        ("${A}-$B", {"A": "a", "B": "b"}, "a-b"),
        ("${A:-fallback}", {}, "fallback"),
        ("${A:-fallback}", {"A": "set"}, "set"),
        ("${A:+alternative}", {"A": "set"}, "alternative"),
        ("${A:+alternative}", {}, ""),
        ("$UNSET/x", {}, "/x"),
    ],
)
def test_expand(text: str, scope: dict[str, str | None], expanded: str) -> None:
    assert expand(text, scope, as_docker_build) == expanded


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("FROM x\nRUN --mount=type=secret,id=ca pip install y\n", "RUN --mount"),
        ("FROM x\nRUN --network=none true\n", "RUN --network"),
        ("FROM x\nCOPY --link a /a\n", "COPY --link"),
        ("FROM x\nCOPY --chown=1000 --chmod=755 a /a\n", "COPY --chmod"),
        ("FROM x\nRUN <<EOF\necho hi\nEOF\n", "a RUN heredoc"),
        ("FROM x\nCOPY <<app.conf /etc/\nk = v\napp.conf\n", "a COPY heredoc"),
        ("FROM x\nRUN echo '<<EOF' > /x\n", None),
        ("# syntax=docker/dockerfile:1\nFROM x\n", "a # syntax= directive"),
        ("FROM x\nCOPY --chown=1000 a /a\nRUN echo --mount\n", None),
        ("FROM x\nRUN apt-get install -y \\\n    --no-install-recommends git\n", None),
    ],
)
def test_buildkit_feature(text: str, feature: str | None) -> None:
    assert buildkit_feature(text) == feature


def test_the_escape_directive_joins_a_from_line_as_stack_init_reads_it() -> None:
    """stack-build and stack-init read one Dockerfile alike: here, its own escape character."""
    text = "# escape=`\nARG BASE=quay.io/me/base\nFROM `\n    $BASE\n"
    assert base_references(text, {}) == ["quay.io/me/base"]


def test_a_heredoc_named_like_a_file_ends_at_its_name_for_stack_build_too() -> None:
    text = "FROM busybox AS config\nCOPY <<app.conf /etc/\nk = v\napp.conf\nFROM debian:12\n"
    assert base_references(text, {}) == ["busybox", "debian:12"]
