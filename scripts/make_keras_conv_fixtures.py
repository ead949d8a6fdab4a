"""Write the Keras 3 fixtures for the convolution and pooling layers:
tests/fixtures/keras3/conv_*.keras and conv_expected.json.

Run ONCE in a scratch environment with real Keras 3.15.1 (jax backend); the tests
never import Keras:

    KERAS_BACKEND=jax /tmp/peers/bin/python scripts/make_keras_conv_fixtures.py

`conv_expected.json` records, per model, the inputs, Keras's predictions and the text
of ``model.summary()`` at COLUMNS=80; under "configs", ``get_config()`` of each layer
with default and with non-default arguments; under "layers", single-layer outputs on
fixed inputs for the strided and "same"-padded cases where the padding split matters.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ["COLUMNS"] = "80"

import numpy as np  # noqa: E402

import keras  # noqa: E402
from make_keras_layer_fixtures import OUT, _inputs, _list  # noqa: E402

L = keras.layers


def conv_2d():
    inputs = keras.Input((9, 10, 3))
    x = L.Conv2D(4, 3, strides=2, padding="same", activation="relu")(inputs)
    x = L.Conv2D(5, (2, 3), dilation_rate=2, padding="same")(x)
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="tanh")(x)
    x = L.SeparableConv2D(6, 3, padding="same", strides=2)(x)
    x = L.Conv2DTranspose(3, 3, strides=2, padding="same")(x)
    x = L.Conv2DTranspose(2, 2, strides=2, padding="valid", output_padding=1)(x)
    x = L.MaxPooling2D(3, strides=2, padding="same")(x)
    x = L.AveragePooling2D(2, strides=1, padding="same")(x)
    pooled = L.Concatenate()([L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)])
    return keras.Model(inputs, L.Dense(4)(pooled)), _inputs((2, 9, 10, 3))


def conv_1d():
    inputs = keras.Input((12, 3))
    x = L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu")(inputs)
    x = L.MaxPooling1D(2, padding="same")(x)
    x = L.Conv1D(5, 2, strides=2, padding="same")(x)
    x = L.AveragePooling1D(2, strides=1)(x)
    pooled = L.Concatenate()([L.GlobalAveragePooling1D()(x), L.GlobalMaxPooling1D()(x)])
    return keras.Model(inputs, L.Dense(3)(pooled)), _inputs((2, 12, 3), 0.5)


def conv_channels_first():
    return keras.Sequential([
        keras.Input((3, 9, 8)),
        L.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first"),
        L.MaxPooling2D(data_format="channels_first", padding="same"),
        L.Conv2DTranspose(2, 3, strides=2, data_format="channels_first"),
        L.GlobalAveragePooling2D(data_format="channels_first", keepdims=True),
        L.Flatten(), L.Dense(2)]), _inputs((2, 3, 9, 8), 1.0)


def conv_intro():
    return keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(128, 3, activation="relu"), L.Flatten(),
        L.Dense(10, activation="softmax")]), _inputs((2, 28, 28, 1), 2.0)


CONFIGS = {
    "Conv1D": [(4, 3), dict(filters=2, kernel_size=5, strides=2, padding="causal",
                            activation="relu", use_bias=False)],
    "Conv2D": [(4, 3), dict(filters=8, kernel_size=(3, 2), strides=(2, 1), padding="same",
                            data_format="channels_first", activation="relu",
                            kernel_regularizer="l2")],
    "Conv2DTranspose": [(4, 3), dict(filters=3, kernel_size=3, strides=2, padding="same",
                                     output_padding=1)],
    "SeparableConv2D": [(4, 3), dict(filters=5, kernel_size=3, depth_multiplier=2,
                                     padding="same")],
    "DepthwiseConv2D": [(3,), dict(kernel_size=(3, 2), depth_multiplier=3, strides=2)],
    "MaxPooling1D": [(), dict(pool_size=3, strides=1, padding="same")],
    "MaxPooling2D": [(), dict(pool_size=(3, 2), strides=(1, 2), padding="same")],
    "AveragePooling1D": [(2,), dict(pool_size=4, data_format="channels_first")],
    "AveragePooling2D": [(2,), dict(pool_size=3, strides=2, padding="same")],
    "GlobalAveragePooling1D": [(), dict(keepdims=True)],
    "GlobalAveragePooling2D": [(), dict(data_format="channels_first")],
    "GlobalMaxPooling1D": [(), dict(keepdims=True)],
    "GlobalMaxPooling2D": [(), dict(keepdims=True)],
}


def configs():
    out = {}
    for name, (args, kwargs) in CONFIGS.items():
        cls = getattr(L, name)
        out[name] = [cls(*args, name="x").get_config(), cls(name="x", **kwargs).get_config()]
    return out


def single_layers():
    x = _inputs((2, 7, 8, 3))
    out = {"x": _list(x)}
    cases = {
        "conv_same_s2": L.Conv2D(2, 4, strides=2, padding="same", bias_initializer="ones"),
        "conv_same_s3_k2": L.Conv2D(2, 2, strides=3, padding="same"),
        "transpose_same_s2": L.Conv2DTranspose(2, 4, strides=2, padding="same"),
        "transpose_same_s2_op1": L.Conv2DTranspose(2, 3, strides=2, padding="same",
                                                   output_padding=1),
        "transpose_valid_s3": L.Conv2DTranspose(2, 2, strides=3),
        "avg_same": L.AveragePooling2D(3, strides=2, padding="same"),
        "max_same": L.MaxPooling2D(2, padding="same"),
        "depthwise_same_s2": L.DepthwiseConv2D(3, strides=2, padding="same",
                                               depth_multiplier=2),
    }
    for name, layer in cases.items():
        y = layer(x)
        out[name] = {"output": _list(y), "weights": [_list(w) for w in layer.get_weights()]}
    return out


def main():
    if keras.__version__ != "3.15.1":
        sys.exit(f"expected keras 3.15.1, found {keras.__version__}")
    keras.utils.set_random_seed(20240603)
    expected = {"keras_version": keras.__version__, "backend": keras.backend.backend(),
                "models": {}, "configs": configs(), "layers": single_layers()}
    keras.backend.clear_session()  # layer names as in a fresh session: conv2d, conv2d_1 ...
    model, _ = conv_intro()  # only its summary: its 104,202 weights would weigh 450 KB
    text = []
    model.summary(print_fn=lambda s, line_break=None: text.append(s))
    expected["models"]["conv_intro"] = {"summary": "".join(text)}
    for build in (conv_2d, conv_1d, conv_channels_first):
        model, x = build()
        rng = np.random.default_rng(0)  # non-zero biases too
        model.set_weights([w + rng.normal(0, 0.1, w.shape).astype("float32")
                           for w in model.get_weights()])
        text = []
        model.summary(print_fn=lambda s, line_break=None: text.append(s))
        expected["models"][build.__name__] = {
            "inputs": _list(x), "predictions": _list(model.predict(x, verbose=0)),
            "summary": "".join(text)}
        model.save(os.path.join(OUT, f"{build.__name__}.keras"))
    with open(os.path.join(OUT, "conv_expected.json"), "w") as f:
        json.dump(expected, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
