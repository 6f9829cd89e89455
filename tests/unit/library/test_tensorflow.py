"""The TensorFlow tagger, with its tensorflow-cpu fallback, on a real listing and edge cases."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import tensorflow
from inspections.library.distributions import DISTRIBUTIONS_COMMAND

from .support import FakeHost, recorded


def test_the_cpu_build_of_a_real_install() -> None:
    # tensorflow-cpu 2.21.0 from PyPI names its distribution `tensorflow_cpu`; no `tensorflow`.
    listing = recorded("python-distributions-tensorflow-notebook.json")
    assert '["tensorflow",' not in listing
    host = FakeHost.printing({DISTRIBUTIONS_COMMAND: listing})
    assert tensorflow.tensorflow_tag(host) == "tensorflow-2.21.0"


@pytest.mark.parametrize(
    "listing",
    [
        '[["tensorflow", "2.17.0"], ["keras", "3.6.0"]]',
        '[["tensorflow-cpu", "2.17.0"], ["keras", "3.6.0"]]',
    ],
)
def test_tensorflow_or_its_cpu_build(listing: str) -> None:
    host = FakeHost.printing({DISTRIBUTIONS_COMMAND: listing})
    assert tensorflow.tensorflow_tag(host) == "tensorflow-2.17.0"


def test_the_full_build_wins_over_the_cpu_build() -> None:
    listing = '[["tensorflow-cpu", "2.16.2"], ["tensorflow", "2.17.0"]]'
    host = FakeHost.printing({DISTRIBUTIONS_COMMAND: listing})
    assert tensorflow.tensorflow_tag(host) == "tensorflow-2.17.0"


def test_no_tensorflow_names_both_candidates() -> None:
    listing = recorded("python-distributions-base-notebook.json")
    host = FakeHost.printing({DISTRIBUTIONS_COMMAND: listing})
    with pytest.raises(InspectionError, match="'tensorflow' or 'tensorflow-cpu'"):
        tensorflow.tensorflow_tag(host)
