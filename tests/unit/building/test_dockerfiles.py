"""Reading Dockerfiles written in the Jupyter Docker Stacks' shape: what the last FROM names."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from inspections.building.dockerfile import (
    UnresolvedFrom,
    parse_dockerfile,
    resolve_base,
)

PATH = Path("images/child/Dockerfile")


def base_of(text: str) -> str:
    return resolve_base(parse_dockerfile(PATH, dedent(text))).reference


def test_a_child_names_its_parent_through_arg_defaults() -> None:
    assert (
        base_of(
            """\
            # Copyright notice
            ARG REGISTRY=quay.io
            ARG OWNER=jupyter
            ARG BASE_IMAGE=$REGISTRY/$OWNER/scipy-notebook
            FROM $BASE_IMAGE

            LABEL maintainer="someone"
            """
        )
        == "quay.io/jupyter/scipy-notebook"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ARG BASE=${REGISTRY}/${OWNER}/base\nFROM ${BASE}", "ghcr.io/me/base"),
        ('ARG BASE="$REGISTRY/$OWNER/base:latest"\nFROM $BASE', "ghcr.io/me/base:latest"),
        ("FROM ${UNSET:-$REGISTRY/fallback}", "ghcr.io/fallback"),
        ("FROM ${REGISTRY:+$REGISTRY/}plain", "ghcr.io/plain"),
        ("FROM --platform=$BUILDPLATFORM $REGISTRY/$OWNER/base AS build", "ghcr.io/me/base"),
        ("ARG A=1 B=$OWNER/x\nFROM $REGISTRY/$B", "ghcr.io/me/x"),
    ],
    ids=["braces", "quoted default", ":- default", ":+ word", "--platform and AS", "two ARGs"],
)
def test_variable_forms(header: str, expected: str) -> None:
    assert base_of(f"ARG REGISTRY=ghcr.io\nARG OWNER=me\n{header}\n") == expected


def test_a_root_follows_its_last_from_through_a_build_stage() -> None:
    dockerfile = parse_dockerfile(
        PATH,
        dedent(
            """\
            # This build arg allows building on another root image
            ARG ROOT_IMAGE=default_root_image

            FROM ubuntu:24.04@sha256:4b1d0c5a6a5e2a3a AS default_root_image
            FROM mambaorg/micromamba:2.0.5 AS micromamba

            FROM $ROOT_IMAGE
            RUN --mount=type=bind,from=micromamba,source=/bin/micromamba,target=/bin/micromamba \\
                micromamba install --yes 'python=3.12'
            """
        ),
    )
    base = resolve_base(dockerfile)

    assert base.reference.startswith("ubuntu:24.04@sha256:4b1d0c5a")
    assert base.line == "FROM $ROOT_IMAGE"
    assert [stage.name for stage in base.stages] == [None, "default_root_image"]
    assert [i.keyword for i in base.stages[0].instructions] == ["RUN"]


def test_continuations_drop_comment_lines_and_keep_the_instruction_whole() -> None:
    dockerfile = parse_dockerfile(
        PATH,
        dedent(
            """\
            FROM debian:12
            RUN apt-get update --yes && \\
                apt-get install --yes \\
                # a comment inside the instruction
                curl \\
                git
            ENV A=1 \\
                B=2
            """
        ),
    )
    run, env = dockerfile.stages[-1].instructions
    assert (run.keyword, " ".join(run.arguments.split())) == (
        "RUN",
        "apt-get update --yes && apt-get install --yes curl git",
    )
    assert (env.keyword, " ".join(env.arguments.split())) == ("ENV", "A=1 B=2")


def test_the_escape_directive_changes_the_continuation_character() -> None:
    text = "# escape=`\nFROM windows/servercore\nRUN echo one `\n    two\n"
    run = parse_dockerfile(PATH, text).stages[-1].instructions[0]
    assert " ".join(run.arguments.split()) == "echo one two"


def test_a_heredoc_body_is_not_read_as_instructions() -> None:
    """A script line that starts with FROM is the script's, as stack-build reads it too."""
    text = "ARG BASE=quay.io/me/base\nFROM $BASE\nRUN <<EOF\nFROM nowhere\nEOF\nUSER 1000\n"
    dockerfile = parse_dockerfile(PATH, text)

    assert resolve_base(dockerfile).reference == "quay.io/me/base"
    assert [i.keyword for i in dockerfile.stages[-1].instructions] == ["RUN", "USER"]


def test_args_after_the_first_from_are_not_seen_by_from_lines() -> None:
    with pytest.raises(UnresolvedFrom) as raised:
        base_of("FROM busybox AS tools\nARG BASE=quay.io/me/base\nFROM $BASE\n")
    assert str(raised.value) == (
        "images/child/Dockerfile: cannot follow `FROM $BASE`: no ARG BASE before the first FROM "
        "declares it: add ARG BASE=<default> above the first FROM"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n",
            "cannot follow `FROM $BASE_IMAGE`: ARG BASE_IMAGE has no default: give it one "
            "(ARG BASE_IMAGE=<default>)",
        ),
        (
            "ARG OWNER\nARG BASE_IMAGE=quay.io/$OWNER/base\nFROM $BASE_IMAGE\n",
            "cannot follow `FROM $BASE_IMAGE`: ARG OWNER has no default: give it one "
            "(ARG OWNER=<default>)",
        ),
        (
            "ARG BASE=quay.io/me/base:1.0\nFROM ${BASE%:*}\n",
            "cannot follow `FROM ${BASE%:*}`: ${BASE%:*} is a substitution this reader does not "
            "follow: write the image name, or $NAME with an ARG default",
        ),
        ("# only a comment\n", "no FROM instruction: start the Dockerfile with FROM <image>"),
        (
            "ARG BASE_IMAGE=$REGISTRY/jupyter/root\nARG REGISTRY=quay.io\nFROM $BASE_IMAGE\n",
            "cannot follow `FROM $BASE_IMAGE`: ARG BASE_IMAGE's default uses $REGISTRY, which "
            "is declared after it (a default sees only the ARGs above it): move ARG REGISTRY "
            "above ARG BASE_IMAGE",
        ),
    ],
    ids=[
        "no default",
        "a default needing one without",
        "other substitution",
        "no FROM",
        "an ARG declared below the default using it",
    ],
)
def test_a_from_that_cannot_be_followed_is_one_line_naming_file_and_from(
    text: str, message: str
) -> None:
    with pytest.raises(UnresolvedFrom) as raised:
        base_of(text)
    assert str(raised.value) == f"images/child/Dockerfile: {message}"


APP_CONF_STAGE = """\
    # syntax=docker/dockerfile:1
    ARG BASE_IMAGE=quay.io/jupyter/root
    FROM busybox:1.36 AS config
    {copy}
    FROM $BASE_IMAGE
    COPY --from=config /etc/app.conf /etc/
    """


@pytest.mark.parametrize(
    "copy",
    [
        "COPY <<app.conf /etc/app.conf\nkey = value\napp.conf",
        'COPY <<"my file" /etc/app.conf\nkey = value\nmy file',
        "COPY <<'END-OF-FILE' /etc/app.conf\nFROM nowhere\nEND-OF-FILE",
        "COPY <<-EOF /etc/app.conf\n\tFROM nowhere\n\t\tEOF",
        "COPY <<A <<B /etc/\nB\nA\nFROM nowhere\nB",
        "RUN echo '<<EOF' > /etc/app.conf",
        "COPY --chmod=644 <<EOF /etc/app.conf\n  EOF\nFROM nowhere\nEOF",
        "ONBUILD RUN <<EOF\nFROM nowhere\nEOF",
    ],
    ids=[
        "a dotted name",
        "a quoted name with a space",
        "single quotes",
        "<<- strips tabs",
        "two heredocs, one after the other",
        "a quoted << is no heredoc",
        "only the name alone ends the body",
        "ONBUILD RUN",
    ],
)
def test_heredoc_bodies_end_where_buildkit_ends_them(copy: str) -> None:
    """Every shell word `<<NAME` opens a body ending at a line that is NAME (tabs stripped
    first for `<<-`); the stages after the bodies are read."""
    dockerfile = parse_dockerfile(PATH, dedent(APP_CONF_STAGE).format(copy=copy))

    assert resolve_base(dockerfile).reference == "quay.io/jupyter/root"
    assert [stage.name for stage in dockerfile.stages] == ["config", None]


def test_an_unterminated_heredoc_is_one_line_naming_it() -> None:
    with pytest.raises(UnresolvedFrom) as raised:
        base_of("FROM busybox AS config\nCOPY <<app.conf /etc/\nkey = value\nFROM quay.io/me/x\n")
    assert str(raised.value) == (
        "images/child/Dockerfile: the heredoc <<app.conf has no end line: end its body with a "
        "line that is just app.conf"
    )


def test_a_byte_order_mark_before_the_first_line_is_dropped() -> None:
    text = "\ufeff# syntax=docker/dockerfile:1\nFROM quay.io/me/base\n"
    dockerfile = parse_dockerfile(PATH, text)

    assert dockerfile.directives == {"syntax": "docker/dockerfile:1"}
    assert resolve_base(dockerfile).reference == "quay.io/me/base"


def test_empty_lines_inside_a_continuation_do_not_end_the_instruction() -> None:
    text = "FROM \\\n\n    quay.io/me/base \\\n  \n    # a comment\n    AS final\nUSER 1000\n"
    dockerfile = parse_dockerfile(PATH, text)

    assert resolve_base(dockerfile).reference == "quay.io/me/base"
    assert [stage.name for stage in dockerfile.stages] == ["final"]
    assert [i.keyword for i in dockerfile.stages[-1].instructions] == ["USER"]
