"""Forward values of the TF-named ops, errors that name the op, and shapes by hypothesis."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

import tapeflow as tf


def test_creation_ops():
    assert tf.zeros((2, 3)).dtype == tf.float32 and tf.ones(3).numpy().sum() == 3
    assert tf.fill((2,), 7).numpy().tolist() == [7, 7]
    assert tf.range(5).dtype == tf.int32 and tf.range(0.0, 1.0, 0.25).dtype == tf.float32
    assert tf.range(1, 10, 3).numpy().tolist() == [1, 4, 7]
    assert tf.linspace(0.0, 1.0, 5).numpy().tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert tf.eye(2).numpy().tolist() == [[1, 0], [0, 1]]
    assert tf.zeros_like(tf.constant([1, 2])).dtype == tf.int32
    assert tf.ones_like(tf.constant([1.0, 2.0])).numpy().tolist() == [1, 1]


def test_shape_ops():
    x = tf.reshape(tf.range(6), (2, 3))
    assert tf.transpose(x).shape == (3, 2)
    assert tf.transpose(tf.zeros((2, 3, 4)), perm=[2, 0, 1]).shape == (4, 2, 3)
    assert tf.expand_dims(x, 0).shape == (1, 2, 3) and tf.expand_dims(x, -1).shape == (2, 3, 1)
    assert tf.squeeze(tf.zeros((1, 3, 1))).shape == (3,)
    assert tf.squeeze(tf.zeros((1, 3, 1)), axis=0).shape == (3, 1)
    assert tf.concat([x, x], axis=0).shape == (4, 3)
    assert tf.stack([x, x], axis=1).shape == (2, 2, 3)
    assert [t.numpy().tolist() for t in tf.unstack(x)] == [[0, 1, 2], [3, 4, 5]]
    assert [t.shape for t in tf.split(x, 3, axis=1)] == [(2, 1)] * 3
    assert [t.shape for t in tf.split(x, [1, -1], axis=1)] == [(2, 1), (2, 2)]
    assert tf.tile(x, [2, 1]).shape == (4, 3)
    assert tf.broadcast_to(tf.constant([1, 2]), (3, 2)).shape == (3, 2)
    assert tf.shape(x).numpy().tolist() == [2, 3] and int(tf.size(x)) == 6
    assert int(tf.rank(x)) == 2


def test_selection_ops():
    p = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert tf.gather(p, [2, 0]).numpy().tolist() == [[5, 6], [1, 2]]
    assert tf.gather(p, [1], axis=1).numpy().tolist() == [[2], [4], [6]]
    assert tf.one_hot([0, 2], 3).numpy().tolist() == [[1, 0, 0], [0, 0, 1]]
    assert tf.where(tf.constant([True, False]), 1.0, 2.0).numpy().tolist() == [1, 2]
    assert tf.where(tf.constant([True, False, True])).numpy().tolist() == [[0], [2]]
    assert tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1, 1).numpy().tolist() == \
        [-1, 0.5, 1]
    assert tf.argmax(p).numpy().tolist() == [2, 2] and tf.argmax(p).dtype == tf.int64
    assert tf.argmin(p, axis=1).numpy().tolist() == [0, 0, 0]


def test_math_and_reductions():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert float(tf.reduce_sum(x)) == 10 and tf.reduce_sum(x, 0).numpy().tolist() == [4, 6]
    assert tf.reduce_mean(x, axis=1, keepdims=True).shape == (2, 1)
    assert float(tf.reduce_max(x)) == 4 and float(tf.reduce_min(x)) == 1
    assert float(tf.reduce_prod(x)) == 24
    assert float(tf.reduce_logsumexp(tf.constant([0.0, 0.0]))) == pytest.approx(np.log(2))
    assert bool(tf.reduce_any(x > 3)) and not bool(tf.reduce_all(x > 3))
    assert tf.math.exp(tf.constant(0.0)).numpy() == 1
    assert tf.sqrt(tf.constant(4.0)).numpy() == 2 and tf.math.rsqrt(4.0).numpy() == 0.5
    assert tf.maximum(x, 2.5).numpy().tolist() == [[2.5, 2.5], [3, 4]]
    assert float(tf.tensordot([1.0, 2.0], [3.0, 4.0], axes=1)) == 11
    assert tf.tensordot(tf.ones((2, 3)), tf.ones((3, 4)), axes=[[1], [0]]).shape == (2, 4)
    assert tf.matmul(tf.ones((5, 2, 3)), tf.ones((3, 4))).shape == (5, 2, 4)
    assert tf.matmul(x, x, transpose_b=True).numpy().tolist() == [[5, 11], [11, 25]]
    assert tf.linalg.matmul is tf.matmul
    assert bool(tf.logical_and(tf.constant(True), tf.logical_not(tf.constant(False))))


def test_nn_ops_values():
    assert tf.nn.relu([-1.0, 2.0]).numpy().tolist() == [0, 2]
    assert tf.nn.relu6([7.0]).numpy().tolist() == [6]
    assert tf.nn.leaky_relu([-1.0]).numpy().tolist() == [pytest.approx(-0.2)]
    assert tf.nn.softmax([[0.0, 0.0]]).numpy().tolist() == [[0.5, 0.5]]
    assert float(tf.nn.sigmoid(0.0)) == 0.5 and float(tf.nn.sigmoid(-1000.0)) == 0.0
    big = tf.nn.softmax(tf.constant([[1000.0, 0.0]]))
    assert big.numpy().tolist() == [[1.0, 0.0]]  # no overflow
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0], logits=[[0.0, 0.0]])
    assert float(ce[0]) == pytest.approx(np.log(2), rel=1e-6)
    sce = tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])
    assert float(sce[0]) == pytest.approx(np.log(2), rel=1e-6)
    assert tf.nn.gelu(tf.constant([1.0])).numpy()[0] == pytest.approx(0.8413447, rel=1e-6)


def test_dropout_scales_kept_units_and_is_reproducible():
    tf.random.set_seed(3)
    a = tf.nn.dropout(tf.ones((1000,)), rate=0.5)
    tf.random.set_seed(3)
    b = tf.nn.dropout(tf.ones((1000,)), rate=0.5)
    assert set(np.unique(a.numpy())) <= {0.0, 2.0}
    assert np.array_equal(a.numpy(), b.numpy())
    assert 400 < np.count_nonzero(a.numpy()) < 600


def test_random_is_seeded():
    tf.random.set_seed(7)
    a = tf.random.normal((3,)), tf.random.uniform((3,)), tf.random.truncated_normal((50,))
    tf.random.set_seed(7)
    b = tf.random.normal((3,)), tf.random.uniform((3,)), tf.random.truncated_normal((50,))
    for u, v in zip(a, b):
        assert np.array_equal(u.numpy(), v.numpy())
    assert np.all(np.abs(a[2].numpy()) <= 2)
    assert sorted(tf.random.shuffle(tf.range(5)).numpy().tolist()) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("call, message", [
    (lambda: tf.matmul(tf.ones((6, 4)), tf.ones((5, 3))),
     r"matmul: cannot multiply \(6, 4\) by \(5, 3\): inner dimensions 4 and 5 differ"),
    (lambda: tf.add(tf.ones((2, 3)), tf.ones((4,))), r"add: .*\(2, 3\), \(4,\)"),
    (lambda: tf.reshape(tf.ones((2, 3)), (4,)), r"reshape: cannot reshape .*\(2, 3\)"),
    (lambda: tf.reduce_sum(tf.ones((2,)), axis=3), r"reduce_sum: axis 3 is out of range"),
    (lambda: tf.gather(tf.ones((3,)), [5]), r"gather: indices must be in \[0, 3\)"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits([10], tf.ones((1, 10))),
     r"\[0, 10\).*max label 10"),
])
def test_errors_name_the_op_and_the_shapes(call, message):
    with pytest.raises((ValueError, IndexError, TypeError), match=message):
        call()


@settings(max_examples=40, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_broadcast_gradients_have_input_shapes_and_count_copies(shapes):
    sx, sy = shapes.input_shapes
    x = tf.Variable(np.ones(sx, np.float32))
    y = tf.Variable(np.ones(sy, np.float32))
    with tf.GradientTape() as tape:
        z = x * y
    gx, gy = tape.gradient(z, [x, y])
    n = int(np.prod(shapes.result_shape))
    assert gx.shape == sx and gy.shape == sy
    # each input entry is reused n / size times by broadcasting
    assert np.all(gx.numpy() == n / max(int(np.prod(sx)), 1))
    assert np.all(gy.numpy() == n / max(int(np.prod(sy)), 1))


@settings(max_examples=30, deadline=None)
@given(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_reduce_gradients_have_input_shapes(shape):
    x = tf.Variable(np.random.default_rng(0).normal(size=shape).astype(np.float32))
    for axis in [None] + list(range(len(shape))):
        for keep in (False, True):
            with tf.GradientTape() as tape:
                y = tf.reduce_mean(x, axis=axis, keepdims=keep)
            assert tape.gradient(y, x).shape == shape


@pytest.mark.parametrize("op", [tf.exp, tf.math.log, tf.sqrt, tf.sin, tf.tanh, tf.math.erf,
                                tf.nn.sigmoid, tf.nn.softplus, tf.nn.elu, tf.nn.selu,
                                tf.nn.gelu, tf.nn.leaky_relu, tf.nn.softmax, tf.nn.swish])
def test_float_only_ops_refuse_integer_tensors(op):
    """TensorFlow refuses integers here; truncating sigmoid(range) to zeros would hide it."""
    with pytest.raises(TypeError, match="expected a floating-point tensor; got int32.*tf.cast"):
        op(tf.range(-3, 4))
    assert op(tf.cast(tf.range(1, 5), tf.float32)).dtype == tf.float32  # and stays float32


def test_relu_and_abs_keep_integers():
    assert tf.nn.relu(tf.range(-2, 2)).numpy().tolist() == [0, 0, 0, 1]
    assert tf.abs(tf.constant([-2, 3])).dtype == tf.int32


def test_integer_reductions_and_division_keep_tensorflows_dtypes():
    correct = tf.constant([True, False, True, True])
    hits = tf.reduce_sum(tf.cast(correct, tf.int32))
    assert hits.dtype == tf.int32 and int(hits) == 3
    assert float(hits / tf.size(correct)) == 0.75               # int32 / int32 -> float64
    mean = tf.reduce_mean(tf.constant([1, 0, 1, 0]))             # TensorFlow's own example
    assert mean.dtype == tf.int32 and int(mean) == 0
    assert int(tf.reduce_mean(tf.constant([-3, 0]))) == -1        # truncated toward zero
    assert tf.reduce_prod(tf.constant([2, 3], "int8")).dtype == tf.int8
    pixels = tf.constant(np.array([0, 255], np.uint8))
    assert (pixels / 255).dtype == tf.float32                     # 8/16-bit ints: float32
    assert (tf.constant([3]) / 2).dtype == tf.float64


def test_meshgrid_matches_numpy_both_indexings():
    x, y, z = np.arange(3.0), np.arange(4.0) * 10, np.arange(2.0) - 5
    for indexing in ("xy", "ij"):
        got = tf.meshgrid(tf.constant(x), tf.constant(y), tf.constant(z), indexing=indexing)
        for g, want in zip(got, np.meshgrid(x, y, z, indexing=indexing)):
            np.testing.assert_array_equal(g.numpy(), want)
    X, Y = tf.meshgrid(tf.constant(x), tf.constant(y))           # the contour-plot pair
    assert X.shape == (4, 3) and Y.shape == (4, 3)


def test_cumsum_variants_match_numpy():
    x = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    assert tf.cumsum(x, axis=1).numpy().tolist() == [[1, 3, 6], [4, 9, 15]]
    assert tf.math.cumsum(x, axis=1, exclusive=True).numpy().tolist() == [[0, 1, 3], [0, 4, 9]]
    assert tf.math.cumsum(x, axis=1, reverse=True).numpy().tolist() == [[6, 5, 3], [15, 11, 6]]
    assert tf.cumsum(x).dtype == tf.int32


def test_safe_division_norms_and_clipping():
    q = tf.math.divide_no_nan(tf.constant([1.0, 2.0]), tf.constant([0.0, 4.0]))
    assert q.numpy().tolist() == [0.0, 0.5]
    assert int(tf.math.count_nonzero(tf.constant([0, 3, 0, 1]))) == 2
    assert tf.math.count_nonzero(tf.constant([1.0]), dtype=tf.int32).dtype == tf.int32
    x, y = tf.constant([1.0, 2.0]), tf.constant([0.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        q = tf.reduce_sum(tf.math.divide_no_nan(x, y))
    gx, gy = tape.gradient(q, [x, y])                # no NaN where y is 0
    assert gx.numpy().tolist() == [0.0, 0.25] and gy.numpy().tolist() == [0.0, -0.125]
    a, b = tf.constant([3.0, 0.0]), tf.constant([[4.0]])
    assert float(tf.linalg.global_norm([a, None, b])) == 5.0
    (ca, _, cb), norm = tf.clip_by_global_norm([a, None, b], 1.0)
    np.testing.assert_allclose(ca.numpy(), [0.6, 0.0]) and float(norm) == 5.0
    np.testing.assert_allclose(cb.numpy(), [[0.8]])
    np.testing.assert_allclose(tf.clip_by_norm(a, 1.5).numpy(), [1.5, 0.0])
    np.testing.assert_allclose(tf.clip_by_norm(a, 10.0).numpy(), [3.0, 0.0])   # unchanged
    np.testing.assert_allclose(tf.math.l2_normalize(tf.constant([3.0, 4.0])).numpy(), [0.6, 0.8])
    np.testing.assert_allclose(tf.math.log_sigmoid(tf.constant([0.0, -100.0])).numpy(),
                               [np.log(0.5), -100.0], rtol=1e-6)
    np.testing.assert_allclose(tf.tan(tf.constant([0.5])).numpy(), np.tan([0.5]), rtol=1e-6)
    assert tf.floor(tf.constant([1.7])).numpy().tolist() == [1.0]
