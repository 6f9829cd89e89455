"""Build facts: the timestamp (SOURCE_DATE_EPOCH) and the git commit of the stack."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.build_info import BuildInfo, build_timestamp, read_build_info
from inspections.errors import InspectionError, StackInspectionError

FIXED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def git(folder: Path, *args: str) -> str:
    """Run git in `folder` with a fixed identity and no signing; return its stdout."""
    completed = subprocess.run(
        [
            "git",
            "-C",
            str(folder),
            "-c",
            "user.name=Unit Test",
            "-c",
            "user.email=unit@test.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


@pytest.fixture
def no_enclosing_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder git cannot find a repository for, even if tmp_path lies inside one."""
    folder = tmp_path / "plain"
    folder.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for variable in ("GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(variable, raising=False)
    return folder


# --- build_timestamp -----------------------------------------------------------------------


@pytest.mark.parametrize("environ", [{}, {"SOURCE_DATE_EPOCH": ""}, {"SOURCE_DATE_EPOCH": "  "}])
def test_build_timestamp_is_now_without_source_date_epoch(environ: dict[str, str]) -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    stamp = build_timestamp(environ)

    assert before <= stamp <= datetime.now(UTC)
    assert stamp.tzinfo is UTC
    assert stamp.microsecond == 0


@pytest.mark.parametrize("value", ["1700000000", " 1700000000\n"])
def test_build_timestamp_from_source_date_epoch(value: str) -> None:
    assert build_timestamp({"SOURCE_DATE_EPOCH": value}) == datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=UTC
    )


def test_build_timestamp_epoch_zero() -> None:
    assert build_timestamp({"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["yesterday", "1.5", "-1", "1e9", "0x10"])
def test_build_timestamp_rejects_a_bad_source_date_epoch(value: str) -> None:
    with pytest.raises(StackInspectionError) as raised:
        build_timestamp({"SOURCE_DATE_EPOCH": value})

    message = str(raised.value)
    assert message.startswith(
        f"SOURCE_DATE_EPOCH={value!r} is not a time in whole seconds since 1970"
    )
    assert "unset it or fix it" in message
    assert "\n" not in message


def test_build_timestamp_rejects_milliseconds_cleanly() -> None:
    with pytest.raises(StackInspectionError, match="SOURCE_DATE_EPOCH"):
        build_timestamp({"SOURCE_DATE_EPOCH": "1700000000000"})


# --- read_build_info -----------------------------------------------------------------------


def test_read_build_info_in_a_git_repository(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    stack = repository / "images"
    (stack / "base").mkdir(parents=True)
    (stack / "base" / "image.toml").write_text('parent = ""\n', encoding="utf-8")
    git(tmp_path, "init", "--quiet", str(repository))
    git(repository, "add", ".")
    git(repository, "commit", "--quiet", "-m", "Add base\n\nWith a body line.\n")
    expected_sha = git(repository, "log", "-1", "--format=%H").strip()

    build = read_build_info(stack, FIXED)

    assert build.timestamp == FIXED
    assert Path(build.git_toplevel) == repository.resolve()
    assert re.fullmatch(r"[0-9a-f]{40}", build.git_commit)
    assert build.git_commit == expected_sha
    assert build.git_message == "Add base\n\nWith a body line."
    assert build.git_problem == ""
    assert build.commit_sha() == expected_sha


def test_read_build_info_sees_the_latest_commit(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", str(tmp_path))
    git(tmp_path, "commit", "--quiet", "--allow-empty", "-m", "first")
    first = git(tmp_path, "rev-parse", "HEAD").strip()
    git(tmp_path, "commit", "--quiet", "--allow-empty", "-m", "second")

    build = read_build_info(tmp_path, FIXED)

    assert build.git_commit != first
    assert build.git_message == "second"


def test_read_build_info_outside_a_repository(no_enclosing_repository: Path) -> None:
    build = read_build_info(no_enclosing_repository, FIXED)

    assert build.timestamp == FIXED
    assert (build.git_toplevel, build.git_commit, build.git_message) == ("", "", "")
    assert str(no_enclosing_repository) in build.git_problem
    assert "not a git repository" in build.git_problem
    assert "run inside a git checkout" in build.git_problem
    with pytest.raises(InspectionError) as raised:
        build.commit_sha()
    assert str(raised.value) == build.git_problem
    assert "\n" not in str(raised.value)


def test_read_build_info_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    build = read_build_info(tmp_path, FIXED)

    assert build.git_commit == ""
    assert build.git_problem.startswith("git is not installed: install git")
    with pytest.raises(InspectionError, match="git is not installed"):
        build.commit_sha()


def test_read_build_info_in_a_repository_without_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet", str(tmp_path))

    build = read_build_info(tmp_path, FIXED)

    assert build.git_commit == ""
    assert "HEAD" in build.git_problem
    assert "<revision>" not in build.git_problem


def test_commit_sha_without_any_explanation() -> None:
    with pytest.raises(InspectionError, match="no git commit known"):
        BuildInfo(timestamp=FIXED).commit_sha()


# --- the wire ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        BuildInfo(FIXED, "/src/stack", "0123456789abcdef0123456789abcdef01234567", "Msg\n\nbody"),
        BuildInfo(FIXED, "/src", "1" * 40, "Msg", git_changes=("images/a/Dockerfile", "b c")),
        BuildInfo(FIXED, git_problem="not a git repository"),
    ],
    ids=["commit", "modified", "problem"],
)
def test_wire_round_trip(build: BuildInfo) -> None:
    wire = build.to_wire()

    assert all(isinstance(value, str | list) for value in wire.values())
    assert json.loads(json.dumps(wire)) == wire
    assert BuildInfo.from_wire(wire) == build
    assert BuildInfo.from_wire(wire).timestamp.utcoffset() is not None


def test_wire_timestamp_is_iso_format() -> None:
    assert BuildInfo(FIXED).to_wire()["timestamp"] == "2024-01-02T03:04:05+00:00"
