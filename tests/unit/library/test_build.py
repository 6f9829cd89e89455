"""Taggers from build facts: the short sha and the UTC build date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from inspections import InspectionError
from inspections.library import build

from .support import FakeBuildStamp

SHA = "0123456789abcdef0123456789abcdef01234567"
SESSION_START = datetime(2024, 10, 21, 23, 30, tzinfo=UTC)


def test_short_sha_keeps_twelve_characters() -> None:
    assert build.short_sha(SHA) == "0123456789ab"
    assert build.short_sha(SHA + "\n") == "0123456789ab"


@pytest.mark.parametrize("sha", ["", "0123456789ab", SHA.upper(), "g" * 40, SHA + "0"])
def test_short_sha_rejects_anything_but_a_full_sha(sha: str) -> None:
    with pytest.raises(InspectionError, match="full 40-character"):
        build.short_sha(sha)


def test_utc_date_converts_to_utc_first() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert build.utc_date(datetime(2024, 10, 21, 20, 0, tzinfo=new_york)) == "2024-10-22"
    assert build.utc_date(SESSION_START) == "2024-10-21"


def test_utc_date_refuses_a_naive_timestamp() -> None:
    with pytest.raises(InspectionError, match="no timezone"):
        build.utc_date(datetime(2024, 10, 21, 12, 0))


def test_taggers_read_the_build_info() -> None:
    info = FakeBuildStamp(SESSION_START, SHA)
    assert build.sha_tag(info) == "0123456789ab"
    assert build.date_tag(info) == "2024-10-21"


def test_sha_tag_passes_on_a_missing_git() -> None:
    with pytest.raises(InspectionError, match="git is not available"):
        build.sha_tag(FakeBuildStamp(SESSION_START, None))
