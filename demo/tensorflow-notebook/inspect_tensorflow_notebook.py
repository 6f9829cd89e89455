"""tensorflow-notebook: the TensorFlow version (here of its CPU build, tensorflow-cpu)."""

from inspections.library import tensorflow

tensorflow_tag = tensorflow.tensorflow_tag
