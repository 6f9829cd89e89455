"""Image sizes: the engine's human format read back, against the exact bytes it rounds."""

from __future__ import annotations

import pytest

from inspections.inventory.errors import InventoryError
from inspections.inventory.sizes import ImageSize, human_size, parse_human_size

from .support import recorded

SIZES = [line.split() for line in recorded("docker-image-sizes.txt").splitlines() if line]


@pytest.mark.parametrize(("image", "shown", "exact"), SIZES)
def test_human_sizes_are_within_rounding_of_the_bytes(image: str, shown: str, exact: str) -> None:
    size = parse_human_size(shown)
    assert not size.exact
    assert size.shown == shown
    # three significant digits: at most half a unit of the last digit away, i.e. 0.5 %
    assert abs(size.bytes - int(exact)) <= 0.005 * int(exact), image


@pytest.mark.parametrize(("image", "shown", "exact"), SIZES)
def test_sizes_are_shown_as_the_engine_rounds_them(image: str, shown: str, exact: str) -> None:
    number, unit = human_size(int(exact)).split()
    assert f"{number}{unit}" == shown, image


def test_our_older_spaced_format_is_read_too() -> None:
    assert parse_human_size("595.7 MB").bytes == 595_700_000


@pytest.mark.parametrize("text", ["", "646", "646 MiB", "-1MB", "1e9B", "646MB; rm -rf /"])
def test_other_texts_are_refused(text: str) -> None:
    with pytest.raises(InventoryError, match="not in the engine's format"):
        parse_human_size(text)


def test_size_json_round_trip_and_validation() -> None:
    size = parse_human_size("1.73GB")
    assert ImageSize.from_json(size.to_json()) == size
    for hostile in ({"bytes": -1, "shown": ""}, {"bytes": True, "shown": ""}, {"bytes": 1}, "1GB"):
        with pytest.raises(InventoryError, match="image size must be"):
            ImageSize.from_json(hostile)


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(InventoryError, match="cannot be negative, got -5 bytes"):
        ImageSize(-5)


@pytest.mark.parametrize("text", ["9" * 400 + "MB", "9223372036854775808B", "9300PB"])
def test_a_size_no_image_can_have_is_refused(text: str) -> None:
    with pytest.raises(InventoryError, match=r"more than an image can hold \(9223372036854775807 "):
        parse_human_size(text)


def test_a_size_beyond_64_bits_is_refused() -> None:
    with pytest.raises(InventoryError, match="cannot be more than 9223372036854775807 bytes"):
        ImageSize(2**63)
    with pytest.raises(InventoryError, match="image size must be"):
        ImageSize.from_json({"bytes": 10**400, "shown": ""})


@pytest.mark.parametrize(
    ("size_bytes", "shown"),
    [(2**63 - 1, "9223 PB"), (10**400, "1" + "0" * 385 + " PB"), (-(10**18), "-1000 PB")],
)
def test_sizes_past_petabytes_are_shown_in_whole_ones(size_bytes: int, shown: str) -> None:
    assert human_size(size_bytes) == shown
