"""fit / evaluate / predict on tf.data datasets (the tf.data guide's Keras section)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import progbar
from tapeflow.keras.traced_step import TracedTrainStep


def fashion_like(n=96, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((n, 6, 6)).astype("float32")
    labels = (images.mean(axis=(1, 2)) > 0.5).astype(np.int32) + 2 * (images[:, 0, 0] > 0.5)
    return images, labels.astype(np.int32)


def small_model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((6, 6)), keras.layers.Flatten(),
                              keras.layers.Dense(4)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def test_guide_keras_section():
    images, labels = fashion_like()
    fmnist_train_ds = tf.data.Dataset.from_tensor_slices((images, labels))
    fmnist_train_ds = fmnist_train_ds.shuffle(5000).batch(32)
    model = small_model()
    history = model.fit(fmnist_train_ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    model.fit(fmnist_train_ds.repeat(), epochs=2, steps_per_epoch=20, verbose=0)
    loss, accuracy = model.evaluate(fmnist_train_ds, verbose=0)
    assert 0.0 <= accuracy <= 1.0 and loss > 0
    model.evaluate(fmnist_train_ds.repeat(), steps=10, verbose=0)
    predict_ds = tf.data.Dataset.from_tensor_slices(images).batch(32)
    assert model.predict(predict_ds, steps=2, verbose=0).shape == (64, 4)
    assert model.predict(fmnist_train_ds, verbose=0).shape == (96, 4)


def test_dataset_and_arrays_train_identically():
    images, labels = fashion_like()
    a, b = small_model(), small_model()
    a.fit(images, labels, batch_size=16, epochs=2, shuffle=False, verbose=0)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16).prefetch(2)
    b.fit(ds, epochs=2, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_fit_on_a_dataset_replays_the_traced_step():
    images, labels = fashion_like(100)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(100).batch(16)
    model = small_model()
    model.fit(ds, epochs=1, verbose=0)  # 6 batches of 16, then one of 4
    step = model.make_train_function()
    assert isinstance(step, TracedTrainStep) and step.replaying()


def test_validation_data_dataset_and_validation_steps():
    images, labels = fashion_like()
    train = tf.data.Dataset.from_tensor_slices((images, labels)).batch(32)
    val = tf.data.Dataset.from_tensor_slices((images[:40], labels[:40])).batch(8)
    model = small_model()
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    vl = model.evaluate(val, verbose=0)[0]
    np.testing.assert_allclose(history.history["val_loss"][-1], vl, rtol=1e-6)
    model.fit(train, validation_data=val.repeat(), validation_steps=2, epochs=1, verbose=0)


def test_infinite_dataset_needs_steps_and_y_is_refused():
    images, labels = fashion_like()
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(32)
    model = small_model()
    with pytest.raises(ValueError, match="infinite dataset, you must specify the number of "
                                         "steps"):
        model.fit(ds.repeat(), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`y` and `sample_weight` arguments are not "
                                         "supported"):
        model.fit(ds, labels, verbose=0)


def test_class_weight_with_a_dataset():
    images, labels = fashion_like()
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(32)
    model = small_model()
    model.fit(ds, class_weight={0: 1.0, 1: 2.0, 2: 1.0, 3: 1.0}, verbose=0)


def test_unknown_length_progress_bar(capsys, monkeypatch):
    """Keras: `  3/Unknown ...` lines during the first epoch, then it knows the count."""
    monkeypatch.setattr(progbar, "_interactive", lambda: True)
    images, labels = fashion_like()
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).filter(
        lambda x, y: y < 3).batch(8)
    n = int(np.ceil(np.sum(labels < 3) / 8))
    model = small_model()
    model.fit(ds, epochs=2, verbose=1)
    out = capsys.readouterr().out
    first, second = out.split("Epoch 2/2")
    assert "Epoch 1/2" in first and "1/Unknown" in first
    assert f"{n}/{n}" in first  # the finishing line
    assert "Unknown" not in second and f"1/{n}" in second


def test_empty_dataset_is_an_error():
    model = small_model()
    empty = tf.data.Dataset.from_tensor_slices((np.zeros((0, 6, 6), "float32"),
                                                np.zeros(0, "int32"))).batch(4)
    with pytest.raises(ValueError, match="produced no batches"):
        model.fit(empty, verbose=0)


def test_prefetched_map_with_ops_keeps_the_traced_step_exact():
    """map runs tapeflow ops in the prefetch thread while fit traces in the main one
    (tapes and traces are per thread): same weights as the same pipeline without it."""
    images, labels = fashion_like()
    base = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    scaled = base.map(lambda x, y: (tf.cast(x, tf.float32) * 2.0, y))
    a, b = small_model(), small_model()
    a.fit(base.map(lambda x, y: (x * 2.0, y)), epochs=2, verbose=0)
    b.fit(scaled.prefetch(tf.data.AUTOTUNE), epochs=2, verbose=0)
    assert b.make_train_function().replaying()
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_normalization_adapts_on_a_dataset_of_features():
    x = np.arange(40.0, dtype="float32").reshape(20, 2)
    ds = tf.data.Dataset.from_tensor_slices((x, np.zeros(20))).batch(6)
    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(ds.map(lambda features, label: features))
    np.testing.assert_allclose(normalizer(x[:2]).numpy(), (x[:2] - x.mean(0)) / x.std(0),
                               rtol=1e-5)


def test_unbatched_dataset_error_says_to_batch():
    images, labels = fashion_like()
    model = small_model()
    with pytest.raises(ValueError, match=r"must be batched: add \.batch\(32\)"):
        model.fit(tf.data.Dataset.from_tensor_slices((images, labels)), verbose=0)
