"""keras.initializers: distributions and their scales, seeding, names and configs."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import initializers as I

SHAPE = (400, 600)  # fan_in 400, fan_out 600


def _sample(init, shape=SHAPE):
    return init(shape).numpy().astype(np.float64)


def test_constants():
    assert _sample(I.Zeros(), (2, 2)).tolist() == [[0, 0], [0, 0]]
    assert _sample(I.Ones(), (3,)).tolist() == [1, 1, 1]
    assert _sample(I.Constant(2.5), (2,)).tolist() == [2.5, 2.5]
    assert _sample(I.Identity(gain=3.0), (2, 3)).tolist() == [[3, 0, 0], [0, 3, 0]]
    assert I.Zeros()((2,)).dtype == tf.float32


@pytest.mark.parametrize("cls, limit", [
    (I.GlorotUniform, np.sqrt(6 / (400 + 600))),
    (I.HeUniform, np.sqrt(6 / 400)),
    (I.LecunUniform, np.sqrt(3 / 400)),
])
def test_uniform_limits(cls, limit):
    w = _sample(cls(seed=1))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    # U(-a, a) has standard deviation a / sqrt(3)
    assert abs(w.std() - limit / np.sqrt(3)) < 0.01 * limit


@pytest.mark.parametrize("cls, std", [
    (I.GlorotNormal, np.sqrt(2 / (400 + 600))),
    (I.HeNormal, np.sqrt(2 / 400)),
    (I.LecunNormal, np.sqrt(1 / 400)),
])
def test_truncated_normal_scales(cls, std):
    w = _sample(cls(seed=2))
    # Keras divides by .87962566 so that the truncated samples have std sqrt(scale/n)
    assert abs(w.std() - std) < 0.02 * std
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-6


def test_random_normal_uniform_truncated():
    assert abs(_sample(I.RandomNormal(mean=1.0, stddev=0.5, seed=0)).mean() - 1.0) < 0.01
    u = _sample(I.RandomUniform(minval=2.0, maxval=3.0, seed=0))
    assert u.min() >= 2.0 and u.max() < 3.0
    t = _sample(I.TruncatedNormal(stddev=1.0, seed=0))
    assert np.abs(t).max() <= 2.0


def test_orthogonal():
    q = _sample(I.Orthogonal(seed=3), (5, 3))
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-5)
    q = _sample(I.Orthogonal(gain=2.0, seed=3), (3, 5))
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(3), atol=1e-5)


def test_seeded_initializer_repeats_and_global_seed_reproduces():
    a, b = I.HeNormal(seed=9), I.HeNormal(seed=9)
    np.testing.assert_array_equal(_sample(a, (3, 3)), _sample(a, (3, 3)))
    np.testing.assert_array_equal(_sample(a, (3, 3)), _sample(b, (3, 3)))
    tf.random.set_seed(4)
    first = _sample(I.GlorotUniform(), (3, 3))
    tf.random.set_seed(4)
    np.testing.assert_array_equal(first, _sample(I.GlorotUniform(), (3, 3)))
    assert not np.array_equal(first, _sample(I.GlorotUniform(), (3, 3)))


def test_fans_for_higher_rank():
    assert I.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert I.compute_fans((7,)) == (7, 7)
    assert I.compute_fans(()) == (1, 1)


@pytest.mark.parametrize("name, cls", [
    ("zeros", I.Zeros), ("ones", I.Ones), ("glorot_uniform", I.GlorotUniform),
    ("glorot_normal", I.GlorotNormal), ("he_normal", I.HeNormal), ("he_uniform", I.HeUniform),
    ("lecun_normal", I.LecunNormal), ("lecun_uniform", I.LecunUniform),
    ("random_normal", I.RandomNormal), ("random_uniform", I.RandomUniform),
    ("truncated_normal", I.TruncatedNormal), ("orthogonal", I.Orthogonal),
    ("identity", I.Identity), ("constant", I.Constant), ("GlorotUniform", I.GlorotUniform),
])
def test_get_by_name(name, cls):
    assert type(I.get(name)) is cls


def test_serialize_round_trip_and_errors():
    init = I.RandomNormal(mean=0.5, stddev=2.0, seed=3)
    config = I.serialize(init)
    assert config == {"module": "keras.initializers", "class_name": "RandomNormal",
                      "config": {"mean": 0.5, "stddev": 2.0, "seed": 3},
                      "registered_name": None}
    back = I.deserialize(config)
    np.testing.assert_array_equal(_sample(back, (2, 2)), _sample(init, (2, 2)))
    assert I.get(None) is None and I.get(init) is init
    assert type(I.get(I.HeNormal)) is I.HeNormal
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: 'nope'"):
        I.get("nope")
    with pytest.raises(ValueError, match="Invalid `mode`"):
        I.VarianceScaling(mode="sideways")
