"""Run record entries for tests that need one without running a session."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from inspections.outputs.record_entry import (
    PASSED,
    ImageTests,
    RecordedBuild,
    RecordEntry,
    Timing,
)

COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"
BUILD = RecordedBuild("2026-11-27T11:38:14+00:00", COMMIT, False, ())
NOTHING_TIMED = Timing(None, (), 0, 0, 0, None, 0.0)


def image_id_of(image: str) -> str:
    """A well-formed image id that differs from image to image."""
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def sample_entry(
    image: str = "base",
    outcome: str = PASSED,
    files: dict[str, str] | None = None,
    **fields: Any,
) -> RecordEntry:
    """An entry of `image` with `outcome`, listing `files` (relative path -> sha256);
    `fields` replace any other field."""
    passed = outcome == PASSED
    entry = RecordEntry(
        image=image,
        parent="",
        variant="default",
        platform="x86_64",
        outcome=outcome,
        reasons=() if passed else (f"{image} failed",),
        image_id=image_id_of(image),
        reference=f"quay.io/jupyter/{image}:latest",
        size_bytes=123_456_789,
        repo_digests=(),
        session="0" * 32,
        build=BUILD,
        tags=("x86_64-latest",) if passed else (),
        references=(f"quay.io/jupyter/{image}:x86_64-latest",) if passed else (),
        manifest_pieces=(),
        inspections=(),
        tests=ImageTests(0, ()),
        timing=NOTHING_TIMED,
        inventory=None,
        changes=None,
        files=files or {},
    )
    return dataclasses.replace(entry, **fields)
