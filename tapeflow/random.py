"""``tf.random``: seeded random tensors."""
from tapeflow.ops.random import (  # noqa: F401
    categorical, get_global_generator, normal, set_seed, shuffle, truncated_normal, uniform)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
