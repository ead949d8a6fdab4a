"""metrics.get / serialize / resolve_accuracy, names, configs and errors."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import metrics


@pytest.mark.parametrize("name,cls", [
    ("accuracy", metrics.Accuracy), ("binary_accuracy", metrics.BinaryAccuracy),
    ("categorical_accuracy", metrics.CategoricalAccuracy),
    ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
    ("mse", metrics.MeanSquaredError), ("MSE", metrics.MeanSquaredError),
    ("mean_squared_error", metrics.MeanSquaredError), ("mae", metrics.MeanAbsoluteError),
    ("mape", metrics.MeanAbsolutePercentageError), ("msle", metrics.MeanSquaredLogarithmicError),
    ("root_mean_squared_error", metrics.RootMeanSquaredError),
    ("RootMeanSquaredError", metrics.RootMeanSquaredError),
    ("precision", metrics.Precision), ("recall", metrics.Recall), ("auc", metrics.AUC),
    ("AUC", metrics.AUC), ("binary_crossentropy", metrics.BinaryCrossentropy),
    ("bce", metrics.BinaryCrossentropy),
    ("sparse_categorical_crossentropy", metrics.SparseCategoricalCrossentropy),
    ("categorical_crossentropy", metrics.CategoricalCrossentropy),
    ("kl_divergence", metrics.KLDivergence), ("poisson", metrics.Poisson),
    ("hinge", metrics.Hinge), ("mean", metrics.Mean), ("sum", metrics.Sum),
])
def test_get_by_name_keeps_the_name(name, cls):
    m = metrics.get(name)
    assert type(m) is cls
    assert m.name == name


def test_get_other_identifiers():
    inst = metrics.AUC()
    assert metrics.get(inst) is inst and metrics.get(None) is None
    assert type(metrics.get(metrics.Recall)) is metrics.Recall
    m = metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.3}})
    assert m.threshold == 0.3

    def my_metric(y_true, y_pred):
        return tf.abs(y_true - y_pred)
    wrapped = metrics.get(my_metric)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "my_metric"
    wrapped.update_state(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    assert float(wrapped.result()) == 0.5


def test_unknown_metric_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown metric: 'acuracy'.*sparse_categorical_accuracy"):
        metrics.get("acuracy")


@pytest.mark.parametrize("shapes,cls", [
    (((32,), (32, 10)), metrics.SparseCategoricalAccuracy),       # integer labels
    (((32, 1), (32, 10)), metrics.SparseCategoricalAccuracy),     # (n, 1) labels
    (((32, 10), (32, 10)), metrics.CategoricalAccuracy),          # one-hot labels
    (((32, 1), (32, 1)), metrics.BinaryAccuracy),                 # sigmoid output
    (((32,), (32, 1)), metrics.BinaryAccuracy),
])
def test_resolve_accuracy_shape_rule(shapes, cls):
    t, p = shapes
    m = metrics.resolve_accuracy(np.zeros(t), np.zeros(p))
    assert type(m) is cls and m.name == "accuracy"
    assert metrics.resolve_accuracy(tf.zeros(t), tf.zeros(p), name="acc").name == "acc"


def test_configs_have_keras_keys():
    assert metrics.Mean().get_config() == {"name": "mean", "dtype": "float32"}
    assert metrics.SparseCategoricalAccuracy().get_config() == {
        "name": "sparse_categorical_accuracy", "dtype": "float32"}
    assert metrics.BinaryAccuracy().get_config() == {
        "name": "binary_accuracy", "dtype": "float32", "threshold": 0.5}
    assert metrics.TopKCategoricalAccuracy().get_config() == {
        "name": "top_k_categorical_accuracy", "dtype": "float32", "k": 5}
    assert metrics.Precision(name="p").get_config() == {
        "name": "p", "dtype": "float32", "thresholds": None, "top_k": None, "class_id": None}
    auc = metrics.AUC(name="auc").get_config()
    assert auc == {"name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "ROC",
                   "summation_method": "interpolation", "multi_label": False,
                   "num_labels": None, "label_weights": None, "from_logits": False}


@pytest.mark.parametrize("cls", [c for c in metrics.CLASSES
                                 if c not in (metrics.Metric, metrics.MeanMetricWrapper)])
def test_serialize_round_trip(cls):
    m = cls()
    blob = metrics.serialize(m)
    assert blob["module"] == "keras.metrics" and blob["class_name"] == cls.__name__
    back = metrics.deserialize(blob)
    assert type(back) is cls and back.get_config() == m.get_config()


def test_metric_wrapper_config_round_trip():
    m = metrics.MeanMetricWrapper(metrics.sparse_categorical_accuracy, name="acc")
    back = metrics.deserialize(metrics.serialize(m))
    back.update_state([1], [[0.2, 0.8]])
    assert float(back.result()) == 1.0 and back.name == "acc"


def test_default_names():
    assert metrics.Precision().name.startswith("precision")
    assert metrics.AUC().name.startswith("auc")
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"
    assert metrics.LogCoshError().name == "logcosh"


def test_binary_accuracy_takes_any_threshold_as_keras():
    m = metrics.BinaryAccuracy(threshold=0, name="accuracy")  # TF's tutorial, on logits
    m.update_state([[1.0], [0.0]], [[0.3], [-0.2]])
    assert float(m.result()) == 1.0


def test_bad_input_errors():
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 2.0])
    with pytest.raises(ValueError, match=r"y_true \(2, 3\) and y_pred \(2, 1\)"):
        metrics.MeanSquaredError().update_state(np.zeros((2, 3)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\); got max label 3"):
        metrics.SparseCategoricalCrossentropy().update_state([3], [[0.2, 0.3, 0.5]])


def test_metrics_never_record_on_a_tape():
    w = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        pred = tf.nn.softmax(tf.matmul(tf.constant([[1.0]]), w))
        n_before = len(tape._entries)
        for m in (metrics.SparseCategoricalAccuracy(), metrics.SparseCategoricalCrossentropy(),
                  metrics.MeanSquaredError(), metrics.AUC()):
            m.update_state([1] if "Sparse" in type(m).__name__ else [[0.0, 1.0]], pred)
        assert len(tape._entries) == n_before
