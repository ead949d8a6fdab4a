"""serialize_keras_object / deserialize_keras_object and the custom-object registry."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import saving
from tapeflow.keras.saving import object_registration as registry
from tapeflow.keras.saving.serialization import (deserialize_keras_object, keras_public_name,
                                                  resolve_object, serialize_keras_object)


def test_public_names_of_tapeflow_classes():
    assert keras_public_name(keras.layers.Dense) == ("keras.layers", "Dense")
    assert keras_public_name(keras.Sequential) == ("keras", "Sequential")
    assert keras_public_name(keras.models.Functional) == ("keras.src.models.functional",
                                                          "Functional")
    assert keras_public_name(keras.optimizers.Adam) == ("keras.optimizers", "Adam")
    assert keras_public_name(keras.losses.SparseCategoricalCrossentropy) == (
        "keras.losses", "SparseCategoricalCrossentropy")
    assert keras_public_name(dict) is None


def test_optimizer_and_loss_dicts_round_trip():
    opt = keras.optimizers.Adam(learning_rate=0.5, beta_1=0.8)
    cfg = serialize_keras_object(opt)
    assert (cfg["module"], cfg["class_name"], cfg["registered_name"]) == (
        "keras.optimizers", "Adam", None)
    back = deserialize_keras_object(cfg)
    assert type(back) is keras.optimizers.Adam and back.beta_1 == 0.8
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert deserialize_keras_object(serialize_keras_object(loss)).get_config()[
        "from_logits"] is True


def test_special_values():
    assert serialize_keras_object(np.float32(1.5)) == 1.5
    cfg = serialize_keras_object(np.arange(3, dtype=np.int16))
    assert cfg == {"class_name": "__numpy__", "config": {"value": [0, 1, 2],
                                                         "dtype": "int16"}}
    assert deserialize_keras_object(cfg).dtype == np.int16
    tensor = deserialize_keras_object(serialize_keras_object(tf.constant([1.0, 2.0])))
    assert tensor.numpy().tolist() == [1.0, 2.0]
    assert serialize_keras_object((1, (2, 3))) == [1, [2, 3]]
    assert deserialize_keras_object(serialize_keras_object(slice(1, None, 2))) == \
        slice(1, None, 2)
    assert deserialize_keras_object(serialize_keras_object(b"ab")) == b"ab"


def test_builtin_function_by_name():
    # Keras 3.15.1 writes every named function this way (checked against its
    # serialize_keras_object): the module and class of the function type
    cfg = serialize_keras_object(keras.activations.relu)
    assert cfg == {"module": "builtins", "class_name": "function",
                   "config": "relu", "registered_name": "function"}
    assert deserialize_keras_object(cfg) is keras.activations.relu
    assert deserialize_keras_object(serialize_keras_object(keras.losses.mean_squared_error)) \
        is keras.losses.mean_squared_error
    keras_written = {"module": "builtins", "class_name": "function", "config": "tanh",
                     "registered_name": "function"}
    assert deserialize_keras_object(keras_written) is keras.activations.tanh


def test_registered_function_and_scopes():
    @saving.register_keras_serializable(package="ser")
    def cube(x):
        return x ** 3

    cfg = serialize_keras_object(cube)
    assert cfg["registered_name"] == "function" and cfg["config"] == "ser>cube"  # as Keras
    assert deserialize_keras_object(cfg) is cube

    def other(x):
        return x

    with pytest.raises(saving.UnknownObjectError, match="'other'"):
        resolve_object("other", "mymodule", None, kind="function")
    with saving.custom_object_scope({"other": other}):
        assert resolve_object("other", "mymodule", None, kind="function") is other
    assert resolve_object("other", "mymodule", None, {"other": other}, "function") is other


def test_register_twice_under_another_name_is_an_error():
    class Thing:
        def get_config(self):
            return {}

    saving.register_keras_serializable("a")(Thing)
    with pytest.raises(ValueError, match="already been registered"):
        saving.register_keras_serializable("b")(Thing)
    with pytest.raises(ValueError, match="get_config"):
        saving.register_keras_serializable("a")(type("NoConfig", (), {}))
    registry.GLOBAL_CUSTOM_OBJECTS.pop("a>Thing")
    registry.GLOBAL_CUSTOM_NAMES.pop(Thing)


def test_lambda_is_written_like_keras_but_never_loaded():
    cfg = serialize_keras_object(lambda x: x + 1)
    assert cfg["class_name"] == "__lambda__" and len(cfg["config"]["value"]) == 3
    with pytest.raises(saving.UnsafeObjectError, match="safe_mode=False"):
        deserialize_keras_object(cfg)
    with pytest.raises(saving.UnsafeObjectError, match="never runs code"):
        deserialize_keras_object(cfg, safe_mode=False)


def test_unknown_keras_class_says_what_to_do():
    with pytest.raises(saving.UnknownObjectError) as info:
        deserialize_keras_object({"module": "keras.layers", "class_name": "Conv7D",
                                  "config": {}, "registered_name": None})
    assert "'Conv7D'" in str(info.value) and "custom_objects" in str(info.value)


def test_public_serialize_functions_write_user_objects_as_keras_does():
    """keras.<kind>.serialize is serialize_keras_object: a user class keeps its own
    module and its registered name ("package>Name", else its __name__); a function is
    written as Keras writes every function."""
    @saving.register_keras_serializable(package="course")
    class DoubledMSE(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return 2.0 * keras.losses.mean_squared_error(y_true, y_pred)

    class Halved(keras.constraints.Constraint):
        def __call__(self, w):
            return w * 0.5

    def gap(y_true, y_pred):
        return tf.abs(y_true - y_pred)

    try:
        blob = keras.losses.serialize(DoubledMSE())
        assert (blob["module"], blob["class_name"], blob["registered_name"]) == (
            __name__, "DoubledMSE", "course>DoubledMSE")
        assert type(keras.losses.deserialize(blob)) is DoubledMSE
        blob = keras.constraints.serialize(Halved())
        assert (blob["module"], blob["registered_name"]) == (__name__, "Halved")
        fn = keras.metrics.MeanMetricWrapper(gap).get_config()["fn"]
        assert fn == {"module": "builtins", "class_name": "function", "config": "gap",
                      "registered_name": "function"}
        # built-ins are unchanged: their public module, no registered name
        assert keras.losses.serialize(keras.losses.Huber())["module"] == "keras.losses"
        assert keras.initializers.serialize(keras.initializers.Zeros())["registered_name"] \
            is None
    finally:
        registry.GLOBAL_CUSTOM_OBJECTS.pop("course>DoubledMSE")
        registry.GLOBAL_CUSTOM_NAMES.pop(DoubledMSE)


def test_functions_used_as_objects_round_trip(tmp_path):
    """A plain function as regularizer, constraint, wrapped loss or metric comes back
    as that same function, from its own dict and from a saved model."""
    @saving.register_keras_serializable(package="course")
    def l1_penalty(w):
        return 0.01 * tf.reduce_sum(tf.abs(w))

    def clip_unit(w):                                  # not registered: custom_objects
        return tf.clip_by_value(w, -1.0, 1.0)

    @saving.register_keras_serializable(package="course")
    def gap(y_true, y_pred):
        return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)

    try:
        assert keras.regularizers.deserialize(keras.regularizers.serialize(l1_penalty)) \
            is l1_penalty
        assert keras.constraints.deserialize(keras.constraints.serialize(clip_unit),
                                             custom_objects={"clip_unit": clip_unit}) \
            is clip_unit
        wrapper = keras.losses.LossFunctionWrapper(gap)
        assert keras.losses.LossFunctionWrapper.from_config(wrapper.get_config()).fn is gap
        metric = keras.metrics.MeanMetricWrapper(gap, name="gap")
        assert keras.metrics.MeanMetricWrapper.from_config(metric.get_config())._fn is gap
        assert type(keras.metrics.get(keras.metrics.serialize(gap))) is \
            keras.metrics.MeanMetricWrapper

        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
            2, kernel_regularizer=l1_penalty, kernel_constraint=clip_unit)])
        model.compile("sgd", loss=gap, metrics=[gap])
        model.save(tmp_path / "m.keras")
        back = keras.models.load_model(tmp_path / "m.keras",
                                       custom_objects={"clip_unit": clip_unit})
        dense = back.layers[0]
        assert dense.kernel_regularizer is l1_penalty and dense.kernel_constraint is clip_unit
        x = np.ones((2, 3), np.float32)
        np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))
        with pytest.raises(saving.UnknownObjectError, match="clip_unit"):
            keras.models.load_model(tmp_path / "m.keras")
    finally:
        for fn in (l1_penalty, gap):
            registry.GLOBAL_CUSTOM_OBJECTS.pop(registry.GLOBAL_CUSTOM_NAMES.pop(fn))
