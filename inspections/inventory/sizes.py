"""Image sizes, exact (bytes from the engine) or read back from the engine's human format.

Build manifests show the size as `docker images` prints it (`646MB`, `1.73GB`: decimal units,
three significant digits), so a size read back from a manifest is only approximate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from inspections.inventory.errors import InventoryError, shown

_UNITS = {"B": 1, "kB": 10**3, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}
_HUMAN = re.compile(r"(?P<number>\d+(?:\.\d+)?) ?(?P<unit>B|kB|KB|MB|GB|TB|PB)")
_SHOWN_UNITS = (("PB", 10**15), ("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3))
MAX_BYTES = 2**63 - 1  # the engine counts bytes in 64-bit integers


@dataclass(frozen=True)
class ImageSize:
    """A size in bytes; `shown` is the human text it was read from ("" when exact)."""

    bytes: int
    shown: str = ""

    def __post_init__(self) -> None:
        if self.bytes < 0:
            raise InventoryError(f"an image size cannot be negative, got {self.bytes} bytes")
        if self.bytes > MAX_BYTES:
            raise InventoryError(
                f"an image size cannot be more than {MAX_BYTES} bytes, got {shown(str(self.bytes))}"
            )

    @property
    def exact(self) -> bool:
        """True when the size came from the engine in bytes."""
        return not self.shown

    def to_json(self) -> dict[str, Any]:
        return {"bytes": self.bytes, "shown": self.shown}

    @classmethod
    def from_json(cls, data: object) -> ImageSize:
        if (
            not isinstance(data, dict)
            or set(data) != {"bytes", "shown"}
            or not isinstance(data["bytes"], int)
            or isinstance(data["bytes"], bool)
            or not 0 <= data["bytes"] <= MAX_BYTES
            or not isinstance(data["shown"], str)
        ):
            expected = f'{{"bytes": <integer from 0 to {MAX_BYTES}>, "shown": <text>}}'
            raise InventoryError(f"an image size must be {expected}, got {shown(str(data))}")
        return cls(data["bytes"], data["shown"])


def parse_human_size(text: str) -> ImageSize:
    """An approximate size from the engine's human format, e.g. `646MB` or `595.7 MB`."""
    match = _HUMAN.fullmatch(text.strip())
    if match is None:
        raise InventoryError(
            f"image size {shown(text)} is not in the engine's format; "
            "expected e.g. '646MB' or '1.73GB'"
        )
    number = float(match["number"]) * _UNITS[match["unit"]]
    if not (math.isfinite(number) and number <= MAX_BYTES):
        raise InventoryError(
            f"image size {shown(text)} is more than an image can hold ({MAX_BYTES} bytes)"
        )
    return ImageSize(round(number), text.strip())


def human_size(size_bytes: int) -> str:
    """A size for people, decimal units with three significant digits: `646 MB`, `1.73 GB`."""
    magnitude = abs(size_bytes)
    if magnitude >= 1000 * 10**15:  # past three digits of petabytes: whole ones, exactly
        return f"{'-' if size_bytes < 0 else ''}{magnitude // 10**15} PB"
    for unit, factor in _SHOWN_UNITS:
        if magnitude >= factor:
            value = size_bytes / factor
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    return f"{size_bytes} B"
