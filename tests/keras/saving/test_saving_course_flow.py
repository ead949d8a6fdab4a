"""The seed's section 5-7 flow on tiny synthetic Fashion-MNIST-shaped data:
compile, fit, evaluate, save, load, predict, continue training."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras import saving


def _data(n=96):
    rng = np.random.default_rng(5)
    y = rng.integers(0, 10, n).astype(np.uint8)
    x = rng.integers(0, 256, (n, 28, 28)).astype(np.uint8)
    x[np.arange(n), y, :] = 255  # a learnable stripe per class
    return x / 255.0, y


def _model():
    model = keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def test_fashion_mnist_save_load_continue(tmp_path):
    keras.utils.set_random_seed(0)
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    loss, acc = model.evaluate(x, y, verbose=0)

    path = str(tmp_path / "fashion.keras")
    model.save(path)  # the course's own calls
    loaded = keras.models.load_model(path)

    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, y, verbose=0) == [loss, acc]
    assert type(loaded.optimizer).__name__ == "Adam"
    assert int(loaded.optimizer.iterations.numpy()) == 6  # 96 / 32 * 2 epochs

    model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_compile_false_gives_an_uncompiled_model(tmp_path):
    model = _model()
    x, y = _data(32)
    model.fit(x, y, epochs=1, verbose=0)
    saving.save_model(model, tmp_path / "m.keras")
    loaded = saving.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_public_entry_points(tmp_path):
    x, y = _data(32)
    model = _model()
    ckpt = keras.callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}.keras"))
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ckpt])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.keras", "e2.keras"]
    model.save_weights(str(tmp_path / "w.weights.h5"))
    other = _model()
    with pytest.warns(UserWarning, match="optimizer"):  # its Adam has no slots yet
        other.load_weights(str(tmp_path / "w.weights.h5"))
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    rebuilt = keras.models.model_from_json(model.to_json())
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]
