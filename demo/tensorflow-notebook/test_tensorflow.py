"""TensorFlow computes on the CPU in tensorflow-notebook."""

from typing import Any


def test_tensorflow_computes_on_the_cpu(host: Any) -> None:
    script = "import tensorflow as tf; print(int(tf.reduce_sum(tf.constant([1, 2, 3]))))"
    # TensorFlow logs its start-up on stderr; only the result reaches stdout.
    assert host.check_output(f'python -c "{script}"') == "6"
