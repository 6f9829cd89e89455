"""The TensorFlow tagger, read from the Python distributions listing."""

from __future__ import annotations

from inspections import tagger
from inspections.library.distributions import distribution_version
from inspections.library.protocols import Host


@tagger
def tensorflow_tag(host: Host) -> str:
    """The TensorFlow version, e.g. `tensorflow-2.17.0`, from `tensorflow` or `tensorflow-cpu`."""
    return "tensorflow-" + distribution_version(host, "tensorflow", "tensorflow-cpu")
