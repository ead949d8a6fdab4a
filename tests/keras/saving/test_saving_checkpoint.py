"""ModelCheckpoint and BackupAndRestore during fit."""
import json
import os
import re

import numpy as np
import pytest
from saving_testlib import seq_mlp

from tapeflow import keras
from tapeflow.keras import saving
from tapeflow.keras.saving import BackupAndRestore, ModelCheckpoint


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int32) + (x[:, 1] > 0).astype(np.int32)
    return x, y


def _model(seed=1):
    keras.utils.set_random_seed(seed)
    model = seq_mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _fit(model, callbacks, epochs=3, **kwargs):
    x, y = _data()
    return model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0,
                     validation_data=(x[:8], y[:8]), callbacks=callbacks, **kwargs)


def test_filepath_template_with_epoch_and_logs(tmp_path):
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    history = _fit(_model(), [ModelCheckpoint(pattern)])
    expected = {f"ckpt-{e + 1:02d}-{v:.2f}.keras"
                for e, v in enumerate(history.history["val_loss"])}
    assert set(os.listdir(tmp_path)) == expected
    last = sorted(expected)[-1]
    assert saving.load_model(tmp_path / last).optimizer.iterations.numpy() == 12


def test_save_best_only_saves_on_improvement(tmp_path):
    pattern = str(tmp_path / "best-{epoch}.weights.h5")
    ckpt = ModelCheckpoint(pattern, monitor="val_loss", save_best_only=True,
                           save_weights_only=True, mode="min")
    history = _fit(_model(), [ckpt], epochs=5)
    best, saved = None, set()
    for epoch, value in enumerate(history.history["val_loss"]):
        if best is None or value < best:
            best = value
            saved.add(f"best-{epoch + 1}.weights.h5")
    assert set(os.listdir(tmp_path)) == saved
    assert ckpt.best == pytest.approx(min(history.history["val_loss"]))


def test_auto_mode_maximises_accuracy(tmp_path):
    ckpt = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_accuracy",
                           save_best_only=True)
    _fit(_model(), [ckpt], epochs=1)
    assert ckpt.monitor_op(0.9, 0.8)  # greater is better


def test_initial_value_threshold_blocks_worse_values(tmp_path):
    ckpt = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True,
                           initial_value_threshold=0.0)  # no val_loss is below 0
    _fit(_model(), [ckpt])
    assert os.listdir(tmp_path) == []


def test_save_weights_only_file_loads_into_same_architecture(tmp_path):
    model = _model()
    _fit(model, [ModelCheckpoint(str(tmp_path / "w.weights.h5"), save_weights_only=True)])
    fresh = _model(seed=2)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        saving.load_weights(fresh, tmp_path / "w.weights.h5")  # its Adam is not built
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_freq_in_batches(tmp_path):
    pattern = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    _fit(_model(), [ModelCheckpoint(pattern, save_freq=3, save_weights_only=True)], epochs=2)
    # 4 batches per epoch; every 3rd batch counted across epochs: batches 3, 6 -> e2 b2
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.weights.h5", "e2-b2.weights.h5"]


def test_verbose_messages(tmp_path, capsys):
    ckpt = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, verbose=1)
    _fit(_model(), [ckpt], epochs=1)
    out = capsys.readouterr().out
    # Keras 3.15.1's two lines: before the save, and once it is written
    path = tmp_path / "m.keras"
    assert re.search(rf"\nEpoch 1: val_loss improved from None to \d+\.\d{{5}}, saving model to "
                     rf"{re.escape(str(path))}\n\nEpoch 1: finished saving model to "
                     rf"{re.escape(str(path))}\n", out), out


def test_checkpoint_argument_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.keras`"):
        ModelCheckpoint(str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match=r"`\.weights\.h5`"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")
    ckpt = ModelCheckpoint(str(tmp_path / "{nope}.keras"))
    with pytest.raises(KeyError, match="nope.*Available keys"):
        _fit(_model(), [ckpt], epochs=1)


class _Interrupt(keras.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("interrupted")


def test_backup_and_restore_resumes_exactly(tmp_path):
    reference = _model()
    _fit(reference, [], epochs=4)
    model = _model()
    backup = BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="interrupted"):
        _fit(model, [backup, _Interrupt(2)], epochs=4)
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        assert json.load(f) == {"epoch": 2, "batch": 0}
    resumed = _model(seed=7)  # a fresh process would rebuild the model like this
    history = _fit(resumed, [backup], epochs=4)
    assert len(history.history["loss"]) == 2  # epochs 3 and 4 only
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert int(resumed.optimizer.iterations.numpy()) == 16
    assert not os.path.exists(tmp_path / "backup")  # deleted after a finished fit


def test_backup_kept_and_double_checkpoint_fallback(tmp_path):
    backup_dir = tmp_path / "b"
    backup = BackupAndRestore(str(backup_dir), delete_checkpoint=False,
                              double_checkpoint=True)
    _fit(_model(), [backup], epochs=2)
    assert sorted(os.listdir(backup_dir)) == [
        "latest.weights.h5", "latest.weights.h5.bkp", "training_metadata.json",
        "training_metadata.json.bkp"]
    (backup_dir / "latest.weights.h5").write_bytes(b"corrupted")
    model = _model()
    history = _fit(model, [backup], epochs=3)
    assert len(history.history["loss"]) == 2  # restored from the .bkp of epoch 1


def test_backup_needs_a_built_model(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="must be built before"):
        model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), verbose=0,
                  callbacks=[BackupAndRestore(str(tmp_path / "b"))])
