"""Weightless layers by hand: Flatten, Reshape, Dropout, activations as layers, merges,
Lambda's refusal to load code, Input and KerasTensor errors."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

L = keras.layers


def test_flatten_and_reshape_values():
    x = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    np.testing.assert_array_equal(L.Flatten()(x).numpy(), x.reshape(2, 6))
    np.testing.assert_array_equal(L.Reshape((3, 2))(x).numpy(), x.reshape(2, 3, 2))
    assert L.Flatten().compute_output_shape((None, 28, 28)) == (None, 784)
    assert L.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    with pytest.raises(ValueError, match="cannot reshape a sample of shape"):
        L.Reshape((5,), name="r")(x)
    with pytest.raises(ValueError, match="at most one"):
        L.Reshape((-1, -1))


def test_flatten_keeps_integer_dtype():
    assert L.Flatten()(np.ones((2, 2, 2), np.uint8)).dtype == tf.uint8


def test_dropout_only_when_training_and_inverted_scaling():
    x = np.ones((1000, 10), np.float32)
    layer = L.Dropout(0.25, seed=3)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    y = layer(x, training=True).numpy()
    kept = y != 0
    # kept values are 1 / (1 - 0.25) = 4/3; about 75% are kept
    np.testing.assert_allclose(y[kept], 4.0 / 3.0, rtol=1e-6)
    assert abs(kept.mean() - 0.75) < 0.02


def test_dropout_seed_and_noise_shape():
    x = np.ones((4, 6), np.float32)
    tf.random.set_seed(5)
    a = L.Dropout(0.5, seed=1)(x, training=True).numpy()
    tf.random.set_seed(5)
    b = L.Dropout(0.5, seed=1)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    y = L.Dropout(0.5, noise_shape=(None, 1), seed=2)(x, training=True).numpy()
    assert all(len(set(row)) == 1 for row in y)  # one decision per row
    for bad in (-0.1, 1.5, "half"):
        with pytest.raises(ValueError, match="Expected a float value between 0 and 1"):
            L.Dropout(bad)


def test_activation_layers_by_hand():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 8.0]], np.float32)
    np.testing.assert_allclose(L.ReLU()(x).numpy(), [[0, 0, 0, 0.5, 8]])
    np.testing.assert_allclose(L.ReLU(max_value=6.0)(x).numpy(), [[0, 0, 0, 0.5, 6]])
    # threshold 1: x below 1 -> 0 (and slope 0.1 leaks 0.1 * (x - 1) there)
    np.testing.assert_allclose(L.ReLU(threshold=1.0, negative_slope=0.1)(x).numpy(),
                               [[-0.3, -0.15, -0.1, -0.05, 8]], rtol=1e-6)
    np.testing.assert_allclose(L.LeakyReLU()(x).numpy(), [[-0.6, -0.15, 0, 0.5, 8]],
                               rtol=1e-6)
    np.testing.assert_allclose(L.ELU(alpha=2.0)(x).numpy()[0, :2],
                               2.0 * np.expm1([-2.0, -0.5]), rtol=1e-6)
    np.testing.assert_allclose(L.Softmax()(np.array([[0.0, np.log(3.0)]])).numpy(),
                               [[0.25, 0.75]], rtol=1e-6)
    with pytest.raises(ValueError, match="cannot be a negative value"):
        L.ReLU(max_value=-1.0)
    assert L.LeakyReLU(alpha=0.05).negative_slope == 0.05  # Keras 2 argument name


def test_merge_values_and_errors():
    a, b = np.array([[1.0, 2.0]]), np.array([[3.0, 5.0]])
    assert L.Add()([a, b]).numpy().tolist() == [[4.0, 7.0]]
    assert L.Subtract()([a, b]).numpy().tolist() == [[-2.0, -3.0]]
    assert L.Multiply()([a, b]).numpy().tolist() == [[3.0, 10.0]]
    assert L.Average()([a, b]).numpy().tolist() == [[2.0, 3.5]]
    assert L.Maximum()([a, b]).numpy().tolist() == [[3.0, 5.0]]
    assert L.Minimum()([a, b]).numpy().tolist() == [[1.0, 2.0]]
    assert L.concatenate([a, b]).numpy().tolist() == [[1.0, 2.0, 3.0, 5.0]]
    assert L.add([a, b]).numpy().tolist() == [[4.0, 7.0]]
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        L.Add()(a)
    with pytest.raises(ValueError, match="equal \\(or broadcastable\\) shapes"):
        L.Add()([keras.Input((2,)), keras.Input((3,))])
    with pytest.raises(ValueError, match="matching shapes except for the concatenation"):
        L.Concatenate(axis=-1)([keras.Input((2, 3)), keras.Input((3, 3))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract()([a, a, a])


def square(x):
    return x * x


def test_lambda_runs_and_refuses_to_load_code():
    layer = L.Lambda(lambda x: x + 1.0)
    assert layer(np.array([[1.0]])).numpy().tolist() == [[2.0]]
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="never executes code read from a file"):
        L.Lambda.from_config(config)
    named = L.Lambda(square).get_config()
    assert named["function"]["config"] == "square"
    with pytest.raises(ValueError, match="custom_objects"):
        L.Lambda.from_config(named)
    back = L.Lambda.from_config(named, custom_objects={"square": square})
    assert back(np.array([[3.0]])).numpy().tolist() == [[9.0]]
    # symbolic: output shape found by running the function on zeros
    out = L.Lambda(lambda x: tf.concat([x, x], axis=-1))(keras.Input((3,)))
    assert out.shape == (None, 6)


def test_input_and_keras_tensor():
    x = keras.Input(shape=(784,), name="pixels")
    assert x.shape == (None, 784) and x.dtype == "float32" and x.name == "pixels"
    assert keras.Input(shape=(3,), batch_size=8).shape == (8, 3)
    assert keras.Input(batch_shape=(None, 2, 2), dtype="int32").dtype == "int32"
    assert keras.backend.is_keras_tensor(x)
    with pytest.raises(ValueError, match="You must pass a `shape` argument"):
        keras.Input()
    with pytest.raises(ValueError, match="both `shape` and `batch_shape`"):
        keras.Input(shape=(2,), batch_shape=(None, 2))
    with pytest.raises(TypeError, match="A KerasTensor is symbolic"):
        tf.nn.relu(x)
    with pytest.raises(TypeError, match="A KerasTensor is symbolic"):
        tf.constant(x)
    with pytest.raises(TypeError, match="keras.layers.Add"):
        _ = x + 1
    with pytest.raises(TypeError, match="A KerasTensor is symbolic"):
        np.asarray(x)
    layer = x._keras_history.operation
    assert layer.get_config() == {"batch_shape": (None, 784), "dtype": "float32",
                                  "sparse": False, "ragged": False, "name": "pixels",
                                  "optional": False}
    again = L.InputLayer.from_config(layer.get_config())
    assert again.output.shape == (None, 784)
