"""LayerNormalization, Embedding and Normalization: formulas by hand, Keras 3.15.1's
outputs, files and summaries (tests/fixtures/keras3/layers_*, made by
scripts/make_keras_layer_fixtures.py), adapt() on arrays and iterables, and errors."""
import os
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # any --import-mode
from layer_testlib import keras_layer_outputs as expected, run_layer_test  # noqa: E402

L = keras.layers


def test_layer_normalization_by_hand_and_config():
    layer = L.LayerNormalization()
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]], np.float32)
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(layer(x).numpy(), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-6)
    config = layer.get_config()
    assert config["axis"] == [-1] and config["epsilon"] == 1e-3  # a list once built
    assert L.LayerNormalization().get_config()["axis"] == -1
    assert [w.name for w in layer.weights] == ["gamma", "beta"]


def test_layer_normalization_matches_keras():
    e = expected()["layers"]
    x = np.asarray(e["x"], np.float32)
    np.testing.assert_allclose(L.LayerNormalization(rms_scaling=True)(x).numpy(),
                               e["layer_norm_rms"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(L.LayerNormalization(axis=(1, 3), epsilon=0.01)(x).numpy(),
                               e["layer_norm_axes"], rtol=1e-5, atol=1e-6)


def test_embedding_contract_and_lookup():
    layer = run_layer_test(L.Embedding, {"input_dim": 5, "output_dim": 3},
                           input_data=np.array([[0, 4], [2, 2]], np.int32),
                           expected_output_shape=(2, 2, 3), expected_num_trainable_weights=1,
                           expected_weight_shapes=[(5, 3)], check_input_gradient=False)
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(layer(np.array([[3, 1]])).numpy()[0], table[[3, 1]])
    assert np.all(np.abs(table) <= 0.05)  # "uniform": U(-0.05, 0.05)


def test_embedding_gradient_sums_repeated_ids():
    layer = L.Embedding(4, 2, embeddings_initializer="ones")
    ids = np.array([[1, 1, 3]])
    with tf.GradientTape() as tape:
        y = layer(ids)
        loss = tf.reduce_sum(y * tf.constant([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]))
    g = tape.gradient(loss, layer.embeddings).numpy()
    np.testing.assert_array_equal(g, [[0, 0], [4, 6], [0, 0], [5, 6]])


def test_embedding_mask_and_weights_argument():
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    layer = L.Embedding(3, 2, mask_zero=True, weights=[table])
    np.testing.assert_array_equal(layer(np.array([[2, 0]])).numpy()[0], table[[2, 0]])
    np.testing.assert_array_equal(layer.compute_mask(np.array([[2, 0]])).numpy(),
                                  [[True, False]])
    assert L.Embedding(3, 2).compute_mask(np.array([[1]])) is None
    assert layer.get_config()["mask_zero"] is True


@pytest.mark.parametrize("kwargs, match", [
    ({"input_dim": 0, "output_dim": 2}, r"`input_dim` must be a positive integer"),
    ({"input_dim": 3, "output_dim": 2.5}, r"`output_dim` must be a positive integer"),
])
def test_embedding_bad_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        L.Embedding(**kwargs)


def test_embedding_out_of_range_ids_name_layer_and_fix():
    with pytest.raises(ValueError, match=r'"embedding.*" \(Embedding\): ids must lie in '
                                         r'\[0, input_dim\) = \[0, 3\); received ids from 0 '
                                         r'to 7.*\(1, 2\).*input_dim'):
        L.Embedding(3, 2)(np.array([[0, 7]]))


def test_normalization_adapt_array_and_iterables_agree():
    x = np.random.default_rng(0).normal(3.0, 2.0, (40, 3)).astype(np.float32)
    whole = L.Normalization()
    whole.adapt(x)
    np.testing.assert_allclose(whole.adapt_mean.numpy(), x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(whole.adapt_variance.numpy(), x.var(0), rtol=1e-5)
    for data in ([x[:15], x[15:]], (b for b in np.split(x, 4)),
                 [(tf.constant(x[:20]), np.zeros(20)), (tf.constant(x[20:]), np.zeros(20))]):
        layer = L.Normalization()
        layer.adapt(data)
        np.testing.assert_allclose(layer.get_weights()[0], whole.get_weights()[0], rtol=1e-5)
        np.testing.assert_allclose(layer.get_weights()[1], whole.get_weights()[1], rtol=1e-5)
    y = whole(x).numpy()
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(0), 1, atol=1e-4)
    assert [w.name for w in whole.weights] == ["mean", "variance", "count"]
    assert whole.weights[2].dtype == tf.int32 and int(whole.weights[2].numpy()) == 0


def test_normalization_given_stats_invert_and_config():
    layer = L.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0], invert=True)
    out = layer(np.array([[1.0, 1.0]])).numpy()
    np.testing.assert_allclose(out, [[3.0, 2.0 + 1e-7]], rtol=1e-6)  # sqrt(0) -> 1e-7
    assert layer.weights == [] and layer.count_params() == 0
    assert layer.get_config()["mean"] == [1.0, 2.0] and layer.get_config()["axis"] == (-1,)
    forward = L.Normalization(mean=[1.0, 2.0], variance=[4.0, 1.0])
    back = L.Normalization(mean=[1.0, 2.0], variance=[4.0, 1.0], invert=True)
    np.testing.assert_allclose(back(forward(np.array([[5.0, -1.0]]))).numpy(), [[5, -1]],
                               rtol=1e-6)


def test_normalization_matches_keras_adapt_with_axes():
    e = expected()["layers"]
    x = np.asarray(e["x"], np.float32)
    layer = L.Normalization(axis=(1, 3))
    layer.adapt([x[:1], x[1:]])
    np.testing.assert_allclose(layer(x).numpy(), e["normalization_axes"], rtol=1e-5,
                               atol=1e-6)
    for got, want in zip(layer.get_weights(), e["normalization_axes_weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("make, match", [
    (lambda: L.Normalization(mean=1.0), r"both `mean` and `variance` must be set"),
    (lambda: L.Normalization(mean=[1.0, 2.0], variance=[1.0]), r"same shape"),
    (lambda: L.Normalization().adapt(5), r"unsupported data type"),
    (lambda: L.Normalization().adapt([]), r"empty iterable"),
    (lambda: L.Normalization(axis=3).adapt(np.zeros((2, 3))),
     r'"normalization.*" \(Normalization\).*\[-2, 2\).*\(2, 3\).*axis=\(3,\)'),
    (lambda: L.LayerNormalization(axis=2)(np.zeros((2, 3))),
     r'\(LayerNormalization\): axis=2 is out of range for inputs of shape \(2, 3\)'),
])
def test_bad_arguments(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_normalization_adapt_shape_mismatch():
    layer = L.Normalization()
    layer.adapt(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"built with input_shape=\(4, 3\).*data.shape=\(4, 2\)"):
        layer.adapt(np.zeros((4, 2)))


def test_save_and_reload_round_trip(tmp_path):
    model = keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(10, 4),
                              L.LayerNormalization(), L.Flatten(), L.Dense(6),
                              L.Normalization(), L.Dense(2),
                              L.Normalization(mean=0.5, variance=2.0, invert=True)])
    model.layers[4].adapt(np.random.default_rng(0).normal(size=(8, 6)))
    x = np.arange(10, dtype=np.int32).reshape(2, 5)
    model.save(str(tmp_path / "m.keras"))
    again = keras.models.load_model(str(tmp_path / "m.keras"))
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_array_equal(again.layers[4].get_weights()[0],
                                  model.layers[4].get_weights()[0])
