"""keras.applications: VGG16 and MobileNetV2 as Keras 3.15 builds them, their
preprocessing, ImageNet weights from Keras's legacy .h5 files, and the course patterns
(Chollet ch. 8 feature extraction / fine-tuning, TF's transfer-learning tutorial).

Golden numbers come from Keras 3.15.1 (``keras.applications.*(weights=None)``):
VGG16 without top 14,714,688 parameters in 19 layers; MobileNetV2 at 160x160 without
top 2,257,984 parameters in 154 layers (the tutorial's "154 layers"), alpha=0.35 at
32x32 with max pooling 410,208, alpha=0.5 at 32x32 with a 5-class top 712,629.
"""
import hashlib
import json
import os
import sys
import urllib.parse

import h5py
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow._missing import NotProvidedError
from tapeflow.keras.applications import imagenet_utils, mobilenet_v2, vgg16
from tapeflow.keras.datasets import download

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets"))
import datasets_testlib as lib  # noqa: E402

VGG_NAMES = ["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2",
             "block2_pool", "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",
             "block4_conv1", "block4_conv2", "block4_conv3", "block4_pool", "block5_conv1",
             "block5_conv2", "block5_conv3", "block5_pool"]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Keras's and tapeflow's caches in tmp_path; only 127.0.0.1 is reachable."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TAPEFLOW_HOME", str(tmp_path / "tapeflow"))
    real_urlopen = download._urlopen

    def local_only(request, *args, **kwargs):
        url = request.full_url if hasattr(request, "full_url") else request
        assert urllib.parse.urlsplit(url).hostname == "127.0.0.1", url
        return real_urlopen(request, *args, **kwargs)

    monkeypatch.setattr(download, "_urlopen", local_only)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)


def _legacy_h5(model, path, weight_suffix=":0"):
    """Write ``model``'s weights in the Keras-2 layout of Keras's ImageNet files:
    ``layer_names`` on the root, a group per layer with ``weight_names``, datasets under
    the layer group. Each weight is filled with a distinct value to check the order."""
    rng = np.random.RandomState(7)
    values = []
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        f.attrs["backend"], f.attrs["keras_version"] = b"tensorflow", b"2.2.4"
        for layer in model.layers:
            group = f.create_group(layer.name)
            names = [f"{layer.name}/{w.path.split('/')[-1]}{weight_suffix}"
                     for w in layer.weights]
            group.attrs["weight_names"] = [n.encode() for n in names]
            for name, w in zip(names, layer.weights):
                value = rng.uniform(-1, 1, w.shape).astype("float32")
                group.create_dataset(name, data=value)
                values.append(value)
    return values


def _md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


# --- architecture -------------------------------------------------------------------------
def test_vgg16_without_top_is_keras_vgg16():
    model = keras.applications.vgg16.VGG16(weights=None, include_top=False,
                                           input_shape=(32, 32, 3))
    assert model.name == "vgg16" and model.count_params() == 14_714_688
    assert [layer.name for layer in model.layers[1:]] == VGG_NAMES
    assert model.output.shape == (None, 1, 1, 512)
    assert [w.path for w in model.weights][:4] == [
        "block1_conv1/kernel", "block1_conv1/bias", "block1_conv2/kernel", "block1_conv2/bias"]
    assert len(model.trainable_weights) == 26
    conv = model.get_layer("block1_conv1").get_config()
    assert (conv["filters"], list(conv["kernel_size"]), conv["padding"], conv["activation"]) == \
        (64, [3, 3], "same", "relu")


def test_vgg16_top_pooling_and_unknown_size():
    top = keras.applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=10)
    # conv base + fc1 (512*4096 + 4096) + fc2 (4096*4096 + 4096) + predictions (4096*10 + 10)
    assert top.count_params() == 14_714_688 + 2_101_248 + 16_781_312 + 40_970
    assert [layer.name for layer in top.layers[-4:]] == ["flatten", "fc1", "fc2", "predictions"]
    assert top.get_layer("predictions").get_config()["activation"] == "softmax"
    avg = keras.applications.VGG16(weights=None, include_top=False, pooling="max")
    assert avg.input_shape == (None, None, None, 3) and avg.output.shape == (None, 512)
    assert type(avg.layers[-1]).__name__ == "GlobalMaxPooling2D"


def test_vgg16_input_tensor_and_bad_arguments():
    inputs = keras.Input((40, 40, 3))
    model = keras.applications.VGG16(weights=None, include_top=False, input_tensor=inputs)
    assert model.inputs[0] is inputs and model.output.shape == (None, 1, 1, 512)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        keras.applications.VGG16(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        keras.applications.VGG16(weights="no_such_file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        keras.applications.VGG16(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="`input_shape` should be \\(224, 224, 3\\)"):
        keras.applications.VGG16(weights="imagenet", input_shape=(32, 32, 3))


def test_mobilenet_v2_matches_keras_at_160():
    base = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                             weights=None)
    names = [layer.name for layer in base.layers]
    assert base.name == "mobilenetv2_1.00_160" and len(base.layers) == 154
    assert base.count_params() == 2_257_984 and base.output.shape == (None, 5, 5, 1280)
    assert names[1:12] == ["Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise",
                           "expanded_conv_depthwise_BN", "expanded_conv_depthwise_relu",
                           "expanded_conv_project", "expanded_conv_project_BN",
                           "block_1_expand", "block_1_expand_BN", "block_1_expand_relu"]
    assert names[-3:] == ["Conv_1", "Conv_1_bn", "out_relu"]
    assert [n for n in names if n.endswith("_pad")] == [
        "block_1_pad", "block_3_pad", "block_6_pad", "block_13_pad"]
    assert [n for n in names if n.endswith("_add")] == [
        f"block_{i}_add" for i in (2, 4, 5, 7, 8, 9, 11, 12, 14, 15)]
    assert base.get_layer("block_1_pad").padding == ((0, 1), (0, 1))
    bn = base.get_layer("bn_Conv1").get_config()
    assert (bn["momentum"], bn["epsilon"]) == (0.999, 0.001)
    assert base.get_layer("Conv1_relu").get_config()["max_value"] == 6.0
    assert [w.path for w in base.get_layer("bn_Conv1").weights] == [
        "bn_Conv1/gamma", "bn_Conv1/beta", "bn_Conv1/moving_mean", "bn_Conv1/moving_variance"]
    assert len(base.trainable_weights) == 156 and len(base.weights) == 260


@pytest.mark.parametrize("kwargs,params,n_layers,name", [
    ({"alpha": 0.35, "include_top": False, "pooling": "max"}, 410_208, 155,
     "mobilenetv2_0.35_32"),
    ({"alpha": 0.5, "classes": 5}, 712_629, 156, "mobilenetv2_0.50_32")])
def test_mobilenet_v2_width_multiplier(kwargs, params, n_layers, name):
    model = keras.applications.mobilenet_v2.MobileNetV2(input_shape=(32, 32, 3),
                                                        weights=None, **kwargs)
    assert (model.count_params(), len(model.layers), model.name) == (params, n_layers, name)


def test_make_divisible_and_correct_pad():
    assert [mobilenet_v2._make_divisible(v, 8) for v in (11.2, 16, 32 * 1.3, 3)] == \
        [16, 16, 40, 8]
    assert imagenet_utils.correct_pad(keras.Input((33, 32, 3)), 3) == ((1, 1), (0, 1))


def test_other_architectures_say_not_provided():
    with pytest.raises(NotProvidedError, match="tf.keras.applications.ResNet50 yet"):
        tf.keras.applications.ResNet50  # noqa: B018
    assert "VGG16" in dir(tf.keras.applications)


# --- preprocessing ------------------------------------------------------------------------
def test_caffe_mode_flips_to_bgr_and_subtracts_the_mean():
    pixel = np.array([[[[10.0, 20.0, 30.0]]]], np.float32)
    expected = [30 - 103.939, 20 - 116.779, 10 - 123.68]
    out = keras.applications.vgg16.preprocess_input(pixel.copy())
    np.testing.assert_allclose(out[0, 0, 0], expected, rtol=1e-6)
    tensor_out = keras.applications.vgg16.preprocess_input(tf.constant(pixel))
    np.testing.assert_allclose(tensor_out.numpy()[0, 0, 0], expected, rtol=1e-6)
    first = imagenet_utils.preprocess_input(pixel.transpose(0, 3, 1, 2).copy(),
                                            data_format="channels_first")
    np.testing.assert_allclose(first[0, :, 0, 0], expected, rtol=1e-6)


def test_integer_images_become_float32_and_are_not_modified():
    images = np.array([[0, 127, 255]], np.uint8)
    out = keras.applications.vgg16.preprocess_input(images)
    assert out.dtype == np.float32 and images.tolist() == [[0, 127, 255]]
    np.testing.assert_allclose(out, [[255 - 103.939, 127 - 116.779, 0 - 123.68]], rtol=1e-6)
    floats = np.array([0.0, 255.0], np.float32)
    keras.applications.mobilenet_v2.preprocess_input(floats)
    assert floats.tolist() == [-1.0, 1.0]  # float arrays are changed in place, as in Keras


def test_tf_and_torch_modes():
    np.testing.assert_allclose(
        keras.applications.mobilenet_v2.preprocess_input(tf.constant([0.0, 51.0, 255.0])),
        [-1.0, 51 / 127.5 - 1, 1.0], rtol=1e-6)
    torch = imagenet_utils.preprocess_input(np.full((1, 3), 255.0), mode="torch")
    np.testing.assert_allclose(torch[0], [(1 - 0.485) / 0.229, (1 - 0.456) / 0.224,
                                          (1 - 0.406) / 0.225])
    with pytest.raises(ValueError, match="Expected mode to be one of"):
        imagenet_utils.preprocess_input(np.zeros(3), mode="bgr")


def test_preprocessing_on_an_input_is_a_layer_with_a_gradient():
    inputs = keras.Input((2, 2, 3))
    model = keras.Model(inputs, keras.applications.vgg16.preprocess_input(inputs))
    x = np.random.RandomState(0).uniform(0, 255, (1, 2, 2, 3)).astype("float32")
    np.testing.assert_allclose(model(x).numpy(),
                               keras.applications.vgg16.preprocess_input(x.copy()), rtol=1e-6)
    config = model.layers[1].get_config()
    assert (config["mode"], config["data_format"]) == ("caffe", "channels_last")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras.applications.vgg16.preprocess_input(xt) * np.array([1.0, 2.0, 3.0])
    # output channel c is input channel 2 - c: d sum / d x = [3, 2, 1]
    np.testing.assert_allclose(tape.gradient(y, xt).numpy()[0, 0, 0], [3.0, 2.0, 1.0])


def test_preprocessing_layer_survives_save_and_load(tmp_path):
    inputs = keras.Input((2, 2, 3))
    model = keras.Model(inputs, keras.applications.mobilenet_v2.preprocess_input(inputs))
    model.save(tmp_path / "p.keras")
    again = keras.models.load_model(tmp_path / "p.keras")
    assert again(np.full((1, 2, 2, 3), 255.0)).numpy().max() == 1.0


# --- weights ------------------------------------------------------------------------------
def test_imagenet_weights_from_the_keras_cache(tmp_path, monkeypatch):
    model = vgg16.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    models_dir = tmp_path / "keras" / "models"
    models_dir.mkdir(parents=True)
    path = models_dir / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    values = _legacy_h5(model, path)
    monkeypatch.setattr(vgg16, "WEIGHTS_MD5_NO_TOP", _md5(path))
    loaded = keras.applications.vgg16.VGG16(weights="imagenet", include_top=False,
                                            input_shape=(180, 180, 3))
    assert all(np.array_equal(v, w.numpy()) for v, w in zip(values, loaded.weights))
    by_path = vgg16.VGG16(weights=str(path), include_top=False)
    assert np.array_equal(by_path.weights[-1].numpy(), values[-1])


def test_imagenet_weights_downloaded_verified_and_cached(tmp_path, monkeypatch):
    model = mobilenet_v2.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False,
                                     weights=None)
    fname = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    values = _legacy_h5(model, tmp_path / "served.h5", weight_suffix="")
    server = lib.Server()
    try:
        with open(tmp_path / "served.h5", "rb") as f:
            server.put("mobilenet_v2/" + fname, f.read())
        monkeypatch.setattr(mobilenet_v2, "BASE_WEIGHT_PATH", server.url("mobilenet_v2/"))
        loaded = keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35,
                                                include_top=False, weights="imagenet")
        again = keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35,
                                               include_top=False, weights="imagenet")
        assert server.requests == ["/mobilenet_v2/" + fname]  # the second came from the cache
    finally:
        server.close()
    assert os.path.isfile(tmp_path / "keras" / "models" / fname)
    for model_ in (loaded, again):
        assert all(np.array_equal(v, w.numpy()) for v, w in zip(values, model_.weights))


def test_failed_download_names_the_url_and_the_cache_path(tmp_path, monkeypatch):
    server = lib.Server()
    monkeypatch.setattr(vgg16, "WEIGHTS_PATH_NO_TOP", server.url("missing_notop.h5"))
    try:
        with pytest.raises(OSError) as info:
            vgg16.VGG16(weights="imagenet", include_top=False)
    finally:
        server.close()
    message = str(info.value)
    assert server.url("missing_notop.h5") in message and "HTTP 404" in message
    assert str(tmp_path / "keras" / "models" /
               "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5") in message


def test_decode_predictions_reads_the_cached_class_index(tmp_path, monkeypatch):
    models_dir = tmp_path / "keras" / "models"
    models_dir.mkdir(parents=True)
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = models_dir / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    preds = np.zeros((1, 1000), np.float32)
    preds[0, [3, 7]] = [0.25, 0.75]
    server = lib.Server()
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", server.url("index.json"))
    try:  # the cached file's hash is not Keras's: it is fetched again, and that fails
        with pytest.warns(RuntimeWarning, match="incomplete or outdated"), \
                pytest.raises(OSError, match="imagenet_class_index.json"):
            keras.applications.vgg16.decode_predictions(preds, top=2)
    finally:
        server.close()
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX_MD5", _md5(path))
    decoded = keras.applications.mobilenet_v2.decode_predictions(tf.constant(preds), top=2)
    assert [r[:2] for r in decoded[0]] == [("n00000007", "class_7"), ("n00000003", "class_3")]
    assert decoded[0][0][2] == pytest.approx(0.75)


# --- the course patterns ------------------------------------------------------------------
def test_chollet_feature_extraction_then_fine_tuning():
    conv_base = keras.applications.vgg16.VGG16(weights=None, include_top=False,
                                               input_shape=(32, 32, 3))
    images = np.random.RandomState(0).uniform(0, 255, (8, 32, 32, 3)).astype("float32")
    labels = np.random.RandomState(1).randint(0, 2, 8)
    features = conv_base.predict(keras.applications.vgg16.preprocess_input(
        tf.constant(images)), verbose=0)
    assert features.shape == (8, 1, 1, 512)
    conv_base.trainable = False
    assert len(conv_base.trainable_weights) == 0
    inputs = keras.Input(shape=(32, 32, 3))
    x = keras.layers.RandomFlip("horizontal")(inputs)
    x = keras.applications.vgg16.preprocess_input(x)
    x = conv_base(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(16, name="hidden")(x)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="out")(x)
    model = keras.Model(inputs, outputs)
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    before = [w.numpy().copy() for w in model.weights]
    model.fit(images, labels, epochs=1, batch_size=8, verbose=0)
    changed = {w.path for b, w in zip(before, model.weights) if not np.array_equal(b, w.numpy())}
    assert changed == {"hidden/kernel", "hidden/bias", "out/kernel", "out/bias"}
    conv_base.trainable = True
    for layer in conv_base.layers[:-4]:
        layer.trainable = False
    assert [w.path for w in conv_base.trainable_weights] == [
        f"block5_conv{i}/{k}" for i in (1, 2, 3) for k in ("kernel", "bias")]
    model.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.RMSprop(learning_rate=1e-5), metrics=["accuracy"])
    before = [w.numpy().copy() for w in conv_base.weights]
    model.fit(images, labels, epochs=1, batch_size=8, verbose=0)
    changed = [w.path for b, w in zip(before, conv_base.weights)
               if not np.array_equal(b, w.numpy())]
    assert changed == [w.path for w in conv_base.trainable_weights]


def test_tf_transfer_learning_tutorial_counts():
    base_model = tf.keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False,
                                                   weights=None)
    image_batch = np.random.RandomState(0).uniform(0, 255, (4, 32, 32, 3)).astype("float32")
    assert base_model(image_batch).shape == (4, 1, 1, 1280)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=(32, 32, 3))
    x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base_model(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = tf.keras.layers.Dense(1)(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-4),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name="accuracy")])
    assert len(model.trainable_variables) == 2
    moving = base_model.get_layer("bn_Conv1").moving_mean.numpy().copy()
    model.fit(image_batch, np.array([0, 1, 0, 1]), epochs=1, verbose=0)
    assert np.array_equal(moving, base_model.get_layer("bn_Conv1").moving_mean.numpy())
    base_model.trainable = True
    for layer in base_model.layers[:100]:
        layer.trainable = False
    assert len(model.trainable_variables) == 56  # the tutorial's count
