"""``tf.nn``: activations, softmax, cross-entropies, dropout, convolutions and pooling."""
from tapeflow.ops.nn import (  # noqa: F401
    dropout, elu, gelu, l2_loss, leaky_relu, log_softmax, moments, relu, relu6, selu,
    sigmoid, sigmoid_cross_entropy_with_logits, silu, softmax,
    softmax_cross_entropy_with_logits, softplus, softsign,
    sparse_softmax_cross_entropy_with_logits, swish, tanh)
from tapeflow.ops.numeric import l2_normalize  # noqa: F401
from tapeflow.ops.conv import (  # noqa: F401
    bias_add, conv1d, conv2d, conv2d_transpose, depthwise_conv2d, separable_conv2d)
from tapeflow.ops.pooling import (  # noqa: F401
    avg_pool, avg_pool1d, avg_pool2d, max_pool, max_pool1d, max_pool2d)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
