"""tf.custom_gradient (the Advanced autodiff guide's examples), tf.einsum, tf.unique,
tf.searchsorted, tf.map_fn, tf.get_static_value: golden values by hand or from
TensorFlow's docs."""
import numpy as np
import pytest

import tapeflow as tf


def test_gradient_clipping_example_from_the_guide():
    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return tf.clip_by_norm(dy, 0.5)
        return y, backward

    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        output = clip_gradients(v * v)
    assert float(tape.gradient(output, v)) == 2.0   # the guide's output: 2.0 (not 4.0)


def _log1pexp():
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))
        return tf.math.log(1 + e), grad
    return log1pexp


def test_log1pexp_is_stable_at_100():
    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with np.errstate(over="ignore"):
            y = _log1pexp()(x)
    assert float(tape.gradient(y, x)) == 1.0        # the naive gradient is nan


def test_custom_gradient_replays_in_tf_function_with_new_inputs():
    log1pexp = _log1pexp()

    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = log1pexp(x)
        return tape.gradient(y, x)

    for value in (0.0, 1.0, -2.0, 3.0):
        assert float(grad(tf.constant(value))) == pytest.approx(1 / (1 + np.exp(-value)))
    assert grad.experimental_get_tracing_count() == 1
    assert "fn=" in grad.program_code()   # the custom op is in the replayed program


def test_custom_gradient_with_variables_and_several_inputs():
    w = tf.Variable(3.0)

    @tf.custom_gradient
    def scale(x, b):
        def grad(dy, variables=None):
            return [dy * w, None], [dy * x * 100.0]
        return x * w + b, grad

    x, b = tf.constant(2.0), tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch([x, b])
        y = scale(x, b)
    gx, gb, gw = tape.gradient(y, [x, b, w])
    assert float(y) == 7.0 and (float(gx), gb, float(gw)) == (3.0, None, 200.0)


def test_custom_gradient_errors_name_the_function_and_fix():
    w = tf.Variable(1.0)

    @tf.custom_gradient
    def reads_variable(x):
        return x * w, lambda dy: dy
    with pytest.raises(TypeError, match=r"reads_variable\(\) reads Variables.*variables="):
        reads_variable(tf.constant(1.0))

    @tf.custom_gradient
    def no_grad_fn(x):
        return x * 2.0
    with pytest.raises(TypeError, match=r"return \(y, grad_fn\)"):
        no_grad_fn(tf.constant(1.0))


def test_einsum_matches_numpy_and_differentiates():
    a = np.arange(6.0).reshape(2, 3)
    b = np.arange(12.0).reshape(3, 4)
    assert np.allclose(tf.einsum("ij,jk->ik", a, b).numpy(), a @ b)
    assert np.allclose(tf.einsum("ij->ji", a).numpy(), a.T)
    assert float(tf.einsum("ij,ij", a, a)) == float((a * a).sum())  # implicit output: scalar
    x = np.arange(24.0).reshape(2, 3, 4)
    assert np.allclose(tf.einsum("...ij,...jk->...ik", x, np.ones((2, 4, 5))).numpy(),
                       x @ np.ones((2, 4, 5)))
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        t = tf.einsum("ii->", v)                   # the trace: gradient is the identity
    assert tape.gradient(t, v).numpy().tolist() == [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(ValueError, match="einsum: the equation 'ij,jk->ik' names 2"):
        tf.einsum("ij,jk->ik", a)


def test_unique_searchsorted_map_fn_static_value():
    y, idx = tf.unique(tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8]))     # TF's docstring
    assert y.numpy().tolist() == [1, 2, 4, 7, 8]
    assert idx.numpy().tolist() == [0, 0, 1, 2, 2, 2, 3, 4, 4] and idx.dtype == tf.int32
    y, idx = tf.unique([3.0, 1.0, 3.0])
    assert y.numpy().tolist() == [3.0, 1.0] and idx.numpy().tolist() == [0, 1, 0]
    found = tf.searchsorted([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]], [[2, 4, 9], [0, 2, 6]])
    assert found.numpy().tolist() == [[1, 2, 2], [0, 1, 5]]          # TF's docstring
    right = tf.searchsorted([0, 3, 9, 9, 10], [9], side="right")
    assert right.numpy().tolist() == [4]
    squares = tf.map_fn(lambda t: t * t, tf.constant([1, 2, 3]))
    assert squares.numpy().tolist() == [1, 4, 9]
    sums = tf.map_fn(lambda xy: xy[0] + xy[1], (tf.constant([1, 2]), tf.constant([10, 20])))
    assert sums.numpy().tolist() == [11, 22]
    lengths = tf.map_fn(lambda t: tf.reduce_sum(t), tf.ones((3, 2)),
                        fn_output_signature=tf.int32)
    assert lengths.dtype == tf.int32 and lengths.numpy().tolist() == [2, 2, 2]
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(tf.map_fn(lambda t: t * t, v))
    assert tape.gradient(out, v).numpy().tolist() == [2.0, 4.0]
    assert tf.get_static_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert tf.get_static_value(3) == 3
    with pytest.raises(ValueError, match="unique: expected a 1-D tensor"):
        tf.unique([[1, 2]])


def test_nested_tapes_differentiate_grad_fn():
    log1pexp = _log1pexp()
    x = tf.Variable(0.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = log1pexp(x)
        first = inner.gradient(y, x)
    sigmoid = 1 / (1 + np.exp(-0.5))
    assert float(first) == pytest.approx(sigmoid)
    assert float(outer.gradient(first, x)) == pytest.approx(sigmoid * (1 - sigmoid))
