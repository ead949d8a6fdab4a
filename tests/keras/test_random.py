"""keras.random (Keras 3's names and arguments) as the keras.io guides use it: a layer's
SeedGenerator with dropout and normal (subclassing guide, VAE sampling)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import ops


def test_seed_generator_dropout_layer_from_the_subclassing_guide():
    class Dropout(keras.layers.Layer):
        def __init__(self, rate):
            super().__init__()
            self.rate = rate
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs):
            return keras.random.dropout(inputs, self.rate, seed=self.seed_generator)

    layer = Dropout(0.5)
    a, b = layer(ops.ones((50, 40))).numpy(), layer(ops.ones((50, 40))).numpy()
    assert set(np.unique(a).tolist()) == {0.0, 2.0}  # kept values scaled by 1 / (1 - rate)
    assert 0.4 < (a == 0).mean() < 0.6 and not np.array_equal(a, b)  # a new draw per call
    again = Dropout(0.5)
    np.testing.assert_array_equal(again(ops.ones((50, 40))).numpy(), a)  # same seed
    x = tf.Variable(np.ones((4, 4), np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(keras.random.dropout(x, 0.25, seed=3))
    grad = tape.gradient(y, x).numpy()
    assert set(np.unique(grad).tolist()) <= {0.0, float(np.float32(1.0 / 0.75))}


def test_distributions_shapes_dtypes_and_int_seeds():
    assert keras.random.normal((2, 3), seed=1).shape == (2, 3)
    np.testing.assert_array_equal(keras.random.normal((3,), seed=7).numpy(),
                                  keras.random.normal((3,), seed=7).numpy())
    u = keras.random.uniform((1000,), minval=2.0, maxval=3.0, seed=1).numpy()
    assert u.dtype == np.float32 and 2.0 <= u.min() and u.max() < 3.0
    r = keras.random.randint((100,), 0, 5, seed=2)
    assert r.dtype == tf.int32 and set(r.numpy().tolist()) <= set(range(5))
    assert float(tf.reduce_max(tf.abs(keras.random.truncated_normal((500,), seed=1)))) <= 2
    s = keras.random.shuffle(np.arange(10), seed=1).numpy()
    assert sorted(s.tolist()) == list(range(10))
    c = keras.random.categorical(np.log([[0.0001, 0.9999]]), 20, seed=0)
    assert c.shape == (1, 20) and c.dtype == tf.int32 and c.numpy().sum() >= 19
    z_mean = ops.zeros((4, 2))
    eps = keras.random.normal(shape=(ops.shape(z_mean)[0], ops.shape(z_mean)[1]),
                              seed=keras.random.SeedGenerator(1))
    assert eps.shape == (4, 2)
    assert keras.random.SeedGenerator(5).get_config() == {"seed": 5}
    with pytest.raises(AttributeError):
        keras.random.no_such_function
