"""Taggers computed from build facts rather than from the container."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from inspections import InspectionError, tagger
from inspections.library.protocols import BuildStamp

SHORT_SHA_LENGTH = 12
_FULL_SHA = re.compile(r"[0-9a-f]{40}")


def short_sha(sha: str) -> str:
    """The first 12 characters of a full 40-character git sha."""
    sha = sha.strip()
    if not _FULL_SHA.fullmatch(sha):
        raise InspectionError(f"expected a full 40-character lowercase git sha, got {sha!r}")
    return sha[:SHORT_SHA_LENGTH]


def utc_date(timestamp: datetime) -> str:
    """The UTC calendar date of `timestamp`, as YYYY-MM-DD."""
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise InspectionError(
            f"build timestamp {timestamp.isoformat()} has no timezone; the date would be ambiguous"
        )
    return timestamp.astimezone(UTC).strftime("%Y-%m-%d")


@tagger
def sha_tag(build_info: BuildStamp) -> str:
    """The short git sha of the commit the image was built from, e.g. `f8b8a6b2d1a3`."""
    return short_sha(build_info.commit_sha())


@tagger
def date_tag(build_info: BuildStamp) -> str:
    """The UTC build date, e.g. `2024-10-21`."""
    return utc_date(build_info.timestamp)
