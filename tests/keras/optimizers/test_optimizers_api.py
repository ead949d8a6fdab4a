"""Optimizer lookup, configs, variable order, learning-rate handling and errors."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import optimizers

BASE_KEYS = ["name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
             "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
             "loss_scale_factor", "gradient_accumulation_steps"]


@pytest.mark.parametrize("name,cls,default_lr,extra", [
    ("sgd", optimizers.SGD, 0.01, {"momentum": 0.0, "nesterov": False}),
    ("rmsprop", optimizers.RMSprop, 0.001,
     {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}),
    ("adagrad", optimizers.Adagrad, 0.001, {"initial_accumulator_value": 0.1, "epsilon": 1e-7}),
    ("adam", optimizers.Adam, 0.001,
     {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}),
    ("adamw", optimizers.AdamW, 0.001,
     {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}),
    ("nadam", optimizers.Nadam, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
    ("adamax", optimizers.Adamax, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
])
def test_get_defaults_and_config(name, cls, default_lr, extra):
    for ident in (name, name.upper(), cls.__name__):
        assert type(optimizers.get(ident)) is cls
    opt = optimizers.get(name)
    config = opt.get_config()
    assert list(config) == BASE_KEYS + list(extra)
    assert config["learning_rate"] == float(np.float32(default_lr))
    for key, value in extra.items():
        assert config[key] == value
    back = cls.from_config(config)
    assert back.get_config() == config
    blob = optimizers.serialize(opt)
    assert blob["module"] == "keras.optimizers" and blob["class_name"] == cls.__name__
    assert type(optimizers.deserialize(blob)) is cls


def test_default_names():
    assert optimizers.SGD().name == "SGD"
    assert optimizers.RMSprop().name == "rmsprop"
    assert optimizers.Adam().name == "adam"
    assert optimizers.AdamW().name == "adamw"
    assert optimizers.Nadam().name == "nadam"
    assert optimizers.Adamax().name == "adamax"
    assert optimizers.Adagrad().name.startswith("adagrad")


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'.*adam.*rmsprop.*sgd"):
        optimizers.get("adamm")


def test_get_passes_instances_through():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    assert type(optimizers.get(optimizers.SGD)) is optimizers.SGD
    assert optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}}).momentum == 0.5


def test_variables_keras_order_for_adam():
    k, b = tf.Variable(np.zeros((2, 3)), name="kernel"), tf.Variable(np.zeros(3), name="bias")
    opt = optimizers.Adam()
    opt.build([k, b])
    names = [v.name for v in opt.variables]
    # iterations, learning_rate, then m and v interleaved per variable (Keras 3)
    assert names == ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity",
                     "bias_momentum", "bias_velocity"]
    assert opt.variables[0]._value.dtype == np.int64
    assert opt.variables[2].shape == (2, 3) and not opt.variables[2].trainable


def test_variables_order_rmsprop_and_sgd_and_nadam():
    k, b = tf.Variable(np.zeros(2), name="k"), tf.Variable(np.zeros(1), name="b")
    opt = optimizers.RMSprop(momentum=0.5, centered=True)
    opt.build([k, b])
    assert [v.name for v in opt.variables[2:]] == [
        "k_velocity", "b_velocity", "k_momentum", "b_momentum",
        "k_average_gradient", "b_average_gradient"]
    opt = optimizers.SGD(momentum=0.9)
    opt.build([k, b])
    assert [v.name for v in opt.variables[2:]] == ["k_momentum", "b_momentum"]
    opt = optimizers.Nadam()
    opt.build([k, b])
    assert [v.name for v in opt.variables[2:]] == [
        "k_momentum", "k_velocity", "b_momentum", "b_velocity", "u_product"]


def test_learning_rate_is_settable():
    opt = optimizers.RMSprop()
    assert isinstance(opt.learning_rate, tf.Variable)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    assert opt.get_config()["learning_rate"] == 0.5
    opt.learning_rate = tf.constant(0.25)
    assert float(opt.learning_rate) == 0.25


def test_schedule_learning_rate_round_trip_and_not_settable():
    sched = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=sched)
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    back = optimizers.SGD.from_config(config)
    assert isinstance(back._learning_rate, optimizers.schedules.ExponentialDecay)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    assert len(opt.variables) == 1        # no learning_rate variable with a schedule


def test_callable_learning_rate():
    w = tf.Variable([0.0])
    optimizers.SGD(learning_rate=lambda: 0.5).apply_gradients([(tf.constant([1.0]), w)])
    assert float(w[0]) == -0.5


def test_invalid_arguments():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(beta1=0.8)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_lr_alias_is_accepted_with_a_warning():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        opt = optimizers.RMSprop(lr=0.01)
    assert abs(float(opt.learning_rate) - 0.01) < 1e-9


def test_unknown_variable_after_build():
    w1, w2 = tf.Variable([1.0]), tf.Variable([2.0])
    opt = optimizers.SGD()
    opt.apply_gradients([(tf.constant([1.0]), w1)])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(tf.constant([1.0]), w2)])


def test_gradient_shape_mismatch():
    w = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        optimizers.SGD().apply_gradients([(tf.constant([1.0, 2.0, 3.0]), w)])


def test_weights_save_and_load():
    w = tf.Variable([1.0, 2.0])
    opt = optimizers.Adam()
    opt.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    store = {}
    opt.save_own_variables(store)
    assert sorted(store) == ["0", "1", "2", "3"] and store["0"] == 1
    fresh = optimizers.Adam()
    fresh.build([w])
    fresh.load_own_variables(store)
    for a, b in zip(opt.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)
    fresh.set_weights(opt.get_weights())
    with pytest.raises(ValueError, match="not compatible"):
        fresh.set_weights([np.zeros(3)] * 4)


def test_empty_apply_is_a_no_op():
    opt = optimizers.SGD()
    assert int(opt.apply_gradients([])) == 0


@pytest.mark.parametrize("cls", [optimizers.schedules.ExponentialDecay,
                                 optimizers.schedules.InverseTimeDecay])
def test_schedule_configs_round_trip(cls):
    s = cls(0.1, 5, 0.5, staircase=True)
    blob = optimizers.schedules.serialize(s)
    assert blob["module"] == "keras.optimizers.schedules"
    back = optimizers.schedules.deserialize(blob)
    assert back.get_config() == s.get_config()
