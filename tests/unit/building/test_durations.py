"""The previous builds' durations: kept per user, read back, never in the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.building.durations import (
    duration_key,
    durations_file,
    read_durations,
    record_durations,
)


def test_the_file_is_in_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert durations_file() == tmp_path / "stack-inspections" / "build-durations.json"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert durations_file() == Path.home() / ".cache/stack-inspections/build-durations.json"


def test_recorded_durations_are_merged_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "durations.json"
    assert read_durations(path) == {}
    base = duration_key("x86_64", "localhost/me/base:latest")
    child = duration_key("x86_64", "localhost/me/child:latest")
    record_durations(path, {base: 12.5})
    record_durations(path, {child: 3.0})
    record_durations(path, {base: 10.0})
    assert read_durations(path) == {base: 10.0, child: 3.0}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"a": "slow", "b": -1, "c": 2}'])
def test_a_damaged_file_counts_as_empty(tmp_path: Path, content: str) -> None:
    path = tmp_path / "durations.json"
    path.write_text(content)
    assert read_durations(path) == ({"c": 2.0} if content.startswith('{"a"') else {})


def test_an_unwritable_file_is_left_alone(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    record_durations(blocked / "durations.json", {"x": 1.0})  # no error: a hint only
    assert blocked.read_text() == ""
