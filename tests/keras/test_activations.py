"""keras.activations: values from their formulas, gradients by central differences,
get/serialize/deserialize."""
import math

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import activations as A

X = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0])


def sig(x):
    return 1 / (1 + np.exp(-x))


FORMULAS = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.05070098 * np.where(x > 0, x, 1.67326324 * np.expm1(x)),
    "sigmoid": sig,
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "tanh": np.tanh,
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * sig(x),
    "swish": lambda x: x * sig(x),
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / np.sqrt(2))),
    "exponential": np.exp,
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "log_sigmoid": lambda x: np.log(sig(x)),
    "linear": lambda x: x,
    "step": lambda x: (x > 0).astype(float),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_values_match_formula(name):
    got = A.get(name)(tf.constant(X, dtype=tf.float64)).numpy()
    np.testing.assert_allclose(got, FORMULAS[name](X), rtol=1e-6, atol=1e-7)


def test_float32_inputs_and_numpy_inputs():
    assert A.relu(np.array([-1.0, 1.0])).dtype == tf.float32
    assert A.softmax(tf.constant([[1.0, 2.0]])).dtype == tf.float32


def test_relu_options():
    x = tf.constant([-2.0, 0.5, 1.5, 10.0])
    np.testing.assert_allclose(A.relu(x, max_value=1.0).numpy(), [0, 0.5, 1, 1])
    np.testing.assert_allclose(A.relu(x, threshold=1.0).numpy(), [0, 0, 1.5, 10])
    np.testing.assert_allclose(A.relu(x, negative_slope=0.5).numpy(), [-1, 0.5, 1.5, 10])
    np.testing.assert_allclose(A.relu(x, max_value=6.0).numpy(), [0, 0.5, 1.5, 6])
    np.testing.assert_allclose(A.leaky_relu(x, negative_slope=0.1).numpy(),
                               [-0.2, 0.5, 1.5, 10], rtol=1e-6)
    np.testing.assert_allclose(A.elu(x, alpha=2.0).numpy()[0], 2 * np.expm1(-2.0), rtol=1e-6)
    np.testing.assert_allclose(A.gelu(x, approximate=True).numpy()[3], 10.0, rtol=1e-6)


def test_softmax_and_log_softmax_axis():
    x = np.array([[1.0, 2.0], [3.0, 5.0]])
    e0 = np.exp(x) / np.exp(x).sum(axis=0)
    np.testing.assert_allclose(A.softmax(tf.constant(x), axis=0).numpy(), e0, rtol=1e-6)
    np.testing.assert_allclose(A.log_softmax(tf.constant(x)).numpy(),
                               x - np.log(np.exp(x).sum(axis=1, keepdims=True)), rtol=1e-6)


SMOOTH = ["elu", "selu", "sigmoid", "tanh", "softplus", "softsign", "silu", "gelu",
          "exponential", "mish", "log_sigmoid", "linear", "relu", "leaky_relu", "hard_sigmoid",
          "relu6", "hard_silu"]


@pytest.mark.parametrize("name", SMOOTH)
def test_gradient_by_central_differences(name):
    # points away from kinks (0, -3, 3, 6) so the finite difference is exact enough
    x = tf.constant([-2.2, -0.7, 0.3, 1.1, 2.4], dtype=tf.float64)
    fn = A.get(name)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(fn(x))
    grad = tape.gradient(y, x).numpy()
    h = 1e-6
    numeric = (FORMULAS[name](x.numpy() + h) - FORMULAS[name](x.numpy() - h)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_step_has_zero_gradient_not_none():
    x = tf.Variable([-1.0, 0.5, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(A.step(x) * 3.0)
    assert tape.gradient(y, x).numpy().tolist() == [0.0, 0.0, 0.0]


def test_get_serialize_deserialize():
    assert A.get(None) is A.linear and A.get("swish") is A.silu
    assert A.get(A.relu) is A.relu
    assert A.serialize(A.relu) == "relu" and A.serialize(A.silu) == "silu"
    assert A.deserialize("hard_swish") is A.hard_silu
    assert A.get({"module": "builtins", "class_name": "function", "config": "tanh",
                  "registered_name": "function"}) is A.tanh
    with pytest.raises(ValueError, match="Unknown activation function: 'nope'"):
        A.get("nope")
    with pytest.raises(ValueError, match="Could not interpret activation"):
        A.get(3)

    def my_act(x):
        return x
    config = A.serialize(my_act)
    assert config["config"] == "my_act" and config["class_name"] == "function"
    assert A.deserialize(config, custom_objects={"my_act": my_act}) is my_act
