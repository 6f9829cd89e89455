"""The errors that stop stack-build with one line: 2 for what was asked, 1 for what failed."""

from inspections.errors import StackInspectionError


class BuildError(StackInspectionError):
    """A step failed (the engine, a file, an archive that cannot be loaded): exit status 1."""


class BuildUsageError(BuildError):
    """An option, the stack or an input file is wrong: exit status 2."""
