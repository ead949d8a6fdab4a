"""Golden values for every loss, with the arithmetic written out."""
import math

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import losses

EPS = 1e-7


def close(t, expected, tol=1e-5):
    np.testing.assert_allclose(np.asarray(t), expected, rtol=tol, atol=tol)


# ------------------------------------------------------------------ cross-entropies

def test_sparse_categorical_crossentropy_per_sample_and_reduced():
    y_true = [1, 2]
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    # -log(0.95) = 0.051293, -log(0.1) = 2.302585
    per = losses.sparse_categorical_crossentropy(y_true, y_pred)
    close(per, [-math.log(0.95), -math.log(0.1)])
    scce = losses.SparseCategoricalCrossentropy()
    close(scce(y_true, y_pred), (-math.log(0.95) - math.log(0.1)) / 2)          # 1.176939
    close(scce(y_true, y_pred, sample_weight=[0.3, 0.7]),
          (0.3 * -math.log(0.95) + 0.7 * -math.log(0.1)) / 2)                    # 0.813293
    close(losses.SparseCategoricalCrossentropy(reduction="sum")(y_true, y_pred),
          -math.log(0.95) - math.log(0.1))
    close(losses.SparseCategoricalCrossentropy(reduction="none")(y_true, y_pred),
          [-math.log(0.95), -math.log(0.1)])
    close(losses.SparseCategoricalCrossentropy(reduction=None)(y_true, y_pred),
          [-math.log(0.95), -math.log(0.1)])


def test_sparse_labels_shapes_and_float_labels():
    y_pred = np.array([[0.2, 0.8], [0.6, 0.4]], np.float32)
    expected = [-math.log(0.8), -math.log(0.6)]
    for labels in ([1, 0], [[1], [0]], np.array([1.0, 0.0], np.float32),
                   np.array([1, 0], np.uint8), tf.constant([1, 0])):
        close(losses.sparse_categorical_crossentropy(labels, y_pred), expected)


def test_sparse_renormalises_and_clips():
    # probabilities summing to 2 are renormalised: [0.5, 1.5] -> [0.25, 0.75]
    close(losses.sparse_categorical_crossentropy([1], [[0.5, 1.5]]), [-math.log(0.75)])
    # a zero probability is clipped to 1e-7: -log(1e-7) = 16.118096
    close(losses.sparse_categorical_crossentropy([0], [[0.0, 1.0]]), [-math.log(EPS)], 1e-4)
    # a probability of exactly one is clipped to 1 - 1e-7 (float32: 0.99999988)
    out = float(losses.sparse_categorical_crossentropy([0], [[1.0, 0.0]])[0])
    assert 0 < out < 2e-7


def test_sparse_from_logits():
    # logits [2, 0]: log_softmax[0] = -log(1 + e^-2) = -0.126928
    close(losses.sparse_categorical_crossentropy([0, 1], [[2.0, 0.0], [2.0, 0.0]],
                                                 from_logits=True),
          [math.log(1 + math.exp(-2)), 2 + math.log(1 + math.exp(-2))])


def test_sparse_ignore_class_averages_over_valid_samples():
    y_pred = [[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    # the third sample is ignored: mean of -log 0.8 and -log 0.6 over 2 valid samples
    close(loss([1, 0, -1], y_pred), (-math.log(0.8) - math.log(0.6)) / 2)
    close(losses.sparse_categorical_crossentropy([1, 0, -1], y_pred, ignore_class=-1),
          [-math.log(0.8), -math.log(0.6), 0.0])


def test_categorical_crossentropy():
    y_true = [[0, 1, 0], [0, 0, 1]]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    close(losses.categorical_crossentropy(y_true, y_pred), [-math.log(0.95), -math.log(0.1)])
    close(losses.CategoricalCrossentropy()(y_true, y_pred),
          (-math.log(0.95) - math.log(0.1)) / 2)
    # soft targets: -(0.25 log 0.25 + 0.75 log 0.75) for y_pred equal to the targets
    close(losses.categorical_crossentropy([[0.25, 0.75]], [[0.25, 0.75]]),
          [-(0.25 * math.log(0.25) + 0.75 * math.log(0.75))])


def test_categorical_label_smoothing_and_logits():
    # smoothing 0.2 over 2 classes: [0, 1] -> [0.1, 0.9]
    expected = -(0.1 * math.log(0.25) + 0.9 * math.log(0.75))
    close(losses.categorical_crossentropy([[0, 1]], [[0.25, 0.75]], label_smoothing=0.2),
          [expected])
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2)
    logits = [[0.0, math.log(3.0)]]                 # softmax -> [0.25, 0.75]
    close(loss([[0, 1]], logits), expected)


def test_categorical_axis_zero():
    y_true = np.array([[0.0, 1.0], [1.0, 0.0]])     # classes along axis 0
    y_pred = np.array([[0.2, 0.6], [0.8, 0.4]])
    close(losses.categorical_crossentropy(y_true, y_pred, axis=0),
          [-math.log(0.8), -math.log(0.6)])


def test_binary_crossentropy():
    y_true = [[0, 1], [0, 0]]
    y_pred = [[0.6, 0.4], [0.4, 0.6]]
    # row 1: (-log 0.4 - log 0.4) / 2 = 0.916291; row 2: (-log 0.6 - log 0.4) / 2 = 0.713558
    row1 = -math.log(0.4)
    row2 = (-math.log(0.6) - math.log(0.4)) / 2
    close(losses.binary_crossentropy(y_true, y_pred), [row1, row2])
    close(losses.BinaryCrossentropy()(y_true, y_pred), (row1 + row2) / 2)
    # clipped, not renormalised: p = 0 with target 1 costs -log(1e-7)
    close(losses.binary_crossentropy([[1.0]], [[0.0]]), [-math.log(EPS)], 1e-4)


def test_binary_crossentropy_logits_smoothing_and_rank_fix():
    # Keras's documented example: 0.8654 (mean of the four stable sigmoid cross-entropies)
    y_true = [0, 1, 0, 0]
    logits = [-18.6, 0.51, 2.94, -12.8]
    per = [max(x, 0) - x * z + math.log1p(math.exp(-abs(x))) for x, z in zip(logits, y_true)]
    close(losses.BinaryCrossentropy(from_logits=True)(y_true, logits), sum(per) / 4)
    # smoothing 0.1: target 1 -> 0.95
    p = 0.7
    close(losses.binary_crossentropy([[1.0]], [[p]], label_smoothing=0.1),
          [-(0.95 * math.log(p) + 0.05 * math.log(1 - p))])
    # (n,) labels against (n, 1) predictions: labels expanded to (n, 1)
    close(losses.BinaryCrossentropy()([1.0, 0.0], [[0.8], [0.3]]),
          (-math.log(0.8) - math.log(0.7)) / 2)


# ---------------------------------------------------------------------- regression

def test_mean_squared_error_and_rank_fix():
    # rows: ((1-1)^2 + (2-4)^2)/2 = 2 ; ((3-0)^2 + (0-1)^2)/2 = 5
    close(losses.mean_squared_error([[1.0, 2.0], [3.0, 0.0]], [[1.0, 4.0], [0.0, 1.0]]), [2, 5])
    mse = losses.MeanSquaredError()
    close(mse([[1.0, 2.0], [3.0, 0.0]], [[1.0, 4.0], [0.0, 1.0]]), 3.5)
    close(mse([1.0, 2.0], [[2.0], [4.0]]), (1 + 4) / 2)     # (n,) vs (n, 1)
    close(mse([[1.0, 2.0]], [[1.0, 4.0]], sample_weight=[2.0]), 4.0)
    close(losses.MeanSquaredError(reduction="sum")([[0.0], [0.0]], [[1.0], [2.0]]), 5.0)


def test_mean_with_sample_weight_reduction():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    # weighted sum (1*1 + 3*4) = 13 divided by the weights' sum 4
    close(loss([[0.0], [0.0]], [[1.0], [2.0]], sample_weight=[1.0, 3.0]), 13 / 4)
    # sum_over_batch_size divides the same weighted sum by the batch size 2
    close(losses.MeanSquaredError()([[0.0], [0.0]], [[1.0], [2.0]], sample_weight=[1.0, 3.0]),
          13 / 2)


def test_mae_mape_msle():
    close(losses.mean_absolute_error([[1.0, 2.0]], [[1.5, 1.0]]), [(0.5 + 1.0) / 2])
    # |2-1|/2 = 0.5, |4-5|/4 = 0.25 -> 100 * mean = 37.5; zero target divides by 1e-7
    close(losses.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]]), [37.5])
    close(losses.mean_absolute_percentage_error([[0.0]], [[1e-7]]), [100.0], 1e-3)
    # (log(3 + 1) - log(1 + 1))^2 = log(2)^2
    close(losses.mean_squared_logarithmic_error([[1.0]], [[3.0]]), [math.log(2) ** 2])
    close(losses.MeanAbsoluteError()([[1.0, 2.0]], [[1.5, 1.0]]), 0.75)


def test_huber_and_log_cosh():
    # errors 0.5 (quadratic: 0.125) and 3 (linear: 1*3 - 0.5 = 2.5): mean 1.3125
    close(losses.huber([[0.0, 0.0]], [[0.5, 3.0]]), [1.3125])
    # delta 2: error 3 -> 2*3 - 0.5*4 = 4; error 0.5 -> 0.125
    close(losses.Huber(delta=2.0)([[0.0, 0.0]], [[0.5, 3.0]]), (0.125 + 4) / 2)
    close(losses.log_cosh([[0.0, 0.0]], [[1.0, -2.0]]),
          [(math.log(math.cosh(1)) + math.log(math.cosh(2))) / 2])
    # a huge error does not overflow: log(cosh(100)) = 100 - log 2
    close(losses.log_cosh([[0.0]], [[100.0]]), [100 - math.log(2)], 1e-4)


def test_kl_divergence_and_poisson():
    # 0.5 log(0.5/0.25) + 0.5 log(0.5/0.75)
    close(losses.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]),
          [0.5 * math.log(2) + 0.5 * math.log(0.5 / 0.75)])
    close(losses.KLDivergence()([[0.0, 1.0]], [[0.5, 0.5]]), math.log(2))
    # (p - t log(p + 1e-7)): (2 - 1*log 2 + 3 - 0) / 2
    close(losses.poisson([[1.0, 0.0]], [[2.0, 3.0]]), [(2 - math.log(2) + 3) / 2])


def test_hinges():
    # 0/1 labels become -1/1: max(1 - 0.3, 0) = 0.7, max(1 - 2, 0) = 0
    close(losses.hinge([[1.0, 0.0]], [[0.3, -2.0]]), [0.35])
    close(losses.squared_hinge([[1.0, 0.0]], [[0.3, -2.0]]), [0.49 / 2])
    # -1/1 labels are used as they are
    close(losses.hinge([[-1.0, 1.0]], [[0.5, 0.5]]), [(1.5 + 0.5) / 2])
    # pos = 0.5, neg = max(0.2, 0.7) = 0.7: 0.7 - 0.5 + 1 = 1.2
    close(losses.categorical_hinge([[0.0, 1.0, 0.0]], [[0.2, 0.5, 0.7]]), [1.2])
    close(losses.CategoricalHinge()([[0.0, 1.0]], [[0.0, 3.0]]), 0.0)


def test_custom_function_wrapper_gets_rank_fix():
    def l1(y_true, y_pred):
        assert tuple(y_true.shape) == (2, 1)
        return tf.reduce_sum(tf.abs(y_true - y_pred), axis=-1)
    close(losses.get(l1)([1.0, 2.0], [[1.5], [1.0]]), (0.5 + 1.0) / 2)


def test_loss_is_float32_and_accepts_float64_inputs():
    out = losses.MeanSquaredError()(np.zeros((2, 1)), np.ones((2, 1)))
    assert out.dtype == tf.float32
    assert float(out) == 1.0


@pytest.mark.parametrize("name", ["sparse_categorical_crossentropy", "mse"])
def test_loss_objects_are_differentiable(name):
    w = tf.Variable([[0.5, -0.5]])
    x = tf.constant([[1.0], [2.0]])
    y = [0, 1] if name.startswith("sparse") else [[0.0, 1.0], [1.0, 0.0]]
    with tf.GradientTape() as tape:
        pred = tf.nn.softmax(tf.matmul(x, w))
        loss = losses.get(name)(y, pred)
    grad = tape.gradient(loss, w)
    assert grad is not None and np.all(np.isfinite(grad.numpy()))
