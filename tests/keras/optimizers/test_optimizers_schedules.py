"""Learning-rate schedules: golden values with the arithmetic written out."""
import math

import pytest

import tapeflow as tf
from tapeflow.keras.optimizers import SGD, schedules


def at(s, step):
    return float(s(step))


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert at(s, 0) == pytest.approx(0.1)
    assert at(s, 10) == pytest.approx(0.05)                # 0.1 * 0.5^1
    assert at(s, 5) == pytest.approx(0.1 * 0.5 ** 0.5)      # 0.0707107
    stairs = schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    assert at(stairs, 19) == pytest.approx(0.05)            # floor(1.9) = 1
    assert at(stairs, 20) == pytest.approx(0.025)


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5)
    assert at(s, 2) == pytest.approx(1 / (1 + 0.5 * 1))     # 0.666667
    assert at(s, 3) == pytest.approx(1 / (1 + 0.5 * 1.5))   # 0.571429
    stairs = schedules.InverseTimeDecay(1.0, 2, 0.5, staircase=True)
    assert at(stairs, 3) == pytest.approx(1 / 1.5)          # floor(1.5) = 1


def test_piecewise_constant_decay():
    s = schedules.PiecewiseConstantDecay(boundaries=[100, 110], values=[1.0, 0.5, 0.1])
    assert [at(s, t) for t in (0, 100, 101, 110, 111)] == pytest.approx(
        [1.0, 1.0, 0.5, 0.5, 0.1])
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_cosine_decay_and_warmup():
    s = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    # step 50: cosine = 0.5 * (1 + cos(pi/2)) = 0.5 -> 0.1 * ((1 - 0.1) * 0.5 + 0.1) = 0.055
    assert at(s, 50) == pytest.approx(0.055)
    assert at(s, 100) == pytest.approx(0.01)                # alpha * initial
    assert at(s, 500) == pytest.approx(0.01)                # clamped at decay_steps
    w = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert at(w, 1) == pytest.approx(0.25)                  # linear warmup: 1/4 of 1.0
    assert at(w, 4) == pytest.approx(1.0)                   # decay starts from the target
    assert at(w, 9) == pytest.approx(0.5 * (1 + math.cos(math.pi * 5 / 10)))


def test_polynomial_decay():
    s = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.1, power=2.0)
    # (1 - 0.1) * (1 - 5/10)^2 + 0.1 = 0.325
    assert at(s, 5) == pytest.approx(0.325)
    assert at(s, 20) == pytest.approx(0.1)
    c = schedules.PolynomialDecay(1.0, 10, 0.0, power=1.0, cycle=True)
    assert at(c, 15) == pytest.approx(1 - 15 / 20)          # horizon grows to 20


def test_schedules_take_tensor_steps_and_return_float32():
    s = schedules.ExponentialDecay(0.1, 10, 0.5)
    out = s(tf.Variable(10, dtype=tf.int64))
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.CosineDecay(0.1, decay_steps=0)


def test_optimizer_reads_the_schedule_before_each_step():
    s = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    w = tf.Variable([0.0])
    opt = SGD(learning_rate=s)
    for _ in range(3):                                      # rates 1, 0.5, 0.25
        opt.apply_gradients([(tf.constant([1.0]), w)])
    assert float(w[0]) == pytest.approx(-1.75)
    assert float(opt.learning_rate) == pytest.approx(0.125)
