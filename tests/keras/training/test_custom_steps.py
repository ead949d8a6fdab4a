"""Subclassed models, overridden train_step / test_step, unbuilt models."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
Y = np.array([[1.0], [1.0], [2.0], [2.0]])


def test_unbuilt_sequential_builds_on_the_first_batch():
    model = keras.Sequential([keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, Y, epochs=2, verbose=0)
    assert model.built and len(history.history["loss"]) == 2


class Linear(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)


def test_subclassed_model_fit_evaluate_predict():
    model = Linear()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, epochs=20, batch_size=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert list(model.evaluate(X, Y, verbose=0, return_dict=True)) == ["loss", "mae"]
    assert model.predict(X, verbose=0).shape == (4, 1)


class Keras3Style(Linear):
    """The custom train_step of Keras 3's guide."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class TF2Style(Linear):
    """The custom train_step of TensorFlow 2's guide (compiled_loss / compiled_metrics)."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


@pytest.mark.parametrize("cls", [Keras3Style, TF2Style])
def test_custom_train_step_matches_the_built_in_one(cls):
    results = []
    for model_cls in (Linear, cls):
        tf.random.set_seed(3)
        model = model_cls()
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
        history = model.fit(X, Y, epochs=3, batch_size=2, shuffle=False, verbose=0)
        results.append((history.history, model.get_weights()))
    (h1, w1), (h2, w2) = results
    assert list(h2) == ["loss", "mae"]
    for key in h1:
        np.testing.assert_allclose(h2[key], h1[key], rtol=1e-6)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_custom_test_step_and_extra_logs():
    class WithExtra(Linear):
        def test_step(self, data):
            logs = super().test_step(data)
            logs["extra"] = 1.5
            return logs
    model = WithExtra()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert logs["extra"] == 1.5 and set(logs) == {"loss", "mae", "extra"}
    assert model.evaluate(X, Y, verbose=0)[-1] == 1.5  # other keys come last, sorted


def test_add_loss_alone_is_enough():
    class Penalised(Linear):
        def call(self, x):
            out = self.dense(x)
            self.add_loss(tf.reduce_mean(tf.square(out)))
            return out
    model = Penalised()
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    history = model.fit(X, Y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_metrics_held_as_attributes_are_listed_and_reset():
    """Keras 3 tracks ``self.tracker = keras.metrics.Mean()``: ``model.metrics`` lists it
    (['loss', 'my_loss'] in Keras 3.15.1, torch backend) and evaluate resets it, so a
    second evaluate on 8 samples reports 8.0, not the running mean of both calls (29.33)."""
    class Counting(keras.Model):
        def __init__(self):
            super().__init__()
            self.loss_tracker = keras.metrics.Mean(name="my_loss")
            self.inner = keras.Sequential([keras.layers.Dense(2)])
            self.inner.seen = keras.metrics.Sum(name="inner_seen")  # a nested model's own

        def call(self, x):
            return self.inner(x)

        def test_step(self, data):
            self.loss_tracker.update_state(float(len(data[0])))
            return {"my_loss": self.loss_tracker.result()}

    model = Counting()
    model.compile(optimizer="sgd")
    x, y = np.ones((64, 5), np.float32), np.zeros((64, 2), np.float32)
    model(x[:2])
    assert [m.name for m in model.metrics] == ["loss", "my_loss"]
    assert [m.name for m in model.inner.metrics] == ["inner_seen"]
    assert model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True) == {"my_loss": 32.0}
    assert model.evaluate(x[:8], y[:8], verbose=0, return_dict=True) == {"my_loss": 8.0}
    assert model.get_metrics_result()["my_loss"] == 8.0
    assert model.trainable_weights == model.inner.trainable_weights  # no metric variables
