"""keras.regularizers (and constraints): penalties by hand, gradients, configs."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import constraints as C
from tapeflow.keras import regularizers as R

W = tf.constant([[1.0, -2.0], [0.5, 0.0]])


def test_penalties_by_hand():
    # sum |w| = 3.5, sum w^2 = 1 + 4 + 0.25 = 5.25
    assert float(R.L1(0.1)(W)) == pytest.approx(0.35)
    assert float(R.L2(0.1)(W)) == pytest.approx(0.525)
    assert float(R.L1L2(l1=0.1, l2=0.1)(W)) == pytest.approx(0.875)
    assert float(R.L1L2()(W)) == 0.0
    assert R.L1().l1 == 0.01 and R.L2().l2 == 0.01
    assert R.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}


def test_l2_gradient():
    w = tf.Variable([[1.0, -2.0]])
    with tf.GradientTape() as tape:
        penalty = R.L2(0.5)(w)
    np.testing.assert_allclose(tape.gradient(penalty, w).numpy(), [[1.0, -2.0]])  # l2*2*w


def test_orthogonal_regularizer():
    assert float(R.OrthogonalRegularizer(1.0)(tf.constant([[1.0, 0.0], [0.0, 1.0]]))) == 0.0
    # two identical rows: |cos| = 1 for both off-diagonal entries -> mean 1
    assert float(R.OrthogonalRegularizer(1.0)(tf.constant([[1.0, 1.0], [1.0, 1.0]]))) == \
        pytest.approx(1.0)


def test_config_round_trip_and_errors():
    config = R.serialize(R.L1L2(l1=0.2, l2=0.3))
    assert config == {"module": "keras.regularizers", "class_name": "L1L2",
                      "config": {"l1": 0.2, "l2": 0.3}, "registered_name": None}
    assert R.deserialize(config).get_config() == {"l1": 0.2, "l2": 0.3}
    assert type(R.get("l2")) is R.L2 and R.get(None) is None
    with pytest.raises(ValueError, match="non-negative"):
        R.L2(-1.0)
    with pytest.raises(ValueError, match="Could not interpret regularizer"):
        R.get("l3")


def test_constraints():
    w = tf.constant([[3.0, -1.0], [4.0, 0.0]])
    # column norms 5 and 1: MaxNorm(2) scales column 0 by 2/5, keeps column 1
    np.testing.assert_allclose(C.MaxNorm(2.0)(w).numpy(), [[1.2, -1.0], [1.6, 0.0]],
                               rtol=1e-5)
    np.testing.assert_allclose(C.NonNeg()(w).numpy(), [[3.0, 0.0], [4.0, 0.0]])
    np.testing.assert_allclose(C.UnitNorm()(w).numpy(), [[0.6, -1.0], [0.8, 0.0]], rtol=1e-5)
    np.testing.assert_allclose(C.MinMaxNorm(2.0, 3.0)(w).numpy()[:, 1], [-2.0, 0.0],
                               rtol=1e-5)
    config = C.serialize(C.MaxNorm(max_value=3, axis=1))
    assert config["config"] == {"max_value": 3, "axis": 1}
    assert C.deserialize(config).max_value == 3
    assert type(C.get("non_neg")) is C.NonNeg
