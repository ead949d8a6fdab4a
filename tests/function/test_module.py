"""tf.Module as TensorFlow's "Introduction to modules" and customization basics use it."""
import numpy as np
import pytest

import tapeflow as tf


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


def test_simple_module_lists_its_variables():
    simple_module = SimpleModule(name="simple")
    assert float(simple_module(tf.constant(5.0))) == 30.0
    assert [v.name for v in simple_module.trainable_variables] == ["train_me"]
    assert [v.name for v in simple_module.variables] == ["train_me", "do_not_train_me"]


def test_nested_modules_in_sorted_attribute_order():
    my_model = SequentialModule(name="the_model")
    assert my_model(tf.constant([[2.0, 2.0, 2.0]])).shape == (1, 2)
    assert my_model.submodules == (my_model.dense_1, my_model.dense_2)
    assert [v.name for v in my_model.variables] == ["b", "w", "b", "w"]
    assert my_model.name == "the_model" and my_model.dense_1.name == "dense"
    with my_model.name_scope as scope:
        assert scope == "the_model/"
    with pytest.raises(ValueError, match="not a valid module name"):
        tf.Module(name="not valid")


def test_lists_dicts_and_keras_layers_are_tracked():
    class Holder(tf.Module):
        def __init__(self):
            super().__init__()
            self.blocks = {"b": [tf.Variable(1.0)], "a": (tf.Variable(2.0),)}
            self.layer = tf.keras.layers.Dense(2)
            self.layer.build((None, 3))
            self.again = self.blocks["b"][0]            # counted once

    holder = Holder()
    values = [float(v.numpy().ravel()[0]) if v.shape == () else v.shape
              for v in holder.variables]
    assert values == [1.0, 2.0, (3, 2), (2,)]       # attributes in sorted order: again, blocks
    assert holder.name == "holder"


def test_customization_basics_training_loop():
    class MyModel(tf.Module):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b

    def loss(target_y, predicted_y):
        return tf.reduce_mean(tf.square(target_y - predicted_y))

    def train(model, x, y, learning_rate):
        with tf.GradientTape() as t:
            current_loss = loss(y, model(x))
        dw, db = t.gradient(current_loss, [model.w, model.b])
        model.w.assign_sub(learning_rate * dw)
        model.b.assign_sub(learning_rate * db)

    x = tf.constant(np.linspace(-2, 2, 50, dtype=np.float32))
    y = x * 3.0 + 2.0
    model = MyModel()
    train_fn = tf.function(train)
    for epoch in range(200):
        train_fn(model, x, y, learning_rate=0.1)
    assert abs(float(model.w) - 3.0) < 1e-3 and abs(float(model.b) - 2.0) < 1e-3
    assert train_fn.experimental_get_tracing_count() == 1
