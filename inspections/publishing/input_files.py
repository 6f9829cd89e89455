"""Reading input files as UTF-8 text, with an error that names the file and the fix."""

from __future__ import annotations

from pathlib import Path

from inspections.publishing.errors import PublishUsageError


def read_input_file(path: Path, fix: str) -> str:
    """The text of `path`, or PublishUsageError: `cannot read <path> (<reason>): <fix>`."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise PublishUsageError(f"cannot read {path} ({reason}): {fix}") from error
