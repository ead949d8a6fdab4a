"""Small models for the training tests."""
import numpy as np
import pytest

from tapeflow import keras


def linear_model(w=((1.0,), (2.0,)), b=(0.5,), lr=0.0, loss="mse", metrics=None):
    """Dense(1) with fixed weights: y_pred = x @ w + b (SGD with ``lr``; 0 keeps it fixed)."""
    w = np.asarray(w, np.float32)
    model = keras.Sequential([keras.Input((w.shape[0],)), keras.layers.Dense(w.shape[1])])
    model.set_weights([w, np.asarray(b, np.float32)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss=loss, metrics=metrics)
    return model


def classifier(seed=0, lr=0.05, metrics=("accuracy",)):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr),
                  loss="sparse_categorical_crossentropy", metrics=list(metrics))
    return model


@pytest.fixture(name="linear_model")
def _linear_model_fixture():
    return linear_model


@pytest.fixture(name="classifier")
def _classifier_fixture():
    return classifier


@pytest.fixture
def blobs():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 3, size=30)
    x = rng.normal(size=(30, 4)) + np.eye(4)[y] * 3.0
    return x, y
