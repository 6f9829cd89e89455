"""The PyTorch tagger drops the wheel's local build label."""

from __future__ import annotations

import pytest

from inspections.library import pytorch
from inspections.library.distributions import DISTRIBUTIONS_COMMAND

from .support import FakeHost, recorded


@pytest.mark.parametrize(
    ("version", "public"),
    [("2.4.1+cpu", "2.4.1"), ("2.4.1+cu121", "2.4.1"), ("2.4.1", "2.4.1")],
)
def test_public_version(version: str, public: str) -> None:
    assert pytorch.public_version(version) == public


def test_tag_from_the_recorded_cpu_wheel() -> None:
    host = FakeHost.printing(
        {DISTRIBUTIONS_COMMAND: recorded("python-distributions-pytorch-notebook.json")}
    )
    assert pytorch.pytorch_tag(host) == "pytorch-2.13.0"
