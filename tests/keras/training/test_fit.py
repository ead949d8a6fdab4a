"""fit / evaluate / predict semantics: keys, splits, running means, weights, shapes."""
import numpy as np
import pytest

from tapeflow import keras


X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
Y = np.array([[1.0], [1.0], [1.0], [1.0], [1.0]])
# With w = (1, 2), b = 0.5 the predictions are 1.5, 2.5, 3.5, 2.5, 4.5;
# squared errors against 1: 0.25, 2.25, 6.25, 2.25, 12.25 (sum 23.25).
SQERR = np.array([0.25, 2.25, 6.25, 2.25, 12.25])


def test_history_keys_params_and_model_history(blobs, classifier):
    x, y = blobs
    model = classifier()
    history = model.fit(x, y, epochs=2, batch_size=8, validation_split=0.2, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 3}  # 24 samples / 8
    assert model.history is history
    assert all(isinstance(v, float) for vs in history.history.values() for v in vs)
    # the default verbose stays "auto" in the params, as in Keras (the bar shows as 1)
    assert model.fit(x, y, epochs=1, verbose="auto").params["verbose"] == "auto"


def test_epoch_loss_is_the_running_mean_weighted_by_batch_size(linear_model):
    model = linear_model(lr=0.0)  # lr 0: the weights never move
    history = model.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    # Batches of 2, 2, 1: batch means 1.25, 4.25, 12.25. Weighted by size:
    # (1.25*2 + 4.25*2 + 12.25*1) / 5 = 23.25 / 5 = 4.65 (the plain mean of the
    # three batch means would be 5.9167).
    assert history.history["loss"][0] == pytest.approx(4.65, rel=1e-6)


def test_sample_weight_scales_each_sample(linear_model):
    model = linear_model(lr=0.0)
    sw = np.array([1.0, 0.0, 2.0, 1.0, 0.0])
    history = model.fit(X, Y, sample_weight=sw, batch_size=2, epochs=1, shuffle=False,
                        verbose=0)
    # Each batch: sum(w * err) / batch size; over the epoch: sum(w * err) / 5.
    # (0.25 + 0 + 12.5 + 2.25 + 0) / 5 = 3.0
    assert history.history["loss"][0] == pytest.approx(3.0, rel=1e-6)
    assert model.evaluate(X, Y, sample_weight=sw, verbose=0) == pytest.approx(3.0, rel=1e-6)


def test_class_weight_becomes_sample_weight(linear_model):
    model = linear_model(lr=0.0, loss="mse")
    labels = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    preds = X @ np.array([1.0, 2.0]) + 0.5
    err = (preds - labels[:, 0]) ** 2
    history = model.fit(X, labels, class_weight={0: 2.0, 1: 0.5}, batch_size=5, epochs=1,
                        verbose=0)
    weights = np.where(labels[:, 0] == 0, 2.0, 0.5)
    assert history.history["loss"][0] == pytest.approx(np.sum(err * weights) / 5, rel=1e-6)


def test_validation_split_holds_out_the_last_samples(blobs, classifier):
    x, y = blobs
    model = classifier(lr=0.1)
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: seen.append(batch))
    history = model.fit(x, y, epochs=1, batch_size=4, validation_split=0.3, verbose=0,
                        callbacks=[record])
    # floor(30 * 0.7) = 21 training samples -> 6 batches; the last 9 validate.
    assert len(seen) == 6 and history.params["steps"] == 6
    val_loss, val_acc = model.evaluate(x[21:], y[21:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-6)
    assert history.history["val_accuracy"][0] == pytest.approx(val_acc)


def test_validation_freq(blobs, classifier):
    x, y = blobs
    history = classifier().fit(x, y, epochs=4, validation_data=(x, y), validation_freq=2,
                               verbose=0)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2


def test_initial_epoch(blobs, classifier):
    x, y = blobs
    history = classifier().fit(x, y, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]


def test_evaluate_return_shapes(linear_model):
    model = linear_model()
    loss = model.evaluate(X, Y, verbose=0)
    assert isinstance(loss, float) and loss == pytest.approx(SQERR.mean(), rel=1e-6)
    model = linear_model(metrics=["mae", "mse"])
    values = model.evaluate(X, Y, verbose=0)
    mae = np.mean(np.sqrt(SQERR))  # |error| = 0.5, 1.5, 2.5, 1.5, 3.5 -> 1.9
    assert values == pytest.approx([4.65, mae, 4.65], rel=1e-6)
    as_dict = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "mae", "mse"]
    assert as_dict["mae"] == pytest.approx(1.9, rel=1e-6)


def test_predict_shapes_and_batches(blobs, classifier):
    x, _ = blobs
    model = classifier()
    full = model.predict(x, batch_size=7, verbose=0)
    assert isinstance(full, np.ndarray) and full.shape == (30, 3) and full.dtype == np.float32
    np.testing.assert_allclose(full, model.predict(x, batch_size=30, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(full[:4], model.predict_on_batch(x[:4]), rtol=1e-6)
    assert model.predict(x, batch_size=7, steps=2, verbose=0).shape == (14, 3)


def _two_output_model():
    inputs = keras.Input((2,))
    a = keras.layers.Dense(1, name="first")(inputs)
    b = keras.layers.Dense(3, activation="softmax", name="second")(inputs)
    return keras.Model(inputs, [a, b])


def test_multi_output_predict_fit_evaluate():
    keras.utils.set_random_seed(1)
    model = _two_output_model()
    out = model.predict(X, verbose=0)
    assert isinstance(out, list) and out[0].shape == (5, 1) and out[1].shape == (5, 3)
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[1.0, 0.5], metrics=[[], ["accuracy"]])
    labels = [Y, np.array([0, 1, 2, 1, 0])]
    history = model.fit(X, labels, epochs=1, verbose=0)
    assert sorted(history.history) == ["first_loss", "loss", "second_accuracy", "second_loss"]
    logs = model.evaluate(X, labels, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["first_loss"] + 0.5 * logs["second_loss"],
                                         rel=1e-5)
    values = model.evaluate(X, labels, verbose=0)
    assert len(values) == 4 and values[0] == pytest.approx(logs["loss"])


@pytest.mark.filterwarnings("ignore:Gradients do not exist")
def test_multi_output_loss_dict_by_output_name():
    keras.utils.set_random_seed(1)
    model = _two_output_model()
    model.compile(optimizer="sgd", loss={"first": "mse", "second": None})
    history = model.fit(X, {"first": Y, "second": np.zeros(5)}, epochs=1, verbose=0)
    assert list(history.history) == ["loss"]


def test_multi_input_as_list_or_dict():
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    xa, xb, y = np.ones((10, 2)), np.ones((10, 3)), np.ones((10, 1))
    as_list = model.evaluate([xa, xb], y, verbose=0)
    assert model.evaluate({"a": xa, "b": xb}, y, verbose=0) == as_list
    history = model.fit([xa, xb], y, validation_split=0.2, epochs=1, verbose=0)
    assert history.params["steps"] == 1 and len(history.history["val_loss"]) == 1
    assert model.predict({"a": xa, "b": xb}, batch_size=4, verbose=0).shape == (10, 1)


def test_generator_input_for_fit_evaluate_predict(blobs, classifier):
    x, y = blobs
    model = classifier()

    def batches(n_rounds):
        for _ in range(n_rounds):
            for start in range(0, 30, 10):
                yield x[start:start + 10], y[start:start + 10]
    history = model.fit(batches(2), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    loss_gen, acc_gen = model.evaluate(batches(1), verbose=0)
    loss_arr, acc_arr = model.evaluate(x, y, batch_size=10, verbose=0)
    assert loss_gen == pytest.approx(loss_arr, rel=1e-6) and acc_gen == pytest.approx(acc_arr)
    assert model.predict((xb for xb, _ in batches(1)), verbose=0).shape == (30, 3)
    history = model.fit(x, y, validation_data=batches(1), epochs=1, verbose=0)
    val_loss, _ = model.evaluate(x, y, batch_size=10, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-6)


def test_generator_without_steps_runs_until_exhausted(blobs, classifier):
    x, y = blobs
    model = classifier()
    gen = ((x[i:i + 10], y[i:i + 10]) for i in range(0, 30, 10))
    history = model.fit(gen, epochs=1, verbose=0)
    assert history.params["steps"] is None and len(history.history["loss"]) == 1


def test_train_test_on_batch(blobs, linear_model, classifier):
    x, y = blobs
    model = classifier()
    loss, acc = model.train_on_batch(x[:8], y[:8])
    assert np.ndim(loss) == 0 and 0.0 <= acc <= 1.0
    logs = model.test_on_batch(x[:8], y[:8], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    single = linear_model().train_on_batch(X, Y)
    assert float(single) == pytest.approx(4.65, rel=1e-6)


def test_same_seed_gives_bit_identical_runs(blobs, classifier):
    x, y = blobs

    def run():
        model = classifier(seed=123, lr=0.1)
        history = model.fit(x, y, epochs=3, batch_size=7, shuffle=True, validation_split=0.1,
                            verbose=0)
        return history.history, model.get_weights()
    h1, w1 = run()
    h2, w2 = run()
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    other = classifier(seed=123, lr=0.1)
    keras.utils.set_random_seed(999)  # same initial weights, different shuffling
    h3 = other.fit(x, y, epochs=3, batch_size=7, validation_split=0.1, verbose=0).history
    assert h3["loss"] != h1["loss"]


def test_same_seed_with_dropout_is_bit_identical(blobs):
    x, y = blobs

    def run():
        keras.utils.set_random_seed(7)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dropout(0.5), keras.layers.Dense(3)])
        model.compile(optimizer="adam", metrics=["accuracy"],
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        return history.history, model.get_weights()
    (h1, w1), (h2, w2) = run(), run()
    assert h1 == h2 and all(np.array_equal(a, b) for a, b in zip(w1, w2))


def test_shuffle_false_is_deterministic_regardless_of_seed(blobs, classifier):
    x, y = blobs
    runs = []
    for seed in (1, 2):
        model = classifier(seed=0)
        keras.utils.set_random_seed(seed)
        runs.append(model.fit(x, y, epochs=2, shuffle=False, verbose=0).history)
    assert runs[0] == runs[1]


def test_float64_and_tensor_inputs(blobs, classifier):
    import tapeflow as tf
    x, y = blobs
    model = classifier()
    h = model.fit(tf.constant(x.astype(np.float32)), tf.constant(y), epochs=1, verbose=0)
    assert np.isfinite(h.history["loss"][0])
    assert model.predict(x.tolist(), verbose=0).shape == (30, 3)
