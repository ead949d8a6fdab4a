"""``keras.ops``: Keras 3's backend-agnostic op namespace, on tapeflow's ops.

Layers written for Keras 3 with ``from keras import ops`` (``ops.matmul``,
``ops.relu``, ``ops.mean(x, axis=-1, keepdims=True)``, ``ops.convert_to_tensor``,
``ops.stop_gradient``, ``ops.cond``, ...) run on tapeflow unchanged: every function
maps onto tapeflow's differentiable ops, so GradientTape and ``fit`` see them. Keras's
argument names and result dtypes are kept (see :mod:`tapeflow.keras.ops.numpy`).
Submodules as in Keras: ``ops.numpy``, ``ops.nn``, ``ops.math``, ``ops.core``. A Keras
op tapeflow does not provide yet raises ``NotImplementedError`` saying so (it is also
an ``AttributeError``, so ``hasattr(ops, name)`` is False for it).

Example:
    >>> from tapeflow.keras import ops
    >>> x = ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> ops.convert_to_numpy(ops.mean(ops.relu(ops.matmul(x, x)), axis=-1))
    array([ 8.5, 18.5], dtype=float32)
    >>> ops.fft(x)
    Traceback (most recent call last):
        ...
    tapeflow._missing.NotProvidedError: tapeflow does not provide keras.ops.fft yet. ...
"""
from tapeflow.keras.ops import core, math, nn, numpy
from tapeflow.keras.ops.core import *  # noqa: F401,F403
from tapeflow.keras.ops.math import *  # noqa: F401,F403
from tapeflow.keras.ops.nn import *  # noqa: F401,F403
from tapeflow.keras.ops.numpy import *  # noqa: F401,F403

__all__ = sorted(set(core.__all__) | set(math.__all__) | set(nn.__all__) |
                 set(numpy.__all__) | {"core", "math", "nn", "numpy"})

# Every name of Keras 3.15's keras.ops, to tell "not provided yet" from a typo.
KERAS_OPS = frozenset("""
    abs absolute adaptive_average_pool adaptive_max_pool add all allclose amax amin
    angle any append arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax
    argmin argpartition argsort array array_split associative_scan average average_pool
    bartlett batch_normalization binary_crossentropy bincount bitwise_and bitwise_invert
    bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor blackman
    broadcast_to cast categorical_crossentropy cbrt cdist ceil celu cholesky
    cholesky_inverse clip concatenate cond conj conjugate conv conv_transpose
    convert_to_numpy convert_to_tensor copy corrcoef correlate cos cosh count_nonzero
    cross ctc_decode ctc_loss cumprod cumsum custom_gradient deg2rad depth_to_space
    depthwise_conv det diag diagflat diagonal diff digitize divide divide_no_nan dot
    dot_product_attention dsplit dstack dtype eig eigh einsum elu empty empty_like equal
    erf erfc erfinv exp exp2 expand_dims expm1 extract_sequences eye fabs fft fft2 flip
    fliplr flipud floor floor_divide fmax fmin fmod fold fori_loop full full_like gcd
    gelu geomspace get_item glu greater greater_equal hamming hanning hard_shrink
    hard_sigmoid hard_silu hard_swish hard_tanh heaviside histogram hsplit hstack hypot
    i0 identity ifft2 imag in_top_k inner inv irfft is_tensor isclose isfinite isin
    isinf isnan isneginf isposinf isreal istft jvp kaiser kron layer_normalization lcm
    ldexp leaky_relu left_shift less less_equal linspace log log10 log1p log2
    log_sigmoid log_softmax logaddexp logaddexp2 logdet logical_and logical_not
    logical_or logical_xor logspace logsumexp lstsq lu_factor map matmul matrix_rank max
    max_pool maximum mean median meshgrid min minimum mod moments moveaxis multi_hot
    multiply nan_to_num nanargmax nanargmin nancumprod nancumsum nanmax nanmean
    nanmedian nanmin nanpercentile nanprod nanquantile nanstd nansum nanvar ndim
    negative nextafter nonzero norm normalize not_equal one_hot ones ones_like outer pad
    percentile pinv polar power prod psnr ptp qr quantile rad2deg ravel real rearrange
    reciprocal relu relu6 repeat reshape rfft right_shift rms_normalization roll rot90
    round rsqrt saturate_cast scan scatter scatter_update searchsorted segment_max
    segment_min segment_prod segment_sum select selu separable_conv shape sigmoid sign
    signbit silu sin sinc sinh size slice slice_update slogdet soft_shrink softmax
    softplus softsign solve solve_triangular sort space_to_depth
    sparse_categorical_crossentropy sparse_plus sparse_sigmoid sparsemax split sqrt
    square squareplus squeeze stack std stft stop_gradient subtract sum svd swapaxes
    swish switch take take_along_axis tan tanh tanh_shrink tensordot threshold tile
    top_k trace transpose trapezoid tri tril triu true_divide trunc unfold unique
    unravel_index unstack vander var vdot vectorize vectorized_map view view_as_complex
    view_as_real vsplit vstack where while_loop zeros zeros_like
""".split())


def __getattr__(name):
    from tapeflow._missing import NotProvidedError, attribute_error
    if name in KERAS_OPS:
        raise NotProvidedError(
            f"tapeflow does not provide keras.ops.{name} yet. dir(keras.ops) lists the "
            f"ops it provides; write this step with those (or with NumPy on "
            f"ops.convert_to_numpy(x) where no gradient is needed).")
    raise attribute_error(__name__, name)


def __dir__():
    return list(__all__)
