"""Helpers for the saving tests: fixture paths, a file lister, the fixture models
rebuilt with tapeflow (same layers, same order as scripts/make_keras_fixtures.py)."""
import io
import os

import numpy as np

from tapeflow import keras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures",
                        "keras3")
L = keras.layers


def fixture_path(name):
    return os.path.join(FIXTURES, name)


def h5_listing(source):
    """``{path: (kind, shape, sorted attribute names)}`` of an HDF5 file or bytes."""
    import h5py
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    out = {}
    with h5py.File(source, "r") as h5:
        h5.visititems(lambda name, obj: out.__setitem__(
            name, (type(obj).__name__, getattr(obj, "shape", None), sorted(obj.attrs))))
    return out


def as_inputs(entry):
    arrays = [np.array(x, np.float32) for x in entry["inputs"]]
    return arrays if len(arrays) > 1 else arrays[0]


def seq_mlp():
    return keras.Sequential([keras.Input((4,)), L.Dense(5, activation="relu"),
                             L.Dense(3, activation="softmax")])


def functional_merge():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    x = L.Dense(4, activation="tanh")(a)
    y = L.Dense(4, kernel_initializer="he_normal", bias_initializer="ones")(b)
    z = L.Add()([x, y])
    c = L.Concatenate()([z, a])
    h = L.ReLU()(c)
    out = L.Dense(2, name="out")(h)
    return keras.Model([a, b], out, name="merge")


def seq_shapes():
    return keras.Sequential([
        keras.Input((2, 3)), L.Flatten(),
        L.Dense(6, kernel_regularizer=keras.regularizers.L2(0.01)),
        L.LeakyReLU(negative_slope=0.1), L.Reshape((2, 3)), L.Flatten(), L.Dropout(0.3),
        L.Dense(4, activation="sigmoid"), L.ELU(), L.Activation("tanh"), L.Dense(3),
        L.Softmax()], name="shapes")


def trained_adam():
    model = keras.Sequential([keras.Input((4,)), L.Dense(6, activation="relu"),
                              L.Dense(3, activation="softmax")], name="trained")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


BUILDERS = {"seq_mlp": seq_mlp, "functional_merge": functional_merge,
            "seq_shapes": seq_shapes}


# Seven bytes that make libhdf5 (1.14, h5py 3.16) spin forever reading an attribute
# of legacy_mlp.h5: found by the fuzzer, kept as a regression case.
HANG_EDITS = [(3993, 4), (8934, 180), (10391, 76), (10446, 152), (10733, 166),
              (14805, 35), (17042, 166)]
LEGACY_SHA256 = "ad5878d231266a030b67d1caffb3ec3666b67c5b53a6b2aaf501885d9c2004d5"
