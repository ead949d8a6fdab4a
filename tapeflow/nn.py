"""``tf.nn``: activations, softmax, cross-entropies and dropout."""
from tapeflow.ops.nn import (  # noqa: F401
    dropout, elu, gelu, l2_loss, leaky_relu, log_softmax, moments, relu, relu6, selu,
    sigmoid, sigmoid_cross_entropy_with_logits, silu, softmax,
    softmax_cross_entropy_with_logits, softplus, softsign,
    sparse_softmax_cross_entropy_with_logits, swish, tanh)
from tapeflow.ops.numeric import l2_normalize  # noqa: F401
