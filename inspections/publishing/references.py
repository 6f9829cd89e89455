"""References given on the command line, and image ids as `docker images` shows them.

The grammar of a reference (`registry/owner/image:tag`) is the tags file's, see
`formats.tags_file`.
"""

from __future__ import annotations

from inspections.formats.tags_file import Reference, reference_problem, split_reference
from inspections.publishing.errors import PublishUsageError


def parse_reference(text: str) -> Reference:
    """`text` as a reference with an explicit tag, or PublishUsageError saying what is wrong."""
    problem = reference_problem(text)
    if problem is not None:
        raise PublishUsageError(f"{text!r} {problem}")
    return split_reference(text)


def short_id(image_id: str) -> str:
    """The 12-digit form of an image id that `docker images` shows."""
    return image_id.removeprefix("sha256:")[:12]
