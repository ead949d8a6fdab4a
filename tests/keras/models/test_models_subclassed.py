"""Subclassed models: layers in __init__, the forward pass in call()."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

L = keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()


class MLP(keras.Model):
    def __init__(self, hidden=8, classes=3, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [L.Dense(hidden, activation="relu"), L.Dropout(0.5)]
        self.head = L.Dense(classes, activation="softmax",
                            kernel_regularizer=keras.regularizers.L2(0.01))

    def call(self, inputs, training=None):
        x = inputs
        for block in self.blocks:
            x = block(x, training=training)
        return self.head(x)


def test_layers_weights_and_default_name():
    model = MLP()
    assert model.name == "mlp" and not model.built
    y = model(np.ones((4, 5)))
    assert y.shape == (4, 3) and model.built
    assert [layer.name for layer in model.layers] == ["dense", "dropout", "dense_1"]
    assert [w.path for w in model.weights] == ["dense/kernel", "dense/bias",
                                               "dense_1/kernel", "dense_1/bias"]
    assert model.count_params() == (5 * 8 + 8) + (8 * 3 + 3)
    assert model.inputs is None and model.outputs is None and model.output_names is None


def test_training_flag_and_losses():
    model = MLP(hidden=300)
    x = np.ones((2, 5), np.float32)
    a, b = model(x).numpy(), model(x).numpy()
    np.testing.assert_array_equal(a, b)  # inference: dropout off
    with tf.GradientTape() as tape:
        y = model(x, training=True)
        loss = tf.reduce_sum(y) + tf.add_n(model.losses)
    assert len(model.losses) == 1  # the L2 penalty on the head's kernel
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in grads)


def test_build_then_summary_and_unbuilt_error(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    model = MLP()
    with pytest.raises(ValueError, match=r'This model \("mlp"\) has not yet been built.*'
                                         r'model.build\(input_shape='):
        model.summary()
    model.build((None, 5))
    assert model.built and model.count_params() == 75
    model.summary()
    out = capsys.readouterr().out
    assert "│ dense (Dense)                   │ (None, 8)              │            48 │" in out
    assert "│ dropout (Dropout)               │ (None, 8)              │             0 │" in out
    assert " Total params: 75 (300.00 B)" in out
    called = MLP()
    called(np.zeros((2, 5), np.float32))       # a real call: Keras shows its batch size
    called.summary()
    out = capsys.readouterr().out
    assert "│ (2, 8)                 │            48 │" in out and "(None, 8)" not in out


def test_get_config_from_constructor_arguments():
    model = MLP(hidden=4, classes=2, name="net")
    config = model.get_config()
    assert config == {"name": "net", "trainable": True, "hidden": 4, "classes": 2}
    again = MLP.from_config(config)
    assert again.name == "net" and again.head.units == 2


class NoArgs(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = L.Dense(1)

    def call(self, x):
        return self.d(x)


def test_config_of_model_without_arguments():
    assert NoArgs().get_config() == {}


def test_a_subclass_passing_inputs_and_outputs_to_super_is_functional():
    class Wrapped(keras.Model):          # valid Keras 3: the class becomes Functional's
        def __init__(self, inputs, outputs):
            super().__init__(inputs, outputs)
    a = keras.Input((2,))
    model = Wrapped(a, L.Dense(3)(a))
    assert isinstance(model, keras.models.Functional)
    assert model(np.ones((1, 2), np.float32)).shape == (1, 3)


def test_other_positional_arguments_to_a_subclass_are_an_error():
    class Bad(keras.Model):
        def __init__(self, units):
            super().__init__(units)
    with pytest.raises(TypeError, match="keras.Model\\(inputs, outputs\\)"):
        Bad(3)


def test_layer_called_before_super_init_is_reported():
    class Early(keras.layers.Layer):
        def __init__(self):
            pass

        def call(self, x):
            return x
    with pytest.raises(RuntimeError, match="call super\\(\\).__init__\\(\\) first"):
        Early()(np.ones((1, 1)))
