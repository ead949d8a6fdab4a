"""``tf.linalg``: matrix products and friends."""
from tapeflow.ops.array import eye, transpose  # noqa: F401
from tapeflow.ops.math import matmul, norm, tensordot  # noqa: F401
from tapeflow.ops.numeric import global_norm, l2_normalize  # noqa: F401


def matvec(a, b, transpose_a=False, name=None):
    """``a @ b`` for a matrix ``a`` and a vector ``b``."""
    from tapeflow.ops.array import expand_dims, squeeze
    return squeeze(matmul(a, expand_dims(b, -1), transpose_a=transpose_a), -1)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
