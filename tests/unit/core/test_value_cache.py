"""The value cache: an entry anyone may have written is a miss, never an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.runtime.cache import ValueCache

IMAGE_ID = "sha256:" + "0" * 64


def os_tag(host: object) -> str:
    return "debian-12"


@pytest.mark.parametrize(
    "stored", [b"{broken", b"[" * 100_000, b"\xff\xfe"], ids=["json", "deep", "binary"]
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, stored: bytes) -> None:
    cache = ValueCache(tmp_path / "cache", tmp_path)
    cache.put(IMAGE_ID, "os_tag", os_tag, "debian-12")
    assert cache.get(IMAGE_ID, "os_tag", os_tag) == "debian-12"
    (entry,) = (tmp_path / "cache").rglob("*.json")
    entry.write_bytes(stored)

    assert cache.get(IMAGE_ID, "os_tag", os_tag) is None
