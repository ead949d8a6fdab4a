"""The chapter-4 workflow of Chollet's book on same-format files: IMDB (binary), Reuters
(46 topics) and Boston housing (regression, k-fold) loaded through keras.datasets,
encoded, trained and evaluated. The files plant a signal, so learning is checked too."""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow import keras

from test_keras_file_datasets import npy, npz_bytes, place, ragged  # noqa: E402


def reviews(rng, n, signal_words):
    labels = rng.integers(0, len(signal_words), n)
    seqs = []
    for label in labels:
        words = np.minimum(rng.zipf(1.5, rng.integers(10, 40)), 1990)
        words[::3] = signal_words[label]
        seqs.append([int(w) for w in words])
    return ragged(seqs), labels.astype(np.int64)


def multi_hot(sequences, dimension=1000):
    out = np.zeros((len(sequences), dimension), dtype="float32")
    for i, seq in enumerate(sequences):
        out[i, seq] = 1.0
    return out


def test_imdb_binary_classification(monkeypatch):
    rng = np.random.default_rng(1)
    (x_tr, y_tr), (x_te, y_te) = reviews(rng, 300, [50, 60]), reviews(rng, 100, [50, 60])
    place(monkeypatch, keras.datasets.imdb, "imdb.npz", npz_bytes(
        {"x_train": npy(x_tr), "y_train": npy(y_tr), "x_test": npy(x_te),
         "y_test": npy(y_te)}))
    (train_data, train_labels), (test_data, test_labels) = \
        tf.keras.datasets.imdb.load_data(num_words=1000)
    assert max(max(seq) for seq in train_data) < 1000  # the num_words cut
    assert all(seq[0] == 1 for seq in train_data) and any(2 in seq for seq in train_data)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(multi_hot(train_data), train_labels.astype("float32"), epochs=25,
                        batch_size=64, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    loss, accuracy = model.evaluate(multi_hot(test_data), test_labels, verbose=0)
    assert accuracy > 0.9, (loss, accuracy)


def test_reuters_multiclass_and_padding(monkeypatch):
    rng = np.random.default_rng(2)
    x, y = reviews(rng, 400, list(range(100, 146)))
    place(monkeypatch, keras.datasets.reuters, "reuters.npz",
          npz_bytes({"x": npy(x), "y": npy(y)}))
    (train_data, train_labels), (test_data, test_labels) = \
        keras.datasets.reuters.load_data(num_words=1000)
    assert len(train_data) == 320 and len(test_data) == 80
    padded = keras.preprocessing.sequence.pad_sequences(train_data, maxlen=20)
    assert padded.shape == (320, 20)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(46, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(multi_hot(train_data), keras.utils.to_categorical(train_labels, 46),
              epochs=15, batch_size=32, verbose=0)
    predictions = model.predict(multi_hot(test_data), verbose=0)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)
    assert (predictions.argmax(axis=1) == test_labels).mean() > 0.5


def test_boston_k_fold_regression(monkeypatch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(100, 13)) * 5 + 20
    y = 0.3 * (x[:, 0] - 20) + 1 + rng.normal(scale=0.1, size=100)
    import io
    buf = io.BytesIO()
    np.savez(buf, x=x, y=y)
    place(monkeypatch, keras.datasets.boston_housing, "boston_housing.npz", buf.getvalue())
    (train_data, train_targets), (test_data, _) = keras.datasets.boston_housing.load_data()
    assert train_data.shape == (80, 13) and test_data.shape == (20, 13)
    mean, std = train_data.mean(axis=0), train_data.std(axis=0)
    train_data = (train_data - mean) / std
    k, scores = 4, []
    fold = len(train_data) // k
    for i in range(k):
        val = slice(i * fold, (i + 1) * fold)
        rest = np.r_[0:i * fold, (i + 1) * fold:len(train_data)]
        keras.utils.set_random_seed(i)
        model = keras.Sequential([keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
        model.fit(train_data[rest], train_targets[rest], epochs=60, batch_size=4, verbose=0)
        scores.append(model.evaluate(train_data[val], train_targets[val], verbose=0)[1])
    assert np.mean(scores) < 0.6, scores  # targets spread 1.5: guessing the mean gives ~1.2
