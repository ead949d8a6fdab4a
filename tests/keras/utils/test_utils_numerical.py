"""keras.utils: to_categorical, normalize, set_random_seed, lazy get_file."""
import random

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import utils


def test_to_categorical_shapes_and_dtype():
    out = utils.to_categorical([0, 2, 1])
    assert out.dtype == np.float32 and out.shape == (3, 3)
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    # (n, 1) labels drop their trailing axis: (3, 1) -> (3, 4)
    assert utils.to_categorical(np.array([[0], [3], [1]]), 4).shape == (3, 4)
    # higher ranks keep their shape: (2, 2) -> (2, 2, 3)
    out = utils.to_categorical([[0, 1], [2, 0]], num_classes=3)
    assert out.shape == (2, 2, 3) and out[1, 0, 2] == 1
    assert utils.to_categorical(np.uint8([1]), 2, dtype="float64").dtype == np.float64
    assert utils.to_categorical(np.array([1.0, 0.0]), 2).tolist() == [[0, 1], [1, 0]]


def test_to_categorical_tensor_in_tensor_out():
    out = utils.to_categorical(tf.constant([1, 0]), 2)
    assert isinstance(out, tf.Tensor) and out.numpy().tolist() == [[0, 1], [1, 0]]


def test_to_categorical_errors():
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\).*got label 3"):
        utils.to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="got label -1"):
        utils.to_categorical([0, -1], num_classes=3)
    with pytest.raises(ValueError, match="integer class ids"):
        utils.to_categorical([0.5, 1.0])


def test_normalize_numpy_and_tensor():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(utils.normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    # order 1 along axis 0: columns [3, 0] / 3 and [4, 0] / 4
    np.testing.assert_allclose(utils.normalize(x, axis=0, order=1), [[1.0, 1.0], [0.0, 0.0]])
    t = utils.normalize(tf.constant([[3.0, 4.0]]))
    assert isinstance(t, tf.Tensor)
    np.testing.assert_allclose(t.numpy(), [[0.6, 0.8]], rtol=1e-6)


def test_set_random_seed_repeats_everything():
    def draw():
        return (random.random(), np.random.rand(), tf.random.normal((3,)).numpy().tolist())
    utils.set_random_seed(42)
    first = draw()
    utils.set_random_seed(42)
    assert draw() == first
    utils.set_random_seed(np.int64(7))
    with pytest.raises(ValueError, match="integer"):
        utils.set_random_seed(1.5)


def test_lazy_exports():
    assert keras.utils.to_categorical is utils.to_categorical
    assert callable(keras.utils.get_file)
    assert keras.utils.Progbar.__name__ == "Progbar"
    with pytest.raises(AttributeError):
        keras.utils.not_a_thing


def test_normalize_axis_none_is_the_whole_array():
    np.testing.assert_allclose(utils.normalize(np.array([[3.0], [4.0]]), axis=None),
                               [[0.6], [0.8]])
