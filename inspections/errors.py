"""The errors stack-inspections reports as one clear line."""


class StackInspectionError(Exception):
    """Base of every error whose message is complete, one line, and says how to fix it."""


class StackError(StackInspectionError):
    """The stack folder or one of its declarations is invalid."""


class ImageNotAvailableError(StackInspectionError):
    """An image of the stack is not in the local Docker engine."""


class DockerUnavailableError(StackInspectionError):
    """The Docker engine cannot be reached."""


class InspectionError(StackInspectionError):
    """An inspection could not compute its value; the message says why and how to fix it."""
