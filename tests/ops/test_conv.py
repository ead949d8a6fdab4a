"""tf.nn convolutions and pooling: hand-checked values and naive loop references.

The references below loop over every output pixel (slow, obviously right) and take
TensorFlow's padding rule as written in its documentation.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tapeflow as tf
from tapeflow.ops.conv import same_pads

RNG = np.random.default_rng(7)


def tf_pads(n, k, s, d, padding):
    if padding == "VALID":
        return 0, 0
    eff = (k - 1) * d + 1
    total = max((math.ceil(n / s) - 1) * s + eff - n, 0)
    return total // 2, total - total // 2


def naive_conv2d(x, k, strides, padding, dilations=(1, 1)):
    n, h, w, c = x.shape
    kh, kw, _, o = k.shape
    (pt, pb), (pl, pr) = (tf_pads(h, kh, strides[0], dilations[0], padding),
                          tf_pads(w, kw, strides[1], dilations[1], padding))
    xp = np.zeros((n, h + pt + pb, w + pl + pr, c))
    xp[:, pt:pt + h, pl:pl + w] = x
    oh = (xp.shape[1] - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (xp.shape[2] - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    out = np.zeros((n, oh, ow, o))
    for b in range(n):
        for p in range(oh):
            for q in range(ow):
                for i in range(kh):
                    for j in range(kw):
                        pix = xp[b, p * strides[0] + i * dilations[0],
                                 q * strides[1] + j * dilations[1]]
                        out[b, p, q] += pix @ k[i, j]
    return out


def naive_pool(x, ksize, strides, padding, how):
    n, h, w, c = x.shape
    (pt, pb), (pl, pr) = (tf_pads(h, ksize[0], strides[0], 1, padding),
                          tf_pads(w, ksize[1], strides[1], 1, padding))
    oh = (h + pt + pb - ksize[0]) // strides[0] + 1
    ow = (w + pl + pr - ksize[1]) // strides[1] + 1
    out = np.zeros((n, oh, ow, c))
    for p in range(oh):
        for q in range(ow):
            r0, c0 = p * strides[0] - pt, q * strides[1] - pl
            win = x[:, max(r0, 0):r0 + ksize[0], max(c0, 0):c0 + ksize[1]]
            out[:, p, q] = win.max(axis=(1, 2)) if how == "max" else win.mean(axis=(1, 2))
    return out


def test_same_padding_split_puts_the_extra_after():
    assert same_pads(5, 2, 2) == (0, 1)       # total 1: all of it after
    assert same_pads(28, 3, 1) == (1, 1)
    assert same_pads(4, 4, 1) == (1, 2)
    assert same_pads(7, 3, 2, dilation=2) == (2, 2)
    assert same_pads(10, 1, 3) == (0, 0)


def test_conv2d_hand_checked():
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    k = np.array([[1, 0], [0, -1]], np.float32).reshape(2, 2, 1, 1)
    # x[i, j] - x[i+1, j+1] = -4 everywhere
    assert tf.nn.conv2d(x, k, 1, "VALID").numpy().ravel().tolist() == [-4.0] * 4
    # SAME with stride 1 pads (0, 1): the last row/column see zeros after
    same = tf.nn.conv2d(x, k, 1, "same").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(same, [[-4, -4, 2], [-4, -4, 5], [6, 7, 8]])


@settings(max_examples=25, deadline=None)
@given(h=st.integers(3, 8), w=st.integers(3, 8), kh=st.integers(1, 3), kw=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), d=st.integers(1, 2),
       padding=st.sampled_from(["VALID", "SAME"]), c=st.integers(1, 3), o=st.integers(1, 3))
def test_conv2d_matches_naive_loops(h, w, kh, kw, sh, sw, d, padding, c, o):
    x = RNG.normal(size=(2, h, w, c))
    k = RNG.normal(size=(kh, kw, c, o))
    if padding == "VALID" and (h < (kh - 1) * d + 1 or w < (kw - 1) * d + 1):
        return
    got = tf.nn.conv2d(x, k, [1, sh, sw, 1], padding, dilations=[d, d]).numpy()
    np.testing.assert_allclose(got, naive_conv2d(x, k, (sh, sw), padding, (d, d)),
                               rtol=1e-10, atol=1e-10)


def test_conv2d_channels_first_is_the_transposed_channels_last():
    x = RNG.normal(size=(2, 6, 5, 3)).astype(np.float32)
    k = RNG.normal(size=(3, 3, 3, 4)).astype(np.float32)
    last = tf.nn.conv2d(x, k, 2, "SAME").numpy()
    first = tf.nn.conv2d(x.transpose(0, 3, 1, 2), k, [1, 1, 2, 2], "SAME",
                         data_format="NCHW").numpy()
    np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2), rtol=1e-5)


def test_conv1d_is_conv2d_over_one_row():
    x = RNG.normal(size=(2, 9, 3))
    k = RNG.normal(size=(3, 3, 2))
    got = tf.nn.conv1d(x, k, 2, "SAME", dilations=1).numpy()
    want = naive_conv2d(x[:, None], k[None], (1, 2), "SAME")[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    ncw = tf.nn.conv1d(x.transpose(0, 2, 1), k, 2, "SAME", data_format="NCW").numpy()
    np.testing.assert_allclose(ncw, want.transpose(0, 2, 1), rtol=1e-10)


def test_depthwise_conv2d_matches_per_channel_convolutions():
    x = RNG.normal(size=(2, 6, 6, 3))
    k = RNG.normal(size=(3, 3, 3, 2))
    got = tf.nn.depthwise_conv2d(x, k, [1, 2, 2, 1], "SAME").numpy()
    for ch in range(3):
        want = naive_conv2d(x[..., ch:ch + 1], k[:, :, ch:ch + 1, :], (2, 2), "SAME")
        np.testing.assert_allclose(got[..., 2 * ch:2 * ch + 2], want, rtol=1e-10)


def test_separable_conv2d_is_depthwise_then_pointwise():
    x = RNG.normal(size=(1, 5, 5, 2))
    dk, pk = RNG.normal(size=(3, 3, 2, 2)), RNG.normal(size=(1, 1, 4, 3))
    got = tf.nn.separable_conv2d(x, dk, pk, [1, 1, 1, 1], "VALID").numpy()
    depth = tf.nn.depthwise_conv2d(x, dk, [1, 1, 1, 1], "VALID").numpy()
    np.testing.assert_allclose(got, depth @ pk[0, 0], rtol=1e-10)


@pytest.mark.parametrize("strides,padding,out", [(2, "SAME", (2, 6, 6, 2)),
                                                 (2, "VALID", (2, 7, 7, 2)),
                                                 (1, "SAME", (2, 3, 3, 2))])
def test_conv2d_transpose_is_the_adjoint_of_conv2d(strides, padding, out):
    # <conv2d(x), y> == <x, conv2d_transpose(y)> for every x, y
    k = RNG.normal(size=(3, 3, 2, 4))
    x = RNG.normal(size=out)
    y_shape = tf.nn.conv2d(x, k, strides, padding).shape
    y = RNG.normal(size=tuple(y_shape))
    xt = tf.nn.conv2d_transpose(y, k, out, strides, padding).numpy()
    lhs = np.sum(tf.nn.conv2d(x, k, strides, padding).numpy() * y)
    assert xt.shape == out
    assert lhs == pytest.approx(np.sum(x * xt), rel=1e-10)


def test_conv2d_transpose_hand_checked():
    y = np.array([1.0, 2.0]).reshape(1, 1, 2, 1)
    k = np.array([[1.0, 10.0]]).reshape(1, 2, 1, 1)
    got = tf.nn.conv2d_transpose(y, k, [1, 1, 4, 1], [1, 2], "VALID").numpy().ravel()
    assert got.tolist() == [1.0, 10.0, 2.0, 20.0]


@pytest.mark.parametrize("how", ["max", "avg"])
@pytest.mark.parametrize("ksize,strides,padding", [((2, 2), (2, 2), "VALID"),
                                                   ((2, 2), (2, 2), "SAME"),
                                                   ((3, 3), (1, 1), "SAME"),
                                                   ((3, 2), (2, 1), "VALID"),
                                                   ((3, 3), (2, 2), "SAME")])
def test_pooling_matches_naive_loops(how, ksize, strides, padding):
    x = RNG.normal(size=(2, 7, 6, 3))
    fn = tf.nn.max_pool2d if how == "max" else tf.nn.avg_pool2d
    got = fn(x, ksize, strides, padding).numpy()
    np.testing.assert_allclose(got, naive_pool(x, ksize, strides, padding, how), rtol=1e-12)


def test_avg_pool_same_divides_by_the_real_entries():
    x = np.ones((1, 3, 3, 1), np.float32)
    # every window's mean of ones is 1: padding is not counted
    assert np.all(tf.nn.avg_pool2d(x, 2, 2, "SAME").numpy() == 1.0)


def test_max_pool_gradient_goes_to_the_first_maximum():
    x = tf.constant(np.zeros((1, 2, 2, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    g = tape.gradient(y, x).numpy().ravel().tolist()
    assert g == [1.0, 0.0, 0.0, 0.0]


def test_pool1d_and_rank_dispatch():
    x = np.array([[[1.0], [5.0], [2.0], [4.0]]])
    assert tf.nn.max_pool1d(x, 2, 2, "VALID").numpy().ravel().tolist() == [5.0, 4.0]
    assert tf.nn.avg_pool1d(x, 2, 2, "VALID").numpy().ravel().tolist() == [3.0, 3.0]
    assert tf.nn.max_pool(x, 2, 2, "VALID").numpy().ravel().tolist() == [5.0, 4.0]
    assert tf.nn.avg_pool(x[:, None], [1, 2], 2, "VALID").numpy().ravel().tolist() == [3.0, 3.0]


def test_bias_add_both_formats():
    v = np.zeros((1, 2, 2, 3), np.float32)
    assert tf.nn.bias_add(v, [1.0, 2.0, 3.0]).numpy()[0, 1, 1].tolist() == [1.0, 2.0, 3.0]
    nchw = tf.nn.bias_add(np.zeros((1, 3, 2, 2), np.float32), [1.0, 2.0, 3.0], "NCHW")
    assert nchw.numpy()[0, :, 1, 1].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("call,match", [
    (lambda: tf.nn.conv2d(np.ones((28, 28, 1)), np.ones((3, 3, 1, 2)), 1, "VALID"),
     r"rank-4 input.*\(28, 28, 1\).*x\[None\]"),
    (lambda: tf.nn.conv2d(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 2)), 1, "VALID"),
     r"larger than the padded input"),
    (lambda: tf.nn.conv2d(np.ones((1, 5, 5, 3)), np.ones((3, 3, 1, 2)), 1, "VALID"),
     r"3 channels but the filter expects 1"),
    (lambda: tf.nn.conv2d(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 2)), 0, "VALID"),
     r"strides must be positive"),
    (lambda: tf.nn.conv2d(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 2)), 1, "FULL"),
     r"padding must be 'SAME' or 'VALID'"),
    (lambda: tf.nn.max_pool2d(np.ones((5, 5, 1)), 2, 2, "VALID"),
     r"add a channel axis"),
    (lambda: tf.nn.conv2d_transpose(np.ones((1, 2, 2, 1)), np.ones((2, 2, 1, 1)),
                                    [1, 6, 6, 1], 2, "VALID"), r"does not match"),
])
def test_bad_input_is_explained(call, match):
    with pytest.raises(ValueError, match=match):
        call()
