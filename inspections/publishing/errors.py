"""The errors of the publishing commands: one line that says what is wrong and how to fix it."""

from inspections.errors import StackInspectionError


class PublishError(StackInspectionError):
    """A publishing step failed (engine, registry, missing image): the command exits with 1."""


class PublishUsageError(PublishError):
    """An argument or an input file is wrong: the command exits with 2."""
