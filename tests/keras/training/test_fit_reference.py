"""fit reproduces, step by step, a plain-NumPy re-implementation of Keras's semantics.

Network: 3 -> Dense(4, tanh, kernel_regularizer=L2(0.01)) -> Dense(2, softmax), loss
categorical cross-entropy, SGD(learning_rate=0.1), 18 samples in batches of 4 (the
last batch has 2), shuffle=False, 3 epochs. Keras's rules, written out below:
  batch loss   = mean over the batch of -sum(y * log p)  +  0.01 * sum(W1**2)
  update       = w -= 0.1 * dloss/dw   (dloss/dz = (p - y) / batch_size for softmax + CE)
  epoch loss   = sum_b(loss_b * n_b) / 18          (running mean weighted by batch size)
  epoch acc    = correct predictions over the epoch / 18 (counted before each update)
  val_loss     = mean cross-entropy over the validation set + the L2 term (end of epoch)
"""
import numpy as np
import pytest

from tapeflow import keras

LR, L2, BATCH, EPOCHS = 0.1, 0.01, 4, 3


def _data():
    rng = np.random.default_rng(42)
    x = rng.normal(size=(18, 3))
    y = np.eye(2)[rng.integers(0, 2, size=18)]
    xv = rng.normal(size=(5, 3))
    yv = np.eye(2)[rng.integers(0, 2, size=5)]
    w = [rng.normal(size=(3, 4)) * 0.5, rng.normal(size=4) * 0.1,
         rng.normal(size=(4, 2)) * 0.5, rng.normal(size=2) * 0.1]
    return x, y, xv, yv, w


def _forward(w, x):
    h = np.tanh(x @ w[0] + w[1])
    z = h @ w[2] + w[3]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return h, e / e.sum(axis=1, keepdims=True)


def _loss(w, x, y):
    _, p = _forward(w, x)
    ce = -np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=1)
    return ce.mean() + L2 * np.sum(w[0] ** 2)


def _numpy_fit(x, y, xv, yv, w):
    w = [a.astype(np.float64).copy() for a in w]
    history = {"accuracy": [], "loss": [], "val_accuracy": [], "val_loss": []}
    for _ in range(EPOCHS):
        loss_sum, correct = 0.0, 0
        for start in range(0, len(x), BATCH):
            xb, yb = x[start:start + BATCH], y[start:start + BATCH]
            n = len(xb)
            h, p = _forward(w, xb)
            loss_sum += _loss(w, xb, yb) * n
            correct += np.sum(p.argmax(1) == yb.argmax(1))
            dz = (p - yb) / n
            da = (dz @ w[2].T) * (1 - h ** 2)
            grads = [xb.T @ da + 2 * L2 * w[0], da.sum(0), h.T @ dz, dz.sum(0)]
            w = [wi - LR * gi for wi, gi in zip(w, grads)]
        history["loss"].append(loss_sum / len(x))
        history["accuracy"].append(correct / len(x))
        history["val_loss"].append(_loss(w, xv, yv))
        history["val_accuracy"].append(np.mean(_forward(w, xv)[1].argmax(1) == yv.argmax(1)))
    return history, w


def _keras_model(w):
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(4, activation="tanh", kernel_regularizer=keras.regularizers.L2(L2)),
        keras.layers.Dense(2, activation="softmax")])
    model.set_weights([a.astype(np.float32) for a in w])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LR),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_matches_the_numpy_reimplementation_step_by_step():
    x, y, xv, yv, w = _data()
    expected, w_expected = _numpy_fit(x, y, xv, yv, w)
    model = _keras_model(w)
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                        validation_data=(xv, yv), verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in expected:
        np.testing.assert_allclose(history.history[key], expected[key], rtol=0, atol=1e-6,
                                   err_msg=key)
    for got, want in zip(model.get_weights(), w_expected):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_each_batch_matches_too():
    """The running logs after every batch: the weighted mean of the batch losses so far."""
    x, y, xv, yv, w = _data()
    model = _keras_model(w)
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["loss"]))
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0, callbacks=[record])
    w64 = [a.astype(np.float64) for a in w]
    total, count, expected = 0.0, 0, []
    for start in range(0, 18, BATCH):
        xb, yb = x[start:start + BATCH], y[start:start + BATCH]
        h, p = _forward(w64, xb)
        total, count = total + _loss(w64, xb, yb) * len(xb), count + len(xb)
        expected.append(total / count)
        dz = (p - yb) / len(xb)
        da = (dz @ w64[2].T) * (1 - h ** 2)
        grads = [xb.T @ da + 2 * L2 * w64[0], da.sum(0), h.T @ dz, dz.sum(0)]
        w64 = [wi - LR * gi for wi, gi in zip(w64, grads)]
    np.testing.assert_allclose(seen, expected, rtol=0, atol=1e-6)


def test_evaluate_matches_the_numpy_loss():
    x, y, xv, yv, w = _data()
    model = _keras_model(w)
    loss, acc = model.evaluate(x, y, batch_size=5, verbose=0)
    w64 = [a.astype(np.float64) for a in w]
    assert loss == pytest.approx(_loss(w64, x, y), abs=1e-6)
    assert acc == pytest.approx(np.mean(_forward(w64, x)[1].argmax(1) == y.argmax(1)))
