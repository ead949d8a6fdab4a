"""Every differentiable op in the registry, checked against float64 central differences.

The test walks ``REGISTRY``: an op with a VJP but no case below fails the suite, so a
new op cannot land without its gradient check. Cases cover scalars, (3,), (2, 3),
broadcast pairs and axis/keepdims variants, with valid input ranges per op.
"""
import importlib

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.ops import array as A
from tapeflow.ops import image as IMG
from tapeflow.ops import math as M
from tapeflow.ops import nn as N
from tapeflow.ops.registry import REGISTRY

# Modules that may register more primitives; import them so the walk sees everything.
for _mod in ("tapeflow.keras.activations", "tapeflow.keras.losses", "tapeflow.keras.layers"):
    try:
        importlib.import_module(_mod)
    except ImportError:
        pass

RNG = np.random.default_rng(1234)


def _custom_product():
    """x * y**2 with its hand-written gradient, as tf.custom_gradient's op attribute."""
    from tapeflow.ops.custom import CustomFunction

    def f(x, y):
        return x * y * y, lambda dy: (dy * y * y, 2.0 * dy * x * y)
    return CustomFunction(f, 2)


def R(*shape, lo=-2.0, hi=2.0, away=None):
    """Random float64 input in [lo, hi); ``away`` keeps values at least 0.1 from it."""
    x = RNG.uniform(lo, hi, shape)
    if away is not None:
        for a in np.atleast_1d(away):
            close = np.abs(x - a) < 0.1
            x = np.where(close, x + 0.3, x)
    return np.asarray(x, np.float64)


def I(values):
    return np.asarray(values, np.int64)


SHAPES = [(), (3,), (2, 3)]
PAIRS = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3, 1), (1, 4)), ((2, 3), (3,)),
         ((), (2, 3))]
AXES = [(None, False), ((0,), False), ((1,), True), ((0, 1), False), ((1,), False),
        (None, True)]


def unary(lo=-2.0, hi=2.0, away=None, **attrs):
    return [((R(*s, lo=lo, hi=hi, away=away),), attrs) for s in SHAPES]


def binary(ylo=-2.0, yhi=2.0, xlo=-2.0, xhi=2.0, yaway=None):
    return [((R(*a, lo=xlo, hi=xhi), R(*b, lo=ylo, hi=yhi, away=yaway)), {}) for a, b in PAIRS]


def reductions():
    cases = [((R(3),), dict(axis=None, keepdims=False))]
    cases += [((R(2, 3),), dict(axis=ax, keepdims=k)) for ax, k in AXES]
    return cases


CASES = {
    "negative": unary(), "abs": unary(away=0), "sign": unary(away=0), "exp": unary(),
    "expm1": unary(), "log": unary(0.2, 3), "log1p": unary(-0.8, 3), "sqrt": unary(0.2, 3),
    "rsqrt": unary(0.2, 3), "square": unary(), "reciprocal": unary(away=0), "sin": unary(),
    "cos": unary(), "tanh": unary(), "erf": unary(), "identity": unary(),
    "tan": unary(-1.2, 1.2), "atan": unary(), "sinh": unary(), "cosh": unary(),
    "cumsum": [((R(4),), dict(axis=0, exclusive=False, reverse=False)),
               ((R(2, 3),), dict(axis=1, exclusive=True, reverse=False)),
               ((R(2, 3),), dict(axis=0, exclusive=False, reverse=True)),
               ((R(3, 2),), dict(axis=0, exclusive=True, reverse=True))],
    "relu": unary(away=0), "relu6": unary(-2, 8, away=[0, 6]), "sigmoid": unary(),
    "softplus": unary(), "softsign": unary(away=0), "silu": unary(),
    "leaky_relu": unary(away=0, alpha=0.2), "elu": unary(away=0, alpha=1.0),
    "gelu": unary(approximate=False) + unary(approximate=True),
    "cast": [((R(2, 3),), dict(dtype=np.dtype(np.float32)))],
    "add": binary(), "subtract": binary(), "multiply": binary(),
    "divide": binary(yaway=0), "pow": binary(xlo=0.3, xhi=2.0),
    "maximum": binary(), "minimum": binary(),
    "reduce_sum": reductions(), "reduce_mean": reductions(), "reduce_max": reductions(),
    "reduce_min": reductions(), "reduce_prod": reductions(),
    "reduce_logsumexp": reductions(),
    "matmul": [((R(2, 3), R(3, 4)), dict(transpose_a=False, transpose_b=False)),
               ((R(3, 2), R(3, 4)), dict(transpose_a=True, transpose_b=False)),
               ((R(2, 3), R(4, 3)), dict(transpose_a=False, transpose_b=True)),
               ((R(2, 2, 3), R(3, 4)), dict(transpose_a=False, transpose_b=False)),
               ((R(2, 2, 3), R(2, 3, 4)), dict(transpose_a=False, transpose_b=False))],
    "reshape": [((R(2, 3),), dict(shape=(3, 2))), ((R(3),), dict(shape=(1, 3)))],
    "transpose": [((R(2, 3),), dict(perm=(1, 0))), ((R(2, 3, 4),), dict(perm=(2, 0, 1)))],
    "broadcast_to": [((R(3),), dict(shape=(2, 3))), ((R(2, 1),), dict(shape=(2, 4)))],
    "tile": [((R(2, 3),), dict(multiples=(2, 1))), ((R(3),), dict(multiples=(3,)))],
    "concat": [((R(2, 3), R(1, 3)), dict(axis=0)), ((R(2, 3), R(2, 2), R(2, 1)), dict(axis=1))],
    "stack": [((R(3), R(3)), dict(axis=0)), ((R(2, 3), R(2, 3)), dict(axis=2))],
    "getitem": [((R(2, 3),), dict(key=(slice(None), slice(1, 3)))),
                ((R(4),), dict(key=I([0, 2, 2]))), ((R(2, 3),), dict(key=1)),
                ((R(2, 3),), dict(key=(slice(None), I([2, 0, 2])))),
                ((R(2, 3, 4),), dict(key=(Ellipsis, slice(1, 3), None, 2)))],
    "gather": [((R(4, 3), I([0, 2, 2])), dict(axis=0)),
               ((R(2, 3), I([[1, 0], [2, 2]])), dict(axis=1))],
    "where": [((np.array([True, False, True]), R(3), R(3)), {}),
              ((np.array([[True, False, True]]), R(2, 3), R(3)), {})],
    "clip_by_value": [((R(2, 3, away=[-0.5, 0.5]), np.float64(-0.5), np.float64(0.5)), {})],
    "softmax": [((R(2, 3),), dict(axis=-1)), ((R(2, 3),), dict(axis=0)),
                ((R(3),), dict(axis=-1))],
    "log_softmax": [((R(2, 3),), dict(axis=-1)), ((R(2, 3),), dict(axis=0))],
    "sparse_softmax_cross_entropy_with_logits": [((I([0, 2]), R(2, 3)), {}),
                                                 ((I(1), R(4)), {})],
    "softmax_cross_entropy_with_logits": [((R(2, 3, lo=0, hi=1), R(2, 3)), dict(axis=-1))],
    "sigmoid_cross_entropy_with_logits": [((R(2, 3, lo=0, hi=1), R(2, 3)), {})],
    "dense": [((R(4, 3), R(3, 2), R(2)), dict(activation=a))
              for a in ("linear", "relu", "sigmoid", "tanh")],
    # convolutions and pooling (NHWC; attrs are the resolved strides, pads, dilations)
    "conv2d": [((R(2, 5, 5, 2), R(3, 3, 2, 3)),
                dict(strides=(1, 1), pads=((0, 0), (0, 0)), dilations=(1, 1))),
               ((R(2, 5, 6, 2), R(3, 2, 2, 3)),
                dict(strides=(2, 2), pads=((1, 1), (0, 1)), dilations=(1, 1))),
               ((R(1, 6, 5, 1), R(2, 2, 1, 2)),
                dict(strides=(1, 2), pads=((1, 0), (0, 1)), dilations=(2, 1)))],
    "im2col": [((R(2, 5, 5, 2),), dict(ksize=(3, 3), strides=(1, 1), pads=((0, 0), (0, 0)),
                                       dilations=(1, 1))),
               ((R(1, 6, 5, 2),), dict(ksize=(2, 3), strides=(2, 1), pads=((1, 0), (1, 1)),
                                       dilations=(1, 2)))],
    "depthwise_conv2d": [((R(2, 5, 5, 2), R(3, 3, 2, 2)),
                          dict(strides=(1, 1), pads=((1, 1), (1, 1)), dilations=(1, 1))),
                         ((R(1, 6, 5, 3), R(2, 3, 3, 1)),
                          dict(strides=(2, 1), pads=((0, 0), (1, 1)), dilations=(2, 1)))],
    "conv2d_transpose": [((R(2, 3, 3, 3), R(3, 3, 2, 3)),
                          dict(out_shape=(2, 5, 5, 2), strides=(2, 2), pads=((1, 1), (1, 1)),
                               dilations=(1, 1))),
                         ((R(1, 4, 3, 2), R(2, 2, 1, 2)),
                          dict(out_shape=(1, 5, 4, 1), strides=(1, 1), pads=((0, 0), (0, 0)),
                               dilations=(1, 1)))],
    "max_pool2d": [((R(2, 5, 5, 2),), dict(ksize=(2, 2), strides=(2, 2), pads=((0, 1), (0, 1)))),
                   ((R(1, 5, 4, 2),), dict(ksize=(3, 2), strides=(1, 1), pads=((0, 0), (0, 0)))),
                   ((R(1, 4, 4, 1),), dict(ksize=(2, 2), strides=(2, 2), pads=((0, 0), (0, 0))))],
    "avg_pool2d": [((R(2, 5, 5, 2),), dict(ksize=(2, 2), strides=(2, 2), pads=((0, 1), (0, 1)))),
                   ((R(1, 5, 4, 2),), dict(ksize=(3, 3), strides=(1, 1), pads=((1, 1), (1, 1))))],
    # keras.losses: cross-entropy on probabilities (renormalise, clip, log), fused
    "keras_sparse_categorical_crossentropy": [((I([0, 2]), R(2, 3, lo=0.1, hi=1)), {})],
    "keras_categorical_crossentropy": [((R(2, 3, lo=0, hi=1), R(2, 3, lo=0.1, hi=1)),
                                        dict(axis=-1)),
                                       ((R(2, 3, lo=0, hi=1), R(2, 3, lo=0.1, hi=1)),
                                        dict(axis=0))],
    # keras.losses: mean squared error over the last axis, fused
    "keras_mean_squared_error": [((R(2, 3), R(2, 3)), {}), ((R(4), R(4)), {}),
                                 ((R(), R()), {})],
    # keras.losses: the regression, probabilistic and hinge losses, fused (ops/losses.py);
    # inputs kept away from kinks and clips (0/1 hinge labels are a discrete rule: the
    # central difference of y_true needs other labels)
    "keras_mean_absolute_error": [((R(2, 3), R(2, 3)), {})],
    "keras_mean_absolute_percentage_error": [((R(2, 3, lo=0.5, hi=2), R(2, 3)), {}),
                                             ((R(2, 3, lo=-2, hi=-0.5), R(2, 3)), {})],
    "keras_mean_squared_logarithmic_error": [((R(2, 3, lo=0.1, hi=2), R(2, 3, lo=0.1, hi=2)),
                                              {})],
    "keras_log_cosh": [((R(2, 3), R(2, 3)), {})],
    "keras_kl_divergence": [((R(2, 3, lo=0.1, hi=0.9), R(2, 3, lo=0.1, hi=0.9)), {})],
    "keras_poisson": [((R(2, 3, lo=0, hi=2), R(2, 3, lo=0.1, hi=2)), {})],
    "keras_hinge": [((R(2, 3, lo=-1, hi=1), R(2, 3, lo=-0.5, hi=0.5)), dict(squared=q))
                    for q in (False, True)],
    "keras_categorical_hinge": [((R(2, 3, lo=0, hi=1), R(2, 3)), {})],
    # keras.losses: Huber (quadratic inside delta, linear beyond), fused
    "keras_huber": [((R(2, 3), R(2, 3)), dict(delta=d)) for d in (0.5, 1.0, 3.0)],
    # keras.losses: binary cross-entropy, mean over an axis, on probabilities or logits
    "keras_binary_crossentropy": [
        ((R(2, 3, lo=0, hi=1), R(2, 3, lo=0.1, hi=0.9)), dict(axis=a, from_logits=False))
        for a in (-1, 0)] + [
        ((R(2, 3, lo=0, hi=1), R(2, 3)), dict(axis=a, from_logits=True)) for a in (-1, 0)],
    # ops/image.py: padding, nearest repeat, separable (bilinear / nearest) resampling
    "zero_pad": [((R(1, 2, 3, 2),), dict(pads=((0, 0), (1, 2), (0, 1), (0, 0)))),
                 ((R(2, 3),), dict(pads=((2, 0), (1, 1))))],
    "repeat_axes": [((R(1, 2, 3, 2),), dict(size=(1, 2, 3, 1))),
                    ((R(2, 1, 3),), dict(size=(1, 4, 1)))],
    "resize_separable": [((R(2, 3, 4, 2),), dict(mats=(
        (1, IMG.resize_weights(3, 5, "bilinear")), (2, IMG.resize_weights(4, 2, "bilinear"))))),
        ((R(1, 4, 3, 1),), dict(mats=((1, IMG.resize_weights(4, 7, "nearest")),))),
        ((R(2, 3, 4),), dict(mats=((0, IMG.resize_weights(2, 5, "bicubic")),
                                   (2, IMG.resize_weights(4, 3, "area")))))],
    # ops/augment.py: transforms applied with drawn parameters (differentiable in images)
    "flip_images": [((R(3, 2, 3, 1), np.array([0.2, 0.7, 0.5])), dict(axes=(2,))),
                    ((R(2, 2, 3, 2), np.array([0.1, 0.9])), dict(axes=(1, 2)))],
    "affine_images": [((R(2, 4, 5, 2), p), dict(kind=k, interpolation="bilinear", fill_mode=f,
                                                fill_value=0.5))
                      for k, p, f in (("rotation", np.array([[17.0], [-40.0]]), "reflect"),
                                      ("zoom", np.array([[0.8, 1.3], [1.1, 0.7]]), "constant"),
                                      ("translation", np.array([[1.3, -0.6], [-2.2, 0.4]]),
                                       "wrap"))],
    "contrast_images": [((R(2, 3, 3, 2, lo=0.1, hi=0.9),
                          np.array([1.2, 0.7]).reshape(2, 1, 1, 1)),
                         dict(low=0.0, high=1.0, axes=(1, 2))),
                        ((R(1, 2, 3, 1), np.array([3.0]).reshape(1, 1, 1, 1)),
                         dict(low=-1.0, high=1.0, axes=(1, 2)))],
    "crop_window": [((R(2, 4, 5, 1), np.array([1.0, 2.0])), dict(size=(2, 3), axes=(1, 2)))],
    # ops/einsum.py: contraction, batch, outer, trace (repeated index), sum-only index
    "einsum": [((R(2, 3), R(3, 4)), dict(subs=("ij", "jk"), out="ik")),
               ((R(2, 2, 3), R(2, 3, 2)), dict(subs=("bij", "bjk"), out="bik")),
               ((R(3), R(2)), dict(subs=("i", "j"), out="ij")),
               ((R(3, 3),), dict(subs=("ii",), out="")),
               ((R(2, 3), R(3)), dict(subs=("ij", "j"), out="j"))],
    # ops/custom.py: tf.custom_gradient's op, with a grad_fn that is the true derivative
    "custom_gradient": [((R(3), R(3)), dict(fn=_custom_product()))],
}


# inputs that an op documents as not differentiated (its VJP returns None for them): the
# drawn augmentation parameters; the check asserts None there instead of comparing
NOT_DIFFERENTIATED = {"affine_images": {1}, "contrast_images": {1}, "flip_images": {1},
                      "crop_window": {1}}


def _check(op, inputs, attrs, rtol=1e-5, atol=1e-6):
    tensors = [tf.constant(x) for x in inputs]
    with tf.GradientTape() as tape:
        for t in tensors:
            if t.dtype.is_floating:
                tape.watch(t)
        out = op(*tensors, **attrs)
        weights = tf.constant(RNG.uniform(0.5, 1.5, out.shape).astype(out.numpy().dtype))
        loss = tf.reduce_sum(out * weights)
    grads = tape.gradient(loss, tensors)
    w = weights.numpy().astype(np.float64)

    def f(vals):
        return float(np.sum(np.asarray(op.forward(*vals, **attrs), np.float64) * w))

    h = 1e-2 if attrs.get("dtype") == np.float32 else 1e-6  # f32 output: wider step
    for i, x in enumerate(inputs):
        if np.asarray(x).dtype.kind != "f" or i in NOT_DIFFERENTIATED.get(op.name, ()):
            assert grads[i] is None, f"{op.name}: input {i} got a gradient"
            continue
        numeric = np.zeros(np.shape(x))
        for idx in np.ndindex(*np.shape(x)):
            plus = [np.array(v, copy=True) for v in inputs]
            minus = [np.array(v, copy=True) for v in inputs]
            plus[i][idx] += h
            minus[i][idx] -= h
            numeric[idx] = (f(plus) - f(minus)) / (2 * h)
        got = np.zeros(np.shape(x)) if grads[i] is None else grads[i].numpy()
        assert got.shape == np.shape(x), f"{op.name}: gradient shape {got.shape} != {np.shape(x)}"
        tol = dict(rtol=1e-3, atol=1e-3) if attrs.get("dtype") == np.float32 else \
            dict(rtol=rtol, atol=atol)
        np.testing.assert_allclose(got, numeric, err_msg=f"{op.name} input {i} {attrs}", **tol)


def test_every_differentiable_op_has_a_gradient_check():
    differentiable = {name for name, op in REGISTRY.items() if op.vjp is not None}
    missing = sorted(differentiable - set(CASES))
    assert not missing, f"ops without a central-difference gradient check: {missing}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_central_differences(name):
    op = REGISTRY[name]
    for inputs, attrs in CASES[name]:
        _check(op, inputs, attrs)


def test_public_wrappers_route_to_registered_ops():
    # the registry entries above are the ones the public API calls
    assert M.exp(1.0).numpy() == pytest.approx(np.e, rel=1e-6)
    assert A.reshape([1, 2, 3, 4], (2, 2)).shape == (2, 2)
    assert N.relu([-1.0]).numpy()[0] == 0
