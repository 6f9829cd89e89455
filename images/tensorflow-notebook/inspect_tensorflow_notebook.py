"""tensorflow-notebook: TensorFlow; its cuda variant prefixes every tag with `cuda-`."""

from inspections.library import tensorflow

tensorflow_tag = tensorflow.tensorflow_tag
