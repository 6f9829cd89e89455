"""The PyTorch tagger, read from the Python distributions listing."""

from __future__ import annotations

from inspections import tagger
from inspections.library.distributions import distribution_version
from inspections.library.protocols import Host


def public_version(version: str) -> str:
    """A version without its PEP 440 local part, e.g. `2.4.1` from `2.4.1+cu121`."""
    return version.partition("+")[0]


@tagger
def pytorch_tag(host: Host) -> str:
    """The PyTorch version without its build variant, e.g. `pytorch-2.4.1` for `2.4.1+cpu`."""
    return "pytorch-" + public_version(distribution_version(host, "torch"))
