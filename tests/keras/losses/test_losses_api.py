"""losses.get / serialize / deserialize, configs, names and learner-facing errors."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import losses


@pytest.mark.parametrize("name,cls", [
    ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy),
    ("categorical_crossentropy", losses.CategoricalCrossentropy),
    ("binary_crossentropy", losses.BinaryCrossentropy),
    ("mse", losses.MeanSquaredError), ("MSE", losses.MeanSquaredError),
    ("mean_squared_error", losses.MeanSquaredError), ("mae", losses.MeanAbsoluteError),
    ("mape", losses.MeanAbsolutePercentageError), ("msle", losses.MeanSquaredLogarithmicError),
    ("kld", losses.KLDivergence), ("bce", losses.BinaryCrossentropy),
    ("huber", losses.Huber), ("log_cosh", losses.LogCosh), ("poisson", losses.Poisson),
    ("hinge", losses.Hinge), ("squared_hinge", losses.SquaredHinge),
    ("categorical_hinge", losses.CategoricalHinge), ("Huber", losses.Huber),
    ("SparseCategoricalCrossentropy", losses.SparseCategoricalCrossentropy),
])
def test_get_by_name(name, cls):
    obj = losses.get(name)
    assert type(obj) is cls
    assert callable(obj)


def test_get_other_identifiers():
    inst = losses.MeanSquaredError()
    assert losses.get(inst) is inst
    assert losses.get(None) is None
    assert type(losses.get(losses.Huber)) is losses.Huber
    assert type(losses.get(losses.mean_squared_error)) is losses.MeanSquaredError
    assert losses.get("mse").name == "mse"
    obj = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert obj.from_logits is True


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown loss: 'sparse_crossentropy'.*"
                                         "sparse_categorical_crossentropy"):
        losses.get("sparse_crossentropy")


def test_keras_names_and_configs():
    assert losses.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber().name == "huber_loss"
    assert losses.CategoricalCrossentropy(label_smoothing=0.1).get_config() == {
        "name": "categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "label_smoothing": 0.1, "axis": -1}
    assert losses.MeanAbsoluteError().get_config() == {
        "name": "mean_absolute_error", "reduction": "sum_over_batch_size"}
    assert losses.SparseCategoricalCrossentropy(from_logits=True).get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": True, "ignore_class": None}


@pytest.mark.parametrize("cls", losses.CLASSES)
def test_serialize_round_trip(cls):
    obj = cls(reduction="sum")
    blob = losses.serialize(obj)
    assert blob["module"] == "keras.losses" and blob["class_name"] == cls.__name__
    assert blob["registered_name"] is None
    back = losses.deserialize(blob)
    assert type(back) is cls and back.get_config() == obj.get_config()


def test_serialize_function_and_wrapper():
    blob = losses.serialize(losses.mean_squared_error)
    assert blob["class_name"] == "function" and blob["config"] == "mean_squared_error"
    assert losses.deserialize(blob) is losses.mean_squared_error   # Keras 3 returns the function
    assert type(losses.get(blob)) is losses.MeanSquaredError       # get() gives a Loss


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_auto_crossentropy_picks_by_shape():
    ce = losses.get("crossentropy")
    y_pred = [[0.2, 0.8], [0.6, 0.4]]
    assert abs(float(ce([1, 0], y_pred)) -
               float(losses.SparseCategoricalCrossentropy()([1, 0], y_pred))) < 1e-7
    ce = losses.get("ce")
    assert abs(float(ce([[1.0], [0.0]], [[0.8], [0.3]])) -
               float(losses.BinaryCrossentropy()([[1.0], [0.0]], [[0.8], [0.3]]))) < 1e-7


# ------------------------------------------------------------------- bad input

def test_sparse_label_out_of_range_names_max_and_class_count():
    y_pred = np.full((2, 10), 0.1, np.float32)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 10\); got max label "
                                         r"10 — did you mean categorical_crossentropy"):
        losses.SparseCategoricalCrossentropy()([3, 10], y_pred)
    with pytest.raises(ValueError, match="min label -1"):
        losses.sparse_categorical_crossentropy([-1, 2], y_pred)


def test_sparse_with_one_hot_labels_says_which_loss_fits():
    with pytest.raises(ValueError, match="one-hot.*categorical_crossentropy"):
        losses.SparseCategoricalCrossentropy()(np.eye(3)[[0, 2]], np.full((2, 3), 1 / 3))


def test_sparse_with_fractional_labels():
    with pytest.raises(ValueError, match="integer class ids"):
        losses.sparse_categorical_crossentropy([0.5, 1.0], np.full((2, 3), 1 / 3))


def test_categorical_with_integer_labels_says_which_loss_fits():
    y_pred = np.full((2, 3), 1 / 3, np.float32)
    for labels in ([0, 2], [[0], [2]]):
        with pytest.raises(ValueError, match="sparse_categorical_crossentropy.*to_categorical"):
            losses.CategoricalCrossentropy()(labels, y_pred)


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"y_true \(4, 10\) and y_pred \(4, 1\)"):
        losses.MeanSquaredError()(np.zeros((4, 10)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"y_true \(2, 3\) and y_pred \(2, 2\)"):
        losses.binary_crossentropy(np.zeros((2, 3)), np.zeros((2, 2)))


def test_sample_weight_shape_error():
    with pytest.raises(ValueError, match="sample_weight of shape"):
        losses.MeanSquaredError()(np.zeros((4, 1)), np.zeros((4, 1)), sample_weight=[1.0, 2.0])


def test_categorical_with_single_class_warns():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy([[1.0]], [[0.7]])


def test_sparse_label_dtypes_from_tensor():
    out = losses.SparseCategoricalCrossentropy()(tf.constant([[1]], tf.int64), [[0.25, 0.75]])
    assert abs(float(out) + np.log(0.75)) < 1e-6


def test_sparse_with_a_single_output_unit_points_to_binary():
    with pytest.raises(ValueError, match="single unit.*binary_crossentropy"):
        losses.SparseCategoricalCrossentropy()([0, 1], [[0.3], [0.8]])


def test_get_finds_a_custom_loss_in_custom_object_scope():
    from tapeflow import keras

    def my_loss(y_true, y_pred):
        return keras.losses.mean_squared_error(y_true, y_pred)

    with keras.saving.custom_object_scope({"my_loss": my_loss}):
        loss = keras.losses.get("my_loss")
    # mean((0 - 2)^2, (1 - 1)^2) = 2
    assert float(loss([[0.0, 1.0]], [[2.0, 1.0]])) == 2.0
