"""Gradients of every loss w.r.t. y_pred against float64 central differences.

Inputs are float64 (the functions keep float64 tensors), drawn away from kinks
(|e| = 0, |e| = delta, hinge margins) and clipping bounds, and each loss is
weighted by random per-sample factors so every output entry matters.
"""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import losses
from tapeflow.keras.losses import xent

RNG = np.random.default_rng(7)


def probs(n, k):
    p = RNG.uniform(0.1, 1.0, (n, k))
    return p / p.sum(-1, keepdims=True) * RNG.uniform(0.8, 1.2, (n, 1))   # not normalised


def onehot(n, k):
    return np.eye(k)[RNG.integers(0, k, n)]


def away(x, points, gap=0.1):
    for p in points:
        x = np.where(np.abs(x - p) < gap, x + 3 * gap, x)
    return x


N, K = 4, 3
CASES = {
    "sparse_probs": (lambda t, p: losses.sparse_categorical_crossentropy(t, p),
                     RNG.integers(0, K, N), probs(N, K)),
    "sparse_probs_col": (lambda t, p: losses.sparse_categorical_crossentropy(t, p),
                         RNG.integers(0, K, (N, 1)), probs(N, K)),
    "sparse_logits": (lambda t, p: losses.sparse_categorical_crossentropy(t, p, True),
                      RNG.integers(0, K, N), RNG.normal(size=(N, K))),
    "categorical_probs": (lambda t, p: losses.categorical_crossentropy(t, p),
                          onehot(N, K), probs(N, K)),
    "categorical_soft": (lambda t, p: losses.categorical_crossentropy(t, p, label_smoothing=0.1),
                         probs(N, K), probs(N, K)),
    "categorical_axis0": (lambda t, p: losses.categorical_crossentropy(t, p, axis=0),
                          onehot(K, N).T, probs(K, N).T),
    "categorical_logits": (lambda t, p: losses.categorical_crossentropy(t, p, True),
                           onehot(N, K), RNG.normal(size=(N, K))),
    "binary_probs": (lambda t, p: losses.binary_crossentropy(t, p),
                     RNG.integers(0, 2, (N, 2)).astype(float), RNG.uniform(0.05, 0.95, (N, 2))),
    "binary_logits": (lambda t, p: losses.binary_crossentropy(t, p, True, 0.1),
                      RNG.integers(0, 2, (N, 2)).astype(float), RNG.normal(size=(N, 2))),
    "mse": (losses.mean_squared_error, RNG.normal(size=(N, 2)), RNG.normal(size=(N, 2))),
    "mae": (losses.mean_absolute_error, np.zeros((N, 2)),
            away(RNG.normal(size=(N, 2)), [0])),
    "mape": (losses.mean_absolute_percentage_error, RNG.uniform(1, 2, (N, 2)),
             RNG.uniform(3, 4, (N, 2))),
    "msle": (losses.mean_squared_logarithmic_error, RNG.uniform(0.1, 2, (N, 2)),
             RNG.uniform(0.1, 2, (N, 2))),
    "huber": (lambda t, p: losses.huber(t, p, delta=1.0), np.zeros((N, 2)),
              away(RNG.uniform(-3, 3, (N, 2)), [-1, 1])),
    "log_cosh": (losses.log_cosh, RNG.normal(size=(N, 2)), RNG.normal(size=(N, 2))),
    "kl_divergence": (losses.kl_divergence, probs(N, K), probs(N, K)),
    "poisson": (losses.poisson, RNG.uniform(0, 3, (N, 2)), RNG.uniform(0.5, 3, (N, 2))),
    "hinge": (losses.hinge, np.sign(RNG.normal(size=(N, 2))),
              away(RNG.uniform(-2, 2, (N, 2)), [-1, 1])),
    "squared_hinge": (losses.squared_hinge, np.sign(RNG.normal(size=(N, 2))),
                      away(RNG.uniform(-2, 2, (N, 2)), [-1, 1])),
    "categorical_hinge": (losses.categorical_hinge, onehot(N, K),
                          np.array([[0.1, 0.5, 0.9], [1.2, 0.3, 0.0], [0.4, 0.8, 2.5],
                                    [0.0, 0.6, 0.2]])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_gradient_matches_central_differences(name):
    fn, y_true, y_pred = CASES[name]
    y_pred = np.asarray(y_pred, np.float64)
    weights = RNG.uniform(0.5, 1.5, np.shape(fn(y_true, y_pred)))

    def f(p):
        return float(np.sum(fn(y_true, tf.constant(p)).numpy() * weights))

    x = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(fn(y_true, x) * tf.constant(weights))
    got = tape.gradient(total, x).numpy()
    h = 1e-6
    numeric = np.zeros_like(y_pred)
    for idx in np.ndindex(*y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (f(up) - f(down)) / (2 * h)
    np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6, err_msg=name)


def test_fused_ops_zero_gradient_where_clipped():
    # p = [0, 1]: label 0 is clipped to 1e-7 from below -> no gradient flows (as in Keras)
    x = tf.constant(np.array([[0.0, 1.0]]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = losses.sparse_categorical_crossentropy([0], x)
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), [[0.0, 0.0]])
    x = tf.constant(np.array([[0.0, 1.0]]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = losses.categorical_crossentropy([[1.0, 0.0]], x)
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), [[0.0, 0.0]])


def test_fused_categorical_target_gradient():
    # d/dt of -sum(t log q) is -log q
    t = tf.constant(np.array([[0.3, 0.7]]))
    p = tf.constant(np.array([[0.25, 0.75]]))
    with tf.GradientTape() as tape:
        tape.watch(t)
        loss = losses.categorical_crossentropy(t, p)
    np.testing.assert_allclose(tape.gradient(loss, t).numpy(), -np.log([[0.25, 0.75]]))


def test_sparse_gradient_formula_by_hand():
    # softmax output p, label l: d/dp_j = 1/sum(p) - [j == l]/p_l
    p = np.array([[0.2, 0.3, 0.5]])
    x = tf.constant(p)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = xent._sparse_xent(tf.constant([2]), x)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [[1.0, 1.0, 1.0 - 1 / 0.5]])
