"""The tf.function guide's concrete functions and its tf.Variable creation rule."""
import numpy as np
import pytest

import tapeflow as tf


def test_get_concrete_function_binds_python_arguments_and_checks_tensors():
    @tf.function
    def double(a):
        return a + a

    # the guide doubles strings; floats here (string + string is tf.strings' work)
    double_floats = double.get_concrete_function(tf.constant(1.5))
    assert float(double_floats(tf.constant(1.5))) == 3.0
    assert float(double_floats(a=tf.constant(2.5))) == 5.0
    from_spec = double.get_concrete_function(tf.TensorSpec(shape=[], dtype=tf.float32))
    assert float(from_spec(tf.constant(4.0))) == 8.0
    assert double_floats.structured_input_signature == (
        (tf.TensorSpec([], tf.float32, "a"),), {})
    assert double_floats.structured_outputs == tf.TensorSpec([], tf.float32)
    assert "a (POSITIONAL_OR_KEYWORD)" in str(double_floats)
    with pytest.raises(TypeError, match="int32 tensor"):
        double_floats(tf.constant(1))
    assert "double" in double.pretty_printed_concrete_signatures()

    @tf.function
    def pow(a, b):
        return a ** b

    square = pow.get_concrete_function(a=tf.TensorSpec(None, tf.float32), b=2)
    assert square(tf.constant(10.0)) == 100
    assert square(tf.constant([1.0, 3.0])).numpy().tolist() == [1.0, 9.0]  # None: any rank
    with pytest.raises(TypeError, match="'b'"):
        square(tf.constant(10.0), b=3)


def test_tensor_spec_none_is_any_shape():
    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
    def total(x):
        return tf.reduce_sum(x)

    assert float(total(tf.ones((2, 3)))) == 6.0 and float(total(tf.constant(1.0))) == 1.0
    assert repr(tf.TensorSpec(None, tf.float32)) == \
        "TensorSpec(shape=None, dtype=tf.float32, name=None)"


def test_variables_are_created_on_the_first_call_only():
    @tf.function
    def f(x):
        return tf.Variable(1.0) + x

    f(1.0)  # TF raises here already (it traces twice); tapeflow on the next trace
    with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
        f(1.0)

    class Count(tf.Module):
        def __init__(self):
            self.count = None

        @tf.function
        def __call__(self):
            if self.count is None:
                self.count = tf.Variable(0)
            return self.count.assign_add(1)

    c = Count()
    assert [int(c()) for _ in range(3)] == [1, 2, 3]


def test_guide_multiple_optimizers():
    def train_step(w, x, y, optimizer):
        with tf.GradientTape() as tape:
            L = tf.reduce_sum(tf.square(w * x - y))
        gradients = tape.gradient(L, [w])
        optimizer.apply_gradients(zip(gradients, [w]))

    opt1 = tf.keras.optimizers.Adam(learning_rate=1e-2)
    opt2 = tf.keras.optimizers.Adam(learning_rate=1e-3)
    w, x, y = tf.Variable(2.), tf.constant([-1.]), tf.constant([2.])
    step = tf.function(train_step)
    step(w, x, y, opt1)
    with pytest.raises(ValueError, match="singleton"):
        step(w, x, y, opt2)  # opt2 would create its slots in a later trace

    opt1 = tf.keras.optimizers.Adam(learning_rate=1e-2)
    opt2 = tf.keras.optimizers.Adam(learning_rate=1e-3)
    w = tf.Variable(2.)
    train_step_1 = tf.function(train_step).get_concrete_function(w, x, y, opt1)
    train_step_2 = tf.function(train_step).get_concrete_function(w, x, y, opt2)
    for i in range(10):
        (train_step_1 if i % 2 == 0 else train_step_2)(w, x, y)
    # Adam moves by about lr per step against the gradient 2(-w - 2)(-1) > 0
    np.testing.assert_allclose(w.numpy(), 2.0 - 5 * 1e-2 - 5 * 1e-3, atol=2e-3)
    assert int(opt1.iterations) == 5 and int(opt2.iterations) == 5


def test_intro_to_graphs_python_numbers_come_back_as_tensors_and_eager_switch(capsys):
    def simple_relu(x):
        if tf.greater(x, 0):
            return x
        else:
            return 0

    tf_simple_relu = tf.function(simple_relu)
    assert tf_simple_relu(tf.constant(1)).numpy() == 1
    with pytest.warns(RuntimeWarning, match="bool"):
        second = tf_simple_relu(tf.constant(-1))
    assert isinstance(second, tf.Tensor) and second.numpy() == 0  # TF: a tensor, not 0

    @tf.function
    def get_MSE(y_true, y_pred):
        print("Calculating MSE!")
        return tf.reduce_mean(tf.pow(y_true - y_pred, 2))

    y_true, y_pred = tf.constant([1, 2, 3]), tf.constant([1, 2, 5])
    for _ in range(4):
        assert int(get_MSE(y_true, y_pred)) == 1
    traced = capsys.readouterr().out.count("Calculating MSE!")
    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly()
        for _ in range(3):
            get_MSE(y_true, y_pred)
    finally:
        tf.config.run_functions_eagerly(False)
    assert traced == 2 and capsys.readouterr().out.count("Calculating MSE!") == 3
    with pytest.raises(AttributeError, match="no tf.Graph"):
        get_MSE.get_concrete_function(y_true, y_pred).graph
