"""keras.utils.timeseries_dataset_from_array returns a tf.data.Dataset of windows:
golden windows worked out by hand from Keras's rules (window i starts at
start_index + i * sequence_stride, steps every sampling_rate, target
targets[start_index + p_i]) and the examples of Keras's docstring and tests."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

windows_of = keras.utils.timeseries_dataset_from_array
Spec = tf.data.TensorSpec  # the class of element_spec (tf.TensorSpec is tf.function's)


def _all(ds):
    """Windows (and targets) of every batch, concatenated."""
    parts = list(ds.as_numpy_iterator())
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate(c).tolist() for c in zip(*parts))
    return np.concatenate(parts).tolist()


def test_windows_with_offset_targets_by_hand():
    x = np.arange(10)
    # data x[:-3] (7 steps), windows of 3 every 2 steps: starts 0, 2, 4 (num_seqs 7-2 = 5)
    ds = windows_of(x[:-3], x[3:], sequence_length=3, sequence_stride=2, batch_size=2)
    assert isinstance(ds, tf.data.Dataset)
    batches = [(w.tolist(), t.tolist()) for w, t in ds.as_numpy_iterator()]
    assert batches == [([[0, 1, 2], [2, 3, 4]], [3, 5]), ([[4, 5, 6]], [7])]
    assert len(ds) == 2 and int(ds.cardinality()) == 2 and ds.cardinality().numpy() == 2


def test_keras_docstring_example_1():
    # indices 0..98, sequence_length 10, sampling_rate 2, sequence_stride 3
    windows = _all(windows_of(np.arange(99), None, 10, sequence_stride=3, sampling_rate=2))
    assert windows[0] == list(range(0, 19, 2))
    assert windows[1] == list(range(3, 22, 2))
    assert windows[2] == list(range(6, 25, 2))
    assert windows[-1] == list(range(78, 97, 2)) and len(windows) == 27


@pytest.mark.parametrize("kwargs, batches, last", [
    (dict(), 19, 2),                     # 92 windows of 9 in 100 steps
    (dict(sampling_rate=2), 17, 4),      # 100 - 8*2 = 84 windows
    (dict(sequence_stride=3), 7, 1),     # starts 0, 3, ..., 90: 31 windows
])
def test_batches_like_keras_tests(kwargs, batches, last):
    data = np.arange(100)
    ds = windows_of(data, data * 2, sequence_length=9, batch_size=5, **kwargs)
    got = list(ds.as_numpy_iterator())
    assert len(got) == batches == len(ds) and got[-1][0].shape[0] == last
    stride, rate = kwargs.get("sequence_stride", 1), kwargs.get("sampling_rate", 1)
    for i, (inputs, targets) in enumerate(got):
        assert (inputs[:, 0] * 2 == targets).all()
        starts = (i * 5 + np.arange(len(inputs))) * stride
        assert inputs.tolist() == [list(range(s, s + 9 * rate, rate)) for s in starts]


def test_start_and_end_index_align_targets():
    data, targets = np.arange(20), np.arange(20) * 100
    ds = windows_of(data, targets, sequence_length=3, sequence_stride=2, sampling_rate=2,
                    batch_size=2, start_index=4, end_index=16)
    # positions 0, 2, 4, 6 of data[4:16] (num_seqs = 12 - 2*2 = 8); target targets[4 + p]
    windows, got_targets = _all(ds)
    assert windows == [[4, 6, 8], [6, 8, 10], [8, 10, 12], [10, 12, 14]]
    assert got_targets == [400, 600, 800, 1000]
    only_end = _all(windows_of(data, None, 4, sequence_stride=5, end_index=12, batch_size=3))
    assert only_end == [[0, 1, 2, 3], [5, 6, 7, 8]]


def test_chollet_chapter_10_windows():
    raw = np.arange(200, dtype="float64").reshape(100, 2)
    temperature = raw[:, 1]
    sampling_rate, sequence_length = 2, 5
    delay = sampling_rate * (sequence_length + 3 - 1)
    val = windows_of(raw[:-delay], targets=temperature[delay:], sampling_rate=sampling_rate,
                     sequence_length=sequence_length, batch_size=8, start_index=50,
                     end_index=70)
    samples, targets = next(iter(val))
    assert samples.shape == (8, 5, 2) and samples.dtype == tf.float64
    # first window: rows 50, 52, ..., 58; its target is temperature[delay + 50]
    assert samples.numpy()[0, :, 1].tolist() == [101.0, 105.0, 109.0, 113.0, 117.0]
    assert targets.numpy()[0] == temperature[delay + 50] == 129.0
    assert sum(int(s.shape[0]) for s, _ in val) == 70 - 50 - 4 * 2
    test = windows_of(raw[:-delay], targets=temperature[delay:], sampling_rate=2,
                      sequence_length=5, batch_size=8, start_index=70)
    assert len(test) == 1 and next(iter(test))[0].shape == (8, 5, 2)


def test_element_spec_and_dtypes():
    ds = windows_of(np.zeros((30, 3), "float32"), np.arange(30), 4, batch_size=8)
    assert ds.element_spec == (Spec((None, None, 3), tf.float32),
                               Spec((None,), tf.int64))
    single = windows_of(np.zeros((30, 3), "float32"), np.arange(30), 4, batch_size=None)
    assert single.element_spec == (Spec((None, 3), tf.float32),
                                   Spec((), tf.int64))
    assert len(single) == 27
    from_lists = windows_of([1, 2, 3, 4, 5], [0.5] * 5, 2, batch_size=None)
    assert from_lists.element_spec == (Spec((None,), tf.int32),
                                       Spec((), tf.float32))
    assert windows_of(np.arange(5), None, 9, batch_size=4).cardinality().numpy() == 0


def test_shuffle_is_seeded_and_reshuffles_each_pass():
    data = np.arange(40)
    ds = windows_of(data, data * 2, sequence_length=5, batch_size=4, shuffle=True, seed=123)
    first = _all(ds)
    assert sorted(first[0]) == [list(range(s, s + 5)) for s in range(36)]
    assert all(w[0] * 2 == t for w, t in zip(*first))
    assert _all(ds) != first  # a new order at each pass, as tf.data reshuffles
    again = windows_of(data, data * 2, sequence_length=5, batch_size=4, shuffle=True,
                       seed=123)
    assert _all(again) == first
    single = windows_of(data, None, 5, batch_size=None, shuffle=True, seed=1)
    assert sorted(_all(single.batch(50))) == [list(range(s, s + 5)) for s in range(36)]


def test_dataset_methods_on_windows():
    ds = windows_of(np.arange(12), np.arange(12), 3, batch_size=4)
    assert len(ds.take(2)) == 2 and len(ds.take(9)) == 3
    rows = list(ds.unbatch().as_numpy_iterator())
    assert len(rows) == 10 and rows[3][0].tolist() == [3, 4, 5] and rows[3][1] == 3
    assert ds.unbatch().cardinality().numpy() == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="length is unknown"):
        len(ds.unbatch())
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    mapped = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 10, y),
                    num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    x, y = next(iter(mapped))
    assert x.dtype == tf.float32 and x.numpy()[1].tolist() == pytest.approx([0.1, 0.2, 0.3])
    assert len(mapped) == 3


def test_fit_evaluate_predict_on_windows():
    series = np.sin(np.arange(80, dtype="float32") / 5)
    ds = windows_of(series[:-4], series[4:], 4, batch_size=16, shuffle=True, seed=0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(ds.prefetch(tf.data.AUTOTUNE), epochs=2, validation_data=ds,
                        verbose=0)
    assert len(history.history["val_loss"]) == 2
    assert np.isfinite(model.evaluate(ds, verbose=0))
    inputs_only = windows_of(series, None, 4, batch_size=16)
    assert model.predict(inputs_only, verbose=0).shape == (77, 1)


def test_windows_split_like_the_tf_tutorial():
    # tf.keras time-series tutorial: windows of 7 steps mapped to (6 inputs, 1 label)
    data = np.arange(60, dtype="float32").reshape(20, 3)

    def split_window(features):
        inputs, labels = features[:, 0:6, :], features[:, 6:, :]
        labels = tf.stack([labels[:, :, 2]], axis=-1)
        inputs.set_shape([None, 6, None])
        labels.set_shape([None, 1, None])
        return inputs, labels

    ds = windows_of(data, None, 7, batch_size=4, shuffle=True).map(split_window)
    inputs, labels = next(iter(ds))
    assert inputs.shape == (4, 6, 3) and labels.shape == (4, 1, 1)
    assert (labels.numpy()[:, 0, 0] == inputs.numpy()[:, -1, 2] + 3).all()
    with pytest.raises(ValueError, match="not compatible"):
        inputs.set_shape([None, 5, None])


@pytest.mark.parametrize("kwargs, message", [
    (dict(start_index=-1), "`start_index` must be 0 or greater. Received: start_index=-1"),
    (dict(start_index=11), "`start_index` must be lower than the length of the data. "
                           "Received: start_index=11, for data of length 10"),
    (dict(end_index=-1), "`end_index` must be higher than 0. Received: end_index=-1"),
    (dict(end_index=11), "`end_index` must be lower than the length of the data"),
    (dict(start_index=5, end_index=4), "`end_index` must be higher than `start_index`. "
                                       "Received: start_index=5, and end_index=4"),
    (dict(sampling_rate=0), "`sampling_rate` must be higher than 0. Received: "
                            "sampling_rate=0"),
    (dict(sampling_rate=10), "`sampling_rate` must be lower than the length"),
    (dict(sequence_stride=0), "`sequence_stride` must be higher than 0"),
    (dict(sequence_length=0), "`sequence_length` must be higher than 0"),
    (dict(format="grain"), '`format` should be "tf"'),
])
def test_argument_errors_name_the_function(kwargs, message):
    kwargs = dict(dict(sequence_length=3), **kwargs)
    with pytest.raises(ValueError, match="timeseries_dataset_from_array: " + message):
        windows_of(np.arange(10), None, **kwargs)


def test_targets_shorter_than_the_windows_need():
    with pytest.raises(ValueError, match=r"targets\[5:20\] has only 5 rows"):
        windows_of(np.arange(20), np.arange(10), 3, start_index=5)
