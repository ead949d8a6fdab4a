"""Dense: numbers by hand, argument checks, config keys, the fused and composed paths."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

L = keras.layers


def _dense(units, kernel, bias=None, **kwargs):
    layer = L.Dense(units, use_bias=bias is not None, **kwargs)
    layer.build((None, np.shape(kernel)[0]))
    layer.set_weights([np.asarray(kernel, np.float32)] +
                      ([np.asarray(bias, np.float32)] if bias is not None else []))
    return layer


def test_golden_values_relu():
    # x @ W + b = [1*1 + 2*3 + 0.5, 1*(-2) + 2*1 - 1] = [7.5, -1] -> relu [7.5, 0]
    layer = _dense(2, [[1.0, -2.0], [3.0, 1.0]], [0.5, -1.0], activation="relu")
    np.testing.assert_array_equal(layer(np.array([[1.0, 2.0]])).numpy(), [[7.5, 0.0]])


def test_golden_values_softmax():
    # logits [0, ln 3] -> softmax [1/4, 3/4]
    layer = _dense(2, [[0.0, np.log(3.0)]], [0.0, 0.0], activation="softmax")
    np.testing.assert_allclose(layer(np.array([[1.0]])).numpy(), [[0.25, 0.75]], rtol=1e-6)


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax", "elu",
                                        "selu", "gelu", "swish", "softplus"])
def test_every_activation_matches_composed_math(activation):
    rng = np.random.default_rng(1)
    kernel, bias = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    layer = _dense(3, kernel, bias, activation=activation)
    z = tf.constant(x) @ tf.constant(kernel.astype(np.float32)) + bias.astype(np.float32)
    want = keras.activations.get(activation)(z).numpy()
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-5, atol=1e-6)


def test_rank3_input_contracts_last_axis():
    rng = np.random.default_rng(2)
    kernel, bias = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x = rng.standard_normal((2, 5, 4)).astype(np.float32)
    layer = _dense(3, kernel, bias)
    np.testing.assert_allclose(layer(x).numpy(), x @ kernel.astype(np.float32) + bias,
                               rtol=1e-5, atol=1e-5)


def test_no_bias():
    layer = _dense(1, [[2.0], [3.0]])
    assert [w.name for w in layer.weights] == ["kernel"]
    np.testing.assert_array_equal(layer(np.array([[1.0, 1.0]])).numpy(), [[5.0]])


@pytest.mark.parametrize("units", [0, -3, 2.5, "10", True, None])
def test_units_must_be_a_positive_integer(units):
    with pytest.raises(ValueError, match="expected a positive integer. Received: units="):
        L.Dense(units)


def test_config_has_keras3_keys_in_order():
    config = L.Dense(4, activation="relu", name="dense").get_config()
    assert list(config) == ["name", "trainable", "dtype", "units", "activation", "use_bias",
                            "kernel_initializer", "bias_initializer", "kernel_regularizer",
                            "bias_regularizer", "kernel_constraint", "bias_constraint",
                            "quantization_config"]
    assert config["kernel_initializer"] == {"module": "keras.initializers",
                                            "class_name": "GlorotUniform",
                                            "config": {"seed": None, "input_axes": None,
                                                       "output_axes": None},
                                            "registered_name": None}
    assert config["bias_initializer"]["class_name"] == "Zeros"
    assert config["activation"] == "relu" and config["kernel_regularizer"] is None
    reg = L.Dense(1, kernel_regularizer="l2").get_config()["kernel_regularizer"]
    assert reg == {"module": "keras.regularizers", "class_name": "L2",
                   "config": {"l2": 0.01}, "registered_name": None}


def test_kernel_then_bias_creation_order_and_paths():
    layer = L.Dense(3, name="dense")
    layer.build((None, 2))
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


def test_gradient_values_through_fused_relu():
    # y = relu(x W + b) with x = [[1, 2]], W = [[1], [-1]], b = [3] -> z = 2 > 0
    # loss = y; dL/dW = x^T = [[1], [2]], dL/db = [1]
    layer = _dense(1, [[1.0], [-1.0]], [3.0], activation="relu")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(np.array([[1.0, 2.0]])))
    gk, gb = tape.gradient(loss, layer.trainable_weights)
    np.testing.assert_array_equal(gk.numpy(), [[1.0], [2.0]])
    np.testing.assert_array_equal(gb.numpy(), [1.0])


def test_constraint_travels_with_the_variable():
    layer = L.Dense(2, kernel_constraint="non_neg")
    layer.build((None, 2))
    assert isinstance(layer.kernel.constraint, keras.constraints.NonNeg)
    assert layer.bias.constraint is None


def test_glorot_uniform_default_and_seeded_initializer():
    layer = L.Dense(512)
    layer.build((None, 784))
    limit = np.sqrt(6 / (784 + 512))
    k = layer.kernel.numpy()
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.9 * limit
    assert np.all(layer.bias.numpy() == 0)
    a = L.Dense(3, kernel_initializer=keras.initializers.GlorotUniform(seed=7))
    b = L.Dense(3, kernel_initializer=keras.initializers.GlorotUniform(seed=7))
    a.build((None, 4))
    b.build((None, 4))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())


def test_global_seed_reproduces_weights():
    def weights():
        tf.random.set_seed(123)
        layer = L.Dense(3)
        layer.build((None, 4))
        return layer.kernel.numpy()
    np.testing.assert_array_equal(weights(), weights())
