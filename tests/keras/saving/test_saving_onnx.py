"""ONNX export: onnxruntime runs the exported graph with tapeflow's outputs."""
import numpy as np
import pytest
from saving_testlib import functional_merge, seq_shapes

from tapeflow import keras
from tapeflow.keras.saving import export_onnx

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
L = keras.layers


def _run(path, feeds):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, feeds)))


def test_mlp_matches_onnxruntime(tmp_path):
    model = keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu"),
                              L.Dropout(0.5), L.Dense(5, activation="tanh"),
                              L.Dense(3, activation="softmax")])
    x = np.random.default_rng(0).normal(size=(7, 6)).astype(np.float32)
    model.export(str(tmp_path / "mlp.onnx"), format="onnx")  # delegates to export_onnx
    (out,) = _run(tmp_path / "mlp.onnx", [x])
    np.testing.assert_allclose(out, model.predict(x, verbose=0), atol=1e-5, rtol=0)


def test_shapes_and_activation_layers(tmp_path):
    model = seq_shapes()
    x = np.random.default_rng(1).normal(size=(4, 2, 3)).astype(np.float32)
    export_onnx(model, tmp_path / "shapes.onnx")
    (out,) = _run(tmp_path / "shapes.onnx", [x])
    np.testing.assert_allclose(out, model.predict(x, verbose=0), atol=1e-5, rtol=0)


def test_functional_with_add_and_concatenate(tmp_path):
    model = functional_merge()
    a = np.linspace(-2, 2, 15, dtype=np.float32).reshape(5, 3)
    b = np.linspace(1, -1, 10, dtype=np.float32).reshape(5, 2)
    export_onnx(model, tmp_path / "merge.onnx")
    (out,) = _run(tmp_path / "merge.onnx", [a, b])
    np.testing.assert_allclose(out, model.predict([a, b], verbose=0), atol=1e-5, rtol=0)


@pytest.mark.parametrize("activation", ["sigmoid", "elu", "selu", "gelu", "silu", "softplus",
                                        "hard_sigmoid", "relu6", "leaky_relu", "mish",
                                        "log_softmax", "softsign", "exponential"])
def test_dense_activations(tmp_path, activation):
    model = keras.Sequential([keras.Input((4,)), L.Dense(3, activation=activation)])
    x = np.linspace(-3, 3, 20, dtype=np.float32).reshape(5, 4)
    export_onnx(model, tmp_path / "a.onnx")
    (out,) = _run(tmp_path / "a.onnx", [x])
    np.testing.assert_allclose(out, model.predict(x, verbose=0), atol=1e-5, rtol=1e-5)


def test_relu_variants(tmp_path):
    model = keras.Sequential([keras.Input((4,)), L.Dense(4), L.ReLU(max_value=0.5),
                              L.Dense(4), L.ReLU(negative_slope=0.3)])
    x = np.linspace(-3, 3, 20, dtype=np.float32).reshape(5, 4)
    export_onnx(model, tmp_path / "r.onnx")
    (out,) = _run(tmp_path / "r.onnx", [x])
    np.testing.assert_allclose(out, model.predict(x, verbose=0), atol=1e-5, rtol=0)


def test_unsupported_layer_is_named(tmp_path):
    model = keras.Sequential([keras.Input((2,)), L.Lambda(np.negative, name="neg")])
    with pytest.raises(NotImplementedError, match="'neg'.*Lambda"):
        export_onnx(model, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_convnets_match_onnxruntime(tmp_path):
    rng = np.random.default_rng(2)
    nets = [
        (keras.Sequential([keras.Input((9, 10, 3)),
                           L.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
                           L.Conv2D(5, (2, 3), dilation_rate=2, padding="same"),
                           L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
                           L.SeparableConv2D(6, 3, padding="same", strides=2),
                           L.Conv2DTranspose(3, 3, strides=2, padding="same"),
                           L.Conv2DTranspose(2, 2, strides=3),
                           L.MaxPooling2D(3, strides=2, padding="same"),
                           L.AveragePooling2D(2, strides=1, padding="same"),
                           L.GlobalMaxPooling2D(keepdims=True), L.Flatten(), L.Dense(3)]),
         (2, 9, 10, 3)),
        (keras.Sequential([keras.Input((12, 3)),
                           L.Conv1D(4, 3, padding="causal", dilation_rate=2),
                           L.MaxPooling1D(2, padding="same"), L.AveragePooling1D(2),
                           L.GlobalAveragePooling1D()]), (2, 12, 3)),
        (keras.Sequential([keras.Input((3, 9, 8)),
                           L.Conv2D(4, 3, padding="same", data_format="channels_first"),
                           L.MaxPooling2D(data_format="channels_first"),
                           L.GlobalAveragePooling2D(data_format="channels_first")]),
         (2, 3, 9, 8)),
    ]
    for i, (model, shape) in enumerate(nets):
        model.set_weights([w + rng.normal(0, 0.1, w.shape).astype(np.float32)
                           for w in model.get_weights()])
        x = rng.normal(size=shape).astype(np.float32)
        export_onnx(model, tmp_path / f"c{i}.onnx")
        (out,) = _run(tmp_path / f"c{i}.onnx", [x])
        np.testing.assert_allclose(out, model.predict(x, verbose=0), atol=1e-5, rtol=1e-5)
