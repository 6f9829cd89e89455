"""The tags file: every tag of one image build as a fully qualified reference, one a line.

As the Jupyter Docker Stacks' tools write it: `<registry>/<owner>/<image>:<prefix>-latest`
first, then one reference per tagger, joined by newlines with none after the last. The prefix
is the platform (`x86_64`) or, for a variant other than the default, the platform and the
variant (`x86_64-cuda12`).
"""

from __future__ import annotations

from inspections.formats.inspected_image import InspectedImage
from inspections.references import Reference, parse_reference, reference_problem
from inspections.text import lines_of


class TagsFileError(ValueError):
    """A line of a tags file is not a reference: `number` counts its non-blank lines."""

    def __init__(self, number: int, problem: str) -> None:
        super().__init__(f"line {number}: the reference {problem}")
        self.number = number
        self.problem = problem


def tag_lines(image: InspectedImage) -> list[str]:
    """The tags file's lines: one fully qualified reference per tag, `-latest` first."""
    return [f"{image.repository_image}:{tag}" for tag in image.all_tags()]


def tags_file(image: InspectedImage) -> str:
    """The tags file: its lines joined, without a final newline."""
    return "\n".join(tag_lines(image))


def read_tags_file(text: str) -> tuple[Reference, ...]:
    """The references a tags file lists, in order; blank lines and surrounding spaces are
    ignored. TagsFileError names the first line that is not a reference by its number."""
    lines = [line.strip() for line in lines_of(text) if line.strip()]
    references = []
    for number, line in enumerate(lines, start=1):
        problem = reference_problem(line)
        if problem is not None:
            raise TagsFileError(number, problem)
        references.append(parse_reference(line))
    return tuple(references)
