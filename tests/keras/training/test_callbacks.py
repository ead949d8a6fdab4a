"""Callbacks inside fit: hook order, EarlyStopping, LR schedules, CSV, NaN handling."""
import csv
import math

import numpy as np
import pytest

from tapeflow import keras


X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
Y = np.array([[1.0], [1.0], [2.0], [2.0]])


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        attr = object.__getattribute__(self, name)
        if name.startswith("on_") and callable(attr):
            def hook(*args, **kwargs):
                index = [a for a in args if isinstance(a, int)]
                self.calls.append(name + (f"({index[0]})" if index else ""))
                return attr(*args, **kwargs)
            return hook
        return attr


def test_hook_order_in_fit_with_validation(linear_model):
    rec = Recorder()
    model = linear_model(lr=0.01)
    model.fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:2], Y[:2]), verbose=0,
              callbacks=[rec])
    epoch = ["on_train_batch_begin({})", "on_batch_begin({})", "on_train_batch_end({})",
             "on_batch_end({})"]
    body = [h.format(b) for b in (0, 1) for h in epoch]
    validation = ["on_test_begin", "on_test_batch_begin(0)", "on_test_batch_end(0)",
                  "on_test_end"]
    expected = ["on_train_begin"]
    for e in (0, 1):
        expected += [f"on_epoch_begin({e})"] + body + validation + [f"on_epoch_end({e})"]
    expected += ["on_train_end"]
    assert [c for c in rec.calls if not c.startswith("set_")] == expected
    assert rec.model is model and rec.params == {"verbose": 0, "epochs": 2, "steps": 2}


def test_hook_order_in_evaluate_and_predict(linear_model):
    rec = Recorder()
    model = linear_model()
    model.evaluate(X, Y, batch_size=3, verbose=0, callbacks=[rec])
    model.predict(X, batch_size=3, verbose=0, callbacks=[rec])
    assert rec.calls == [
        "on_test_begin", "on_test_batch_begin(0)", "on_test_batch_end(0)",
        "on_test_batch_begin(1)", "on_test_batch_end(1)", "on_test_end",
        "on_predict_begin", "on_predict_batch_begin(0)", "on_predict_batch_end(0)",
        "on_predict_batch_begin(1)", "on_predict_batch_end(1)", "on_predict_end"]


def test_batch_and_epoch_logs_content(linear_model):
    logs_seen = {}

    def keep(name):
        return lambda *args: logs_seen.setdefault(name, dict(args[-1]))
    cb = keras.callbacks.LambdaCallback(
        on_train_batch_end=keep("batch"), on_epoch_end=keep("epoch"),
        on_test_batch_end=keep("test_batch"), on_predict_batch_end=keep("predict"))
    model = linear_model(metrics=["mae"])
    model.fit(X, Y, epochs=1, validation_data=(X, Y), verbose=0, callbacks=[cb])
    model.predict(X, verbose=0, callbacks=[cb])
    assert list(logs_seen["batch"]) == ["loss", "mae"]
    assert list(logs_seen["epoch"]) == ["loss", "mae", "val_loss", "val_mae"]
    assert list(logs_seen["test_batch"]) == ["loss", "mae"]
    assert logs_seen["predict"]["outputs"].shape == (4, 1)


def scripted(monitor, values, weights_log=None):
    """A callback (put before the one under test) that sets logs[monitor] per epoch."""
    def on_epoch_end(epoch, logs):
        logs[monitor] = values[epoch]
        if weights_log is not None:
            weights_log.append(cb.model.get_weights())
    cb = keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)
    return cb


def _fit(callbacks, epochs=10, lr=0.01):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([np.array([[1.0], [2.0]], np.float32), np.array([0.5], np.float32)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    history = model.fit(X, Y, epochs=epochs, batch_size=4, verbose=0, callbacks=callbacks)
    return model, history


def test_early_stopping_patience():
    values = [1.0, 0.8, 0.9, 0.85, 0.7, 0.9, 0.95, 0.99, 1.0, 1.0]
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    _, history = _fit([scripted("val_loss", values), stop])
    # Best 0.8 at epoch 1; epochs 2 and 3 do not improve -> stop after epoch 3.
    assert len(history.history["loss"]) == 4 and stop.stopped_epoch == 3
    assert stop.best == 0.8


def test_early_stopping_min_delta_and_max_mode():
    values = [0.5, 0.505, 0.508, 0.6, 0.6, 0.6]
    stop = keras.callbacks.EarlyStopping(monitor="val_acc", mode="max", min_delta=0.01,
                                         patience=1)
    _, history = _fit([scripted("val_acc", values), stop])
    assert len(history.history["loss"]) == 2  # 0.505 is not 0.01 better than 0.5


def test_early_stopping_restore_best_weights():
    values = [1.0, 0.5, 0.9, 0.9, 0.9]
    weights = []
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2,
                                         restore_best_weights=True)
    model, history = _fit([scripted("val_loss", values, weights), stop], lr=0.05)
    assert len(history.history["loss"]) == 4 and stop.best_epoch == 1
    for got, want in zip(model.get_weights(), weights[1]):
        np.testing.assert_array_equal(got, want)
    assert not np.array_equal(weights[1][0], weights[3][0])  # the weights did move


def test_early_stopping_baseline():
    values = [0.9, 0.95, 0.92, 0.93, 0.94, 0.96, 0.97]
    plain = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)
    _, history = _fit([scripted("val_loss", values), plain])
    assert len(history.history["loss"]) == 4  # best at epoch 0, three epochs of waiting
    # With a baseline the best epoch does not reset the wait unless it beats 0.5,
    # so the patience runs out one epoch earlier.
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, baseline=0.5)
    _, history = _fit([scripted("val_loss", values), stop])
    assert len(history.history["loss"]) == 3 and stop.stopped_epoch == 2
    beaten = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, baseline=0.95)
    _, history = _fit([scripted("val_loss", values), beaten])
    assert len(history.history["loss"]) == 4


def test_early_stopping_start_from_epoch():
    values = [0.1, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, start_from_epoch=3)
    _, history = _fit([scripted("val_loss", values), stop])
    # Epochs 0-2 are ignored; best 0.7 at epoch 3, epoch 4 worse -> stop after 5 epochs.
    assert len(history.history["loss"]) == 5


def test_early_stopping_on_real_accuracy_infers_max(blobs, classifier):
    x, y = blobs
    stop = keras.callbacks.EarlyStopping(monitor="accuracy", patience=100)
    classifier().fit(x, y, epochs=2, verbose=0, callbacks=[stop])
    assert stop.monitor_op(1.0, 0.5)  # bigger is better


def test_early_stopping_missing_monitor_warns():
    stop = keras.callbacks.EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="val_loss"):
        _fit([stop], epochs=1)


def test_reduce_lr_on_plateau():
    values = [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2,
                                               min_lr=0.002)
    model, history = _fit([scripted("val_loss", values), reduce], epochs=7, lr=0.01)
    # Epochs 1, 2 without improvement -> 0.005 at the end of epoch 2; epoch 3 improves;
    # epochs 4, 5 -> max(0.0025, 0.002) at the end of epoch 5; epoch 6: wait 1.
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025], rtol=1e-6)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.0025)


def test_reduce_lr_cooldown_and_bad_factor():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        keras.callbacks.ReduceLROnPlateau(factor=1.5)
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=1,
                                               cooldown=2)
    _, history = _fit([scripted("val_loss", [1.0] * 6), reduce], epochs=6, lr=1.0)
    # Reduce after epoch 1 (cooldown 2); epoch 2 cools down (1 left); epoch 3 ends the
    # cooldown and, still no improvement, counts and reduces again; epoch 5 cools down.
    np.testing.assert_allclose(history.history["learning_rate"],
                               [1.0, 1.0, 0.1, 0.1, 0.01, 0.01], rtol=1e-6)


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.0 if epoch == 0
                                                     else 0.1 / epoch)
    weights = []
    model, history = _fit([schedule, scripted("unused", [0] * 3, weights)], epochs=3)
    np.testing.assert_allclose(history.history["learning_rate"], [0.0, 0.1, 0.05],
                               rtol=1e-6)
    np.testing.assert_array_equal(weights[0][0], [[1.0], [2.0]])  # lr 0: unchanged


def test_learning_rate_scheduler_old_one_argument_form_and_verbose(capsys):
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 0.5, verbose=1)
    _fit([schedule], epochs=1)
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in \
        capsys.readouterr().out
    with pytest.raises(ValueError, match="should be a float"):
        _fit([keras.callbacks.LearningRateScheduler(lambda epoch, lr: "fast")], epochs=1)


def test_csv_logger(tmp_path, linear_model):
    path = tmp_path / "log.csv"
    model = linear_model(lr=0.01, metrics=["mae"])
    history = model.fit(X, Y, epochs=2, validation_data=(X, Y), verbose=0,
                        callbacks=[keras.callbacks.CSVLogger(path)])
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    assert float(rows[2][1]) == history.history["loss"][1]
    assert float(rows[1][4]) == history.history["val_mae"][0]
    model.fit(X, Y, epochs=1, verbose=0,
              callbacks=[keras.callbacks.CSVLogger(path, separator=";", append=True)])
    lines = open(path).read().splitlines()
    assert len(lines) == 4 and lines[3].startswith("0;")  # appended, no second header


def test_terminate_on_nan_stops_cleanly(capsys, linear_model):
    x = np.array([[1.0, 0.0]] * 4 + [[np.nan, 0.0]] * 2 + [[1.0, 1.0]] * 4)
    y = np.ones((10, 1))
    batches = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batches.append(batch))
    model = linear_model(lr=0.01)
    history = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN(), record])
    assert batches == [0, 1, 2]  # the NaN batch is the third
    assert len(history.history["loss"]) == 1 and math.isnan(history.history["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_raise_error(linear_model):
    x = np.array([[np.nan, 0.0]] * 4)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        linear_model().fit(x, np.ones((4, 1)), verbose=0,
                           callbacks=[keras.callbacks.TerminateOnNaN(raise_error=True)])


def test_stop_training_from_a_batch_callback(linear_model):
    def stop(batch, logs):
        if batch == 1:
            cb.model.stop_training = True
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=stop)
    model = linear_model(lr=0.01)
    history = model.fit(X, Y, batch_size=1, epochs=5, verbose=0, callbacks=[cb])
    assert len(history.history["loss"]) == 1


def test_callbacks_must_be_callback_objects(linear_model):
    with pytest.raises(TypeError, match="LambdaCallback"):
        linear_model().fit(X, Y, verbose=0, callbacks=[lambda *a: None])


def test_saving_callbacks_reachable_from_keras_callbacks():
    from tapeflow.keras.saving import checkpoint
    assert keras.callbacks.ModelCheckpoint is checkpoint.ModelCheckpoint
    assert keras.callbacks.BackupAndRestore is checkpoint.BackupAndRestore
    assert issubclass(keras.callbacks.ModelCheckpoint, keras.callbacks.Callback)
