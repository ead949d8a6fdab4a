"""TensorFlow's autodiff guides and Chollet's chapter 3, with their exact code patterns."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.ops.higher import RULES
from tapeflow.ops.registry import REGISTRY


def test_chollet_position_speed_acceleration():
    time = tf.Variable(0.)
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = 4.9 * time ** 2
        speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)
    assert float(speed) == 0.0 and abs(float(acceleration) - 9.8) < 1e-6


def test_guide_basics_persistent_watch_stop_recording_unconnected():
    x = tf.constant([1, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, x).numpy().tolist() == [4.0, 108.0]
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 6.0]
    del tape
    x0 = tf.Variable(3.0, name='x0')
    x1 = tf.Variable(3.0, name='x1', trainable=False)
    x2 = tf.Variable(2.0, name='x2') + 1.0
    x3 = tf.constant(3.0, name='x3')
    with tf.GradientTape() as tape:
        y = (x0**2) + (x1**2) + (x2**2)
    assert [var.name for var in tape.watched_variables()] == ['x0']
    grad = tape.gradient(y, [x0, x1, x2, x3])
    assert float(grad[0]) == 6.0 and grad[1:] == [None, None, None]
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as t:
        x_sq = x * x
        with t.stop_recording():
            y_sq = y * y
        z = x_sq + y_sq
    grad = t.gradient(z, {'x': x, 'y': y})
    assert float(grad['x']) == 4.0 and grad['y'] is None
    x = tf.Variable([2., 2.])
    y = tf.Variable(3.)
    with tf.GradientTape() as tape:
        z = y**2
    assert tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO
                         ).numpy().tolist() == [0.0, 0.0]


def test_guide_jacobians():
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)
    assert dy_dx.shape == (201,)
    s = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(dy_dx.numpy(), s * (1 - s), atol=1e-6)
    x = tf.random.normal([7, 5])
    layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
    with tf.GradientTape(persistent=True) as tape:
        y = layer(x)
    j = tape.jacobian(y, layer.kernel)
    assert j.shape == (7, 10, 5, 10)
    g = tape.gradient(y, layer.kernel)
    np.testing.assert_allclose(tf.reduce_sum(j, axis=[0, 1]).numpy(), g.numpy(), atol=1e-5)
    layer1 = tf.keras.layers.Dense(8, activation=tf.nn.elu)
    layer2 = tf.keras.layers.Dense(6, activation=tf.nn.elu)
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = layer1(x)
        y = layer2(y)
    j = tape.jacobian(y, x)
    jb = tape.batch_jacobian(y, x)
    assert j.shape == (7, 6, 7, 5) and jb.shape == (7, 6, 5)
    np.testing.assert_allclose(tf.reduce_sum(j, axis=2).numpy(), jb.numpy(), atol=1e-6)
    with pytest.raises(ValueError, match=r"batch_jacobian: .* shapes \(7, 6\) and \(5,\)"):
        tape.batch_jacobian(y, tf.zeros(5))


def test_input_gradient_regularization_through_a_dense_layer():
    x = tf.constant(np.random.default_rng(0).normal(size=(7, 5)).astype("float64"))
    layer = tf.keras.layers.Dense(10, activation=tf.nn.relu, dtype="float64")
    layer.build((None, 5))

    def reg(kernel):
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.nn.relu(tf.matmul(x, kernel) + layer.bias)
            dy_dx = t1.gradient(y, x)
            value = tf.reduce_mean(tf.reduce_sum(dy_dx ** 2, axis=1))
        return value, t2.gradient(value, kernel)

    value, dw = reg(layer.kernel)
    k = layer.kernel.numpy()
    eps, numeric = 1e-6, np.zeros_like(k)
    for idx in np.ndindex(k.shape):
        for sign in (1, -1):
            kk = k.copy()
            kk[idx] += sign * eps
            numeric[idx] += sign * float(reg(tf.Variable(kk))[0]) / (2 * eps)
    np.testing.assert_allclose(dw.numpy(), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(RULES))
def test_second_order_rules_match_the_first_order_vjps(name):
    """Each op-written rule gives the NumPy VJP's numbers (float64), so its own gradient
    is the derivative of the right formula."""
    rng = np.random.default_rng(3)
    op = REGISTRY[name]
    shapes = {"matmul": [(2, 3), (3, 4)], "dense": [(2, 3), (3, 4), (4,)]}.get(name)
    attrs = {"reduce_sum": dict(axis=(1,), keepdims=False),
             "reduce_mean": dict(axis=(0,), keepdims=False), "reshape": dict(shape=(3, 2)),
             "matmul": dict(transpose_a=False, transpose_b=False),
             "dense": dict(activation="tanh")}.get(name, {})
    if shapes is None:
        shapes = [(2, 3)] * (2 if name in ("add", "subtract", "multiply", "divide", "pow")
                             else 1)
    values = [rng.uniform(0.5, 2.0, s) for s in shapes]
    out = op.forward(*values, **attrs)
    g = rng.normal(size=np.shape(out))
    want = op.vjp(g, out, *values, **attrs)
    got = op.tensor_vjp(tf.constant(g), tf.constant(out),
                        *[tf.constant(v) for v in values], **attrs)
    for w, h in zip(want, got):
        np.testing.assert_allclose(h.numpy(), np.broadcast_to(w, h.shape), rtol=1e-10)
