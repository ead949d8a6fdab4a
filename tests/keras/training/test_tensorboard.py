"""The TensorBoard callback and tf.summary: event files checked with tapeflow's own
record reader (framing, both CRCs, protobuf fields) and, where the `tensorboard`
package is installed, with TensorBoard's own EventAccumulator."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.summary import records


def events_in(directory) -> list:
    files = glob.glob(os.path.join(directory, "events.out.tfevents.*"))
    return [e for path in sorted(files) for e in records.read_events(path)]


def scalars(events, tag) -> list:
    return [(e["step"], v["simple_value"]) for e in events for v in e.get("summary", [])
            if v["tag"] == tag and "simple_value" in v]


def test_crc32c_check_values():
    assert records.crc32c(b"123456789") == 0xE3069283
    assert records.crc32c(bytes(32)) == 0x8A9136AA
    assert records.crc32c(b"\xff" * 32) == 0x62A8AB43


def test_corrupt_record_is_detected(tmp_path):
    path = tmp_path / "events.out.tfevents.1.h"
    data = bytearray(records.frame(records.encode_event(1.0, 1, summary=records.encode_scalar(
        "x", 2.0))))
    path.write_bytes(bytes(data))
    assert scalars(records.read_events(path), "x") == [(1, 2.0)]
    data[20] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(records.RecordError, match="data CRC mismatch"):
        records.read_events(path)
    path.write_bytes(bytes(data[:-3]))
    with pytest.raises(records.RecordError, match="truncated"):
        records.read_events(path)


def test_summary_api_rules(tmp_path):
    assert tf.summary.scalar("x", 1.0, step=0) is False  # no default writer
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("x", 1.0)
        tf.summary.experimental.set_step(7)
        try:
            assert tf.summary.scalar("x", tf.constant(3.0)) is True
        finally:
            tf.summary.experimental.set_step(None)
        with tf.summary.record_if(False):
            assert tf.summary.scalar("skipped", 1.0, step=1) is False
        with tf.summary.record_if(lambda: True):
            tf.summary.histogram("h", [0.0, 1.0, 1.0, 2.0], step=2, buckets=2)
        with pytest.raises(ValueError, match="expects a scalar"):
            tf.summary.scalar("v", [1.0, 2.0], step=0)
    writer.close()
    events = events_in(tmp_path)
    assert events[0]["file_version"] == "brain.Event:2"
    assert scalars(events, "x") == [(7, 3.0)] and scalars(events, "skipped") == []
    histo = next(v["histo"] for e in events for v in e.get("summary", []) if v["tag"] == "h")
    assert histo == {"min": 0.0, "max": 2.0, "num": 4.0, "sum": 4.0, "sum_squares": 6.0,
                     "bucket_limit": [1.0, 2.0], "bucket": [1.0, 3.0]}
    with pytest.raises(RuntimeError, match="closed"):
        with writer.as_default(step=0):
            tf.summary.scalar("late", 1.0)


def fit_with_tensorboard(logdir, **kwargs):
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    callback = keras.callbacks.TensorBoard(str(logdir), **kwargs)
    history = model.fit(x, y, batch_size=10, epochs=3, validation_split=0.25, verbose=0,
                        callbacks=[callback])
    return model, history


def test_fit_writes_keras_tags_and_values(tmp_path):
    model, history = fit_with_tensorboard(tmp_path, histogram_freq=2, update_freq=2)
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train, val = events_in(tmp_path / "train"), events_in(tmp_path / "validation")
    loss = scalars(train, "epoch_loss")
    assert [s for s, _ in loss] == [0, 1, 2]
    np.testing.assert_allclose([v for _, v in loss], history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(val, "epoch_loss")],
                               history.history["val_loss"], rtol=1e-6)
    assert [v for _, v in scalars(train, "epoch_learning_rate")] == pytest.approx([0.01] * 3)
    # 3 batches of 10 per epoch (30 training samples): global batches 1..9, every 2nd
    assert [s for s, _ in scalars(train, "batch_loss")] == [2, 4, 6, 8]
    # one validation batch per epoch: global test batches 1, 2, 3; Keras's record_if keeps
    # the evaluation only when that count is a multiple of update_freq (at iteration 6)
    assert [s for s, _ in scalars(val, "evaluation_mae_vs_iterations")] == [6]
    histograms = {(e["step"], v["tag"]): v["histo"] for e in train
                  for v in e.get("summary", []) if "histo" in v}
    assert sorted(histograms) == [(0, "dense/bias/histogram"), (0, "dense/kernel/histogram"),
                                  (0, "dense_1/bias/histogram"),
                                  (0, "dense_1/kernel/histogram"),
                                  (2, "dense/bias/histogram"), (2, "dense/kernel/histogram"),
                                  (2, "dense_1/bias/histogram"),
                                  (2, "dense_1/kernel/histogram")]
    kernel = model.layers[0].kernel.numpy()
    last = histograms[(2, "dense/kernel/histogram")]
    assert last["num"] == 12 and last["min"] == pytest.approx(kernel.min())
    assert sum(last["bucket"]) == 12
    graph = [v for e in train for v in e.get("summary", []) if v["tag"] == "keras"]
    assert graph[0]["plugin_name"] == "graph_keras_model"
    assert b'"class_name": "Sequential"' in graph[0]["string_val"][0]


def test_epoch_update_freq_writes_no_batch_scalars(tmp_path):
    fit_with_tensorboard(tmp_path, write_graph=False)
    train = events_in(tmp_path / "train")
    tags = {v["tag"] for e in train for v in e.get("summary", [])}
    assert tags == {"epoch_loss", "epoch_mae", "epoch_learning_rate"}
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(str(tmp_path), update_freq="sometimes")


def test_tensorboards_own_reader_opens_the_log(tmp_path):
    pytest.importorskip("tensorboard", reason="the `tensorboard` package (extra "
                        "`tapeflow[tensorboard]`) is not installed: TensorBoard's own "
                        "event reader cannot be tried")
    from tensorboard.backend.event_processing import event_accumulator as ea

    _, history = fit_with_tensorboard(tmp_path, histogram_freq=1, update_freq="batch")
    acc = ea.EventAccumulator(str(tmp_path / "train"),
                              size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0,
                                             ea.TENSORS: 0})
    acc.Reload()
    tags = acc.Tags()
    assert {"epoch_loss", "epoch_mae", "batch_loss"} <= set(tags["scalars"])
    assert "dense/kernel/histogram" in tags["histograms"] and "keras" in tags["tensors"]
    np.testing.assert_allclose([e.value for e in acc.Scalars("epoch_loss")],
                               history.history["loss"], rtol=1e-6)
    assert [e.step for e in acc.Scalars("batch_loss")] == list(range(1, 10))
    histo = acc.Histograms("dense/kernel/histogram")[-1]
    assert histo.step == 2 and histo.histogram_value.num == 12
    val = ea.EventAccumulator(str(tmp_path / "validation"))
    val.Reload()
    np.testing.assert_allclose([e.value for e in val.Scalars("epoch_loss")],
                               history.history["val_loss"], rtol=1e-6)
