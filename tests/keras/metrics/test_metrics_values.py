"""Golden values for every metric, with the arithmetic written out."""
import math

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import losses, metrics


def value(m):
    return float(m.result())


# --------------------------------------------------------------------- Mean and Sum

def test_mean_sum_weights_reset():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])                       # total 16, count 4
    assert value(m) == 4.0
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])   # total 20, count 6
    assert value(m) == pytest.approx(20 / 6)
    m.update_state(np.float32(2.0), sample_weight=4)   # scalar with a batch-size weight
    assert value(m) == pytest.approx((20 + 8) / (6 + 4))
    m.reset_state()
    assert value(m) == 0.0                             # 0 / 0 -> 0, as divide_no_nan
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert value(s) == 4.0


def test_mean_of_matrix_averages_within_samples():
    m = metrics.Mean()
    m.update_state([[1.0, 3.0], [5.0, 7.0]], sample_weight=[1.0, 3.0])
    # per-sample means 2 and 6, weighted: (2*1 + 6*3) / 4 = 5
    assert value(m) == 5.0


def test_results_are_float32_tensors():
    m = metrics.Mean()
    m.update_state(tf.constant([1.0, 2.0]))
    assert isinstance(m.result(), tf.Tensor) and m.result().dtype == tf.float32
    assert [v.name for v in m.variables] == ["total", "count"]


# ---------------------------------------------------------------------- accuracies

def test_accuracy_exact_match():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert value(m) == 0.75
    m.reset_state()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert value(m) == 0.5


def test_binary_accuracy():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])   # 0.6 > 0.5 is wrong
    assert value(m) == 0.75
    m.reset_state()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert value(m) == 0.5
    m = metrics.BinaryAccuracy(threshold=0.7)
    m.update_state([1, 0], [[0.65], [0.1]])            # (n,) labels with (n, 1) predictions
    assert value(m) == 0.5


def test_categorical_and_sparse_accuracy():
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(m) == 0.5
    m.reset_state()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
                   sample_weight=[0.7, 0.3])
    assert value(m) == pytest.approx(0.3)
    s = metrics.SparseCategoricalAccuracy()
    for labels in ([[2], [1]], [2, 1], np.array([2.0, 1.0], np.float32)):
        s.reset_state()
        s.update_state(labels, [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        assert value(s) == 0.5


def test_accuracy_accumulates_over_batches():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])   # 2 of 3
    m.update_state([1], [[0.4, 0.6]])                                   # 1 of 1
    assert value(m) == 0.75


def test_top_k_accuracies():
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(m) == 0.5
    m = metrics.TopKCategoricalAccuracy(k=2)
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert value(m) == 1.0
    s = metrics.SparseTopKCategoricalAccuracy(k=1)
    s.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert value(s) == pytest.approx(0.3)
    # a tie at the k boundary counts as in the top k (TensorFlow's in_top_k)
    s = metrics.SparseTopKCategoricalAccuracy(k=1)
    s.update_state([0], [[0.5, 0.5, 0.0]])
    assert value(s) == 1.0
    s = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    s.update_state([3, 1], [[3, 0, 2], [0, 2, 1]])     # ids sorted by score
    assert value(s) == 0.5


# ------------------------------------------------------------ regression metrics

def test_regression_metrics():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    m = metrics.MeanSquaredError()
    m.update_state(y_true, y_pred)                     # per sample 0.5 and 0.5
    assert value(m) == 0.5
    m = metrics.MeanAbsoluteError()
    m.update_state(y_true, y_pred, sample_weight=[1.0, 0.0])
    assert value(m) == 0.5
    m = metrics.RootMeanSquaredError()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])  # sqrt((0.5 + 0) / 2)
    assert value(m) == 0.5
    m = metrics.MeanAbsolutePercentageError()
    m.update_state([[2.0, 4.0]], [[1.0, 5.0]])         # 100 * (0.5 + 0.25) / 2
    assert value(m) == pytest.approx(37.5)
    m = metrics.MeanSquaredLogarithmicError()
    m.update_state([[1.0]], [[3.0]])                   # (log 4 - log 2)^2
    assert value(m) == pytest.approx(math.log(2) ** 2)
    m = metrics.LogCoshError()
    m.update_state([[0.0]], [[1.0]])
    assert value(m) == pytest.approx(math.log(math.cosh(1.0)))
    m = metrics.CosineSimilarity()
    m.update_state([[1.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [-1.0, -1.0]])   # (1 + -1) / 2
    assert value(m) == pytest.approx(0.0, abs=1e-6)


def test_probabilistic_and_hinge_metrics():
    m = metrics.SparseCategoricalCrossentropy()
    m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    assert value(m) == pytest.approx((-math.log(0.95) - math.log(0.1)) / 2, rel=1e-5)
    m = metrics.CategoricalCrossentropy(from_logits=True)
    m.update_state([[0, 1]], [[0.0, math.log(3.0)]])   # softmax -> [0.25, 0.75]
    assert value(m) == pytest.approx(-math.log(0.75), rel=1e-5)
    m = metrics.BinaryCrossentropy()
    m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    assert value(m) == pytest.approx((-math.log(0.4) + (-math.log(0.6) - math.log(0.4)) / 2)
                                     / 2, rel=1e-5)
    m = metrics.KLDivergence()
    m.update_state([[0.0, 1.0]], [[0.5, 0.5]])
    assert value(m) == pytest.approx(math.log(2), rel=1e-5)
    m = metrics.Poisson()
    m.update_state([[1.0, 0.0]], [[2.0, 3.0]])
    assert value(m) == pytest.approx((2 - math.log(2) + 3) / 2, rel=1e-5)
    m = metrics.Hinge()
    m.update_state([[1.0, 0.0]], [[0.3, -2.0]])        # (0.7 + 0) / 2
    assert value(m) == pytest.approx(0.35)
    m = metrics.SquaredHinge()
    m.update_state([[1.0, 0.0]], [[0.3, -2.0]])
    assert value(m) == pytest.approx(0.245)
    m = metrics.CategoricalHinge()
    m.update_state([[0.0, 1.0, 0.0]], [[0.2, 0.5, 0.7]])   # 0.7 - 0.5 + 1
    assert value(m) == pytest.approx(1.2)


KERNEL_CASES = [
    ("mean_squared_error", {}, np.random.default_rng(0).normal(size=(4, 3)),
     np.random.default_rng(1).normal(size=(4, 3))),
    ("mean_absolute_error", {}, np.ones((4, 1)), np.random.default_rng(2).normal(size=(4,))),
    ("mean_absolute_percentage_error", {}, np.random.default_rng(3).uniform(1, 2, (4, 3)),
     np.random.default_rng(4).uniform(1, 2, (4, 3))),
    ("mean_squared_logarithmic_error", {}, np.random.default_rng(5).uniform(0, 2, (4, 3)),
     np.random.default_rng(6).uniform(0, 2, (4, 3))),
    ("log_cosh", {}, np.zeros((4, 3)), np.random.default_rng(7).normal(size=(4, 3)) * 5),
    ("huber", {"delta": 0.7}, np.zeros((4, 3)), np.random.default_rng(8).normal(size=(4, 3))),
    ("kl_divergence", {}, np.random.default_rng(9).dirichlet([1, 1, 1], 4),
     np.random.default_rng(10).dirichlet([1, 1, 1], 4)),
    ("poisson", {}, np.random.default_rng(11).uniform(0, 3, (4, 3)),
     np.random.default_rng(12).uniform(0.1, 3, (4, 3))),
    ("hinge", {}, np.random.default_rng(13).integers(0, 2, (4, 3)).astype(float),
     np.random.default_rng(14).normal(size=(4, 3))),
    ("squared_hinge", {}, np.sign(np.random.default_rng(15).normal(size=(4, 3))),
     np.random.default_rng(16).normal(size=(4, 3))),
    ("categorical_hinge", {}, np.eye(3)[[0, 2, 1, 1]],
     np.random.default_rng(17).normal(size=(4, 3))),
    ("sparse_categorical_crossentropy", {}, np.array([0, 2, 1, 1]),
     np.random.default_rng(18).dirichlet([1, 1, 1], 4)),
    ("sparse_categorical_crossentropy", {"from_logits": True}, np.array([[0], [2], [1], [1]]),
     np.random.default_rng(19).normal(size=(4, 3))),
    ("categorical_crossentropy", {"label_smoothing": 0.1}, np.eye(3)[[0, 2, 1, 1]],
     np.random.default_rng(20).dirichlet([1, 1, 1], 4)),
    ("categorical_crossentropy", {"from_logits": True}, np.eye(3)[[0, 2, 1, 1]],
     np.random.default_rng(21).normal(size=(4, 3))),
    ("binary_crossentropy", {}, np.random.default_rng(22).integers(0, 2, (4, 2)),
     np.random.default_rng(23).uniform(0, 1, (4, 2))),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.2},
     np.random.default_rng(24).integers(0, 2, (4, 2)),
     np.random.default_rng(25).normal(size=(4, 2)) * 10),
]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", KERNEL_CASES)
def test_numpy_kernels_agree_with_the_losses(name, kwargs, y_true, y_pred):
    y_pred = y_pred.astype(np.float32)
    got = getattr(metrics, name)(y_true, y_pred, **kwargs).numpy()
    want = getattr(losses, name)(y_true, y_pred, **kwargs).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_wrapper_of_a_loss_function_uses_the_kernel():
    m = metrics.get(losses.mean_squared_error)
    assert isinstance(m, metrics.MeanMetricWrapper) and m._kernel is not None
    m.update_state([[1.0]], [[3.0]])
    assert value(m) == 4.0
    assert m.name == "mean_squared_error"


# ------------------------------------------------------------------- confusion metrics

def test_precision_recall():
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])     # tp 2, fp 1, fn 1
    assert value(p) == pytest.approx(2 / 3) and value(r) == pytest.approx(2 / 3)
    p.reset_state()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert value(p) == 1.0
    p = metrics.Precision(thresholds=[0.3, 0.7])
    p.update_state([1, 0, 1], [0.5, 0.4, 0.9])
    # t=0.3: all three positive, tp 2 -> 2/3; t=0.7: only 0.9 -> 1
    np.testing.assert_allclose(p.result().numpy(), [2 / 3, 1.0], rtol=1e-6)


def test_precision_top_k_and_class_id():
    m = metrics.Precision(top_k=2)
    m.update_state([0, 0, 1, 1], [1, 1, 1, 1])         # first two kept: both false
    assert value(m) == 0.0
    m = metrics.Precision(top_k=4)
    m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert value(m) == 0.5
    m = metrics.Recall(class_id=1)
    m.update_state([[0, 1], [0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    assert value(m) == 0.5                              # class 1: tp 1, fn 1


def test_raw_counts():
    for cls, want in ((metrics.TruePositives, 2), (metrics.FalsePositives, 1),
                      (metrics.TrueNegatives, 0), (metrics.FalseNegatives, 1)):
        m = cls()
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        assert value(m) == want


def test_auc_keras_example_and_weights():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    # thresholds [-1e-7, 0.5, 1+1e-7]: tp [2,1,0], fp [2,0,0], tn [0,2,2], fn [0,1,2]
    # tpr [1, 0.5, 0], fpr [1, 0, 0]: ((1 + 0.5)/2)*(1 - 0) + ((0.5 + 0)/2)*(0 - 0) = 0.75
    assert value(m) == 0.75
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert value(m) == 1.0


def test_auc_default_thresholds_close_to_exact_roc():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    p = np.clip(y * 0.3 + rng.uniform(0, 0.7, 500), 0, 1)
    m = metrics.AUC()
    m.update_state(y[:250], p[:250])
    m.update_state(y[250:], p[250:])
    pos, neg = p[y == 1], p[y == 0]
    exact = np.mean(pos[:, None] > neg[None, :]) + 0.5 * np.mean(pos[:, None] == neg[None, :])
    assert value(m) == pytest.approx(exact, abs=5e-3)


def test_auc_pr_minoring_majoring_multilabel():
    y, p = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    # thresholds [-eps, 0.5, 1+eps]: tp [2,1,0], fp [2,0,0], fn [0,1,2], tn [0,2,2]
    # recall [1, .5, 0], precision [.5, 1, 0]
    m = metrics.AUC(num_thresholds=3, curve="PR", summation_method="minoring")
    m.update_state(y, p)
    assert value(m) == pytest.approx((1 - 0.5) * 0.5 + (0.5 - 0) * 0.0)
    m = metrics.AUC(num_thresholds=3, curve="PR", summation_method="majoring")
    m.update_state(y, p)
    assert value(m) == pytest.approx((1 - 0.5) * 1.0 + (0.5 - 0) * 1.0)
    m = metrics.AUC(num_thresholds=3, summation_method="minoring")   # ROC, lower heights
    m.update_state(y, p)
    assert value(m) == pytest.approx(0.5)
    # multi_label: the mean of the per-column AUCs
    both = metrics.AUC(num_thresholds=3, multi_label=True)
    both.update_state(np.stack([y, y], 1), np.stack([p, [0.6, 0.1, 0.9, 0.7]], 1))
    second = metrics.AUC(num_thresholds=3)
    second.update_state(y, [0.6, 0.1, 0.9, 0.7])
    first = metrics.AUC(num_thresholds=3)
    first.update_state(y, p)
    assert value(both) == pytest.approx((value(first) + value(second)) / 2)


def test_auc_pr_interpolation_perfect_and_from_logits():
    m = metrics.AUC(curve="PR")
    m.update_state([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert value(m) == pytest.approx(1.0, abs=1e-6)
    m = metrics.AUC(from_logits=True, num_thresholds=3)
    m.update_state([0, 0, 1, 1], [-5.0, -1e-4, -0.8, 2.2])   # sigmoid ~[0, .49998, .31, .9]
    assert value(m) == 0.75
