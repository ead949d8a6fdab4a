"""Write the Keras 3 fixtures for the reshaping, normalization, embedding and image
preprocessing layers: tests/fixtures/keras3/layers_*.keras and layers_expected.json.

Run ONCE in a scratch environment with real Keras 3.15.1 (jax backend), as for
scripts/make_keras_fixtures.py; the tests never import Keras:

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python scripts/make_keras_layer_fixtures.py

`layers_expected.json` records, per model, the inputs, Keras's predictions (inference:
the random augmentation layers are identities there), the weights and the text of
``model.summary()`` at COLUMNS=80; and, under "layers", single-layer outputs on fixed
inputs (bilinear upsampling and resizing, layer normalization, adapted normalization).
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ["COLUMNS"] = "80"

import numpy as np  # noqa: E402

import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "keras3")
L = keras.layers


def _inputs(shape, offset=0.0):
    n = int(np.prod(shape))
    return np.round(np.sin(np.arange(n, dtype=np.float64) * 0.37 + offset), 3) \
        .reshape(shape).astype("float32")


def _list(a):
    return np.asarray(a, np.float64).tolist()


def layers_reshaping():
    return keras.Sequential([
        keras.Input((4, 5, 2)), L.ZeroPadding2D(((1, 2), (0, 1))),
        L.Cropping2D(((1, 0), (2, 1))), L.UpSampling2D((2, 3), interpolation="bilinear"),
        L.UpSampling2D(), L.Reshape((-1, 2)), L.Permute((2, 1)), L.Flatten(), L.Dense(4),
        L.RepeatVector(2)]), _inputs((2, 4, 5, 2))


def layers_norms():
    model = keras.Sequential([
        keras.Input((5,), dtype="int32"), L.Embedding(10, 4), L.LayerNormalization(),
        L.Flatten(), L.Dense(6), L.Normalization(), L.Dense(3),
        L.Normalization(mean=[0.5, 1.0, -1.0], variance=[4.0, 1.0, 0.25], invert=True)])
    model.layers[4].adapt(_inputs((20, 6), 1.0) * 3 + 1)
    x = (np.arange(15).reshape(3, 5) * 7) % 10
    return model, x.astype("int32")


def layers_preprocessing():
    return keras.Sequential([
        keras.Input((10, 12, 3)), L.Resizing(8, 8, crop_to_aspect_ratio=True),
        L.CenterCrop(6, 6), L.Rescaling(1 / 2.0, offset=0.5), L.RandomFlip("horizontal"),
        L.RandomRotation(0.1), L.RandomZoom(0.2), L.RandomTranslation(0.1, (-0.2, 0.1)),
        L.RandomContrast(0.3), L.Flatten(), L.Dense(2)]), _inputs((2, 10, 12, 3))


def single_layers():
    x = _inputs((2, 5, 7, 3))
    out = {"x": _list(x)}
    cases = {
        "up_bilinear": L.UpSampling2D((2, 3), interpolation="bilinear"),
        "resize_bilinear": L.Resizing(4, 11),
        "resize_nearest": L.Resizing(8, 3, interpolation="nearest"),
        "resize_crop": L.Resizing(4, 4, crop_to_aspect_ratio=True),
        "center_crop_up": L.CenterCrop(6, 9),
        "layer_norm_rms": L.LayerNormalization(rms_scaling=True),
        "layer_norm_axes": L.LayerNormalization(axis=(1, 3), epsilon=0.01),
    }
    for name, layer in cases.items():
        out[name] = _list(layer(x))
    norm = L.Normalization(axis=(1, 3))
    norm.adapt(x)  # (a list of batches needs TensorFlow installed in Keras 3.15)
    out["normalization_axes"] = _list(norm(x))
    out["normalization_axes_weights"] = [_list(w) for w in norm.get_weights()]
    out["normalization_weight_dtypes"] = [str(w.dtype) for w in norm.weights]
    return out


def main():
    if keras.__version__ != "3.15.1":
        sys.exit(f"expected keras 3.15.1, found {keras.__version__}")
    keras.utils.set_random_seed(20240602)
    expected = {"keras_version": keras.__version__, "backend": keras.backend.backend(),
                "models": {}, "layers": single_layers()}
    for build in (layers_reshaping, layers_norms, layers_preprocessing):
        model, x = build()
        text = []
        model.summary(print_fn=lambda s, line_break=None: text.append(s))
        expected["models"][build.__name__] = {
            "inputs": _list(x), "predictions": _list(model.predict(x, verbose=0)),
            "weights": [_list(w) for w in model.get_weights()], "summary": "".join(text)}
        model.save(os.path.join(OUT, f"{build.__name__}.keras"))
    with open(os.path.join(OUT, "layers_expected.json"), "w") as f:
        json.dump(expected, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
