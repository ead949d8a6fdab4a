"""Write the Keras 3 interoperability fixtures under tests/fixtures/keras3/.

Run ONCE in a scratch environment that has real Keras installed (never a tapeflow
dependency, never imported by the tests):

    python3 -m venv /tmp/kerasenv
    /tmp/kerasenv/bin/pip install keras==3.15.1 jax h5py numpy
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python scripts/make_keras_fixtures.py

The numpy backend of Keras 3 can build, predict and save but not fit; the trained
fixture (Adam state) needs a backend that trains, hence jax (CPU). The fixtures were
made with keras 3.15.1 on the jax backend; `expected.json` records the version, the
fixed inputs and the predictions Keras computed on them, and for the trained model the
weights Keras reached after one more epoch of training (shuffle=False), so a test can
check that tapeflow resumes training exactly where Keras left off.
"""
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

import keras  # noqa: E402

KERAS_VERSION = "3.15.1"
WEIGHTS_FILES = ("seq_mlp", "trained_adam")  # standalone .weights.h5 files (HDF5 is ~15 KB)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "keras3")


def _inputs(shape, offset=0.0):
    """Deterministic, hand-reproducible inputs: a sine of a ramp, rounded to 1e-3."""
    n = int(np.prod(shape))
    return np.round(np.sin(np.arange(n, dtype=np.float64) * 0.37 + offset), 3) \
        .reshape(shape).astype("float32")


def _listify(arrays):
    return [np.asarray(a, dtype=np.float64).tolist() for a in arrays]


def seq_mlp():
    """4-5-3 Sequential: Dense relu, Dense softmax."""
    return keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(5, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]), [_inputs((6, 4))]


def functional_merge():
    """Two inputs, Dense branches, Add, Concatenate, two activations."""
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    x = keras.layers.Dense(4, activation="tanh")(a)
    y = keras.layers.Dense(4, kernel_initializer="he_normal", bias_initializer="ones")(b)
    z = keras.layers.Add()([x, y])
    c = keras.layers.Concatenate()([z, a])
    h = keras.layers.ReLU()(c)
    out = keras.layers.Dense(2, name="out")(h)
    return keras.Model([a, b], out, name="merge"), [_inputs((5, 3)), _inputs((5, 2), 1.0)]


def seq_shapes():
    """Flatten, Reshape, Dropout, Activation, LeakyReLU, ELU, Softmax, L2 regularizer."""
    return keras.Sequential([
        keras.Input((2, 3)),
        keras.layers.Flatten(),
        keras.layers.Dense(6, kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.LeakyReLU(negative_slope=0.1),
        keras.layers.Reshape((2, 3)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(4, activation="sigmoid"),
        keras.layers.ELU(),
        keras.layers.Activation("tanh"),
        keras.layers.Dense(3),
        keras.layers.Softmax(),
    ], name="shapes"), [_inputs((4, 2, 3))]


def trained_adam():
    """A compiled model trained two epochs with Adam: the file carries optimizer state."""
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(6, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ], name="trained")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, [_inputs((6, 4))]


def _train_data():
    x = _inputs((24, 4), 0.5)
    y = (np.arange(24) * 7 % 3).astype("int32")
    return x, y


def main():
    if keras.__version__ != KERAS_VERSION:
        sys.exit(f"expected keras {KERAS_VERSION}, found {keras.__version__}")
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(20240601)
    expected = {"keras_version": keras.__version__, "backend": keras.backend.backend(),
                "models": {}}
    for build in (seq_mlp, functional_merge, seq_shapes, trained_adam):
        model, inputs = build()
        entry = {}
        if build is trained_adam:
            x, y = _train_data()
            model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
            entry["train_x"] = _listify([x])[0]
            entry["train_y"] = y.tolist()
        feed = inputs if len(inputs) > 1 else inputs[0]
        entry["inputs"] = _listify(inputs)
        entry["predictions"] = np.asarray(model.predict(feed, verbose=0),
                                          np.float64).tolist()
        entry["weights"] = _listify(model.get_weights())
        name = build.__name__
        model.save(os.path.join(OUT, f"{name}.keras"))
        if name in WEIGHTS_FILES:
            model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        if build is trained_adam:
            entry["optimizer_variables"] = _listify(
                [v.numpy() for v in model.optimizer.variables])
            model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
            entry["weights_after_one_more_epoch"] = _listify(model.get_weights())
        expected["models"][name] = entry
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns that .h5 is a legacy format
        legacy, inputs = seq_mlp()
        legacy.save(os.path.join(OUT, "legacy_mlp.h5"))
        expected["models"]["legacy_mlp"] = {
            "inputs": _listify(inputs),
            "predictions": np.asarray(legacy.predict(inputs[0], verbose=0),
                                      np.float64).tolist(),
            "weights": _listify(legacy.get_weights())}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
