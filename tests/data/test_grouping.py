"""scan, group_by_window, bucket_by_sequence_length, sample/choose_from_datasets,
rejection_resample and reduce's argument convention, with the examples (and printed
results) of TensorFlow's API docs and tf.data guide; tf.py_function in a map."""
import numpy as np
import pytest

import tapeflow as tf

Dataset = tf.data.Dataset


def values(ds):
    return [np.asarray(v).tolist() for v in ds.as_numpy_iterator()]


def test_reduce_passes_a_tuple_element_whole():
    # the tf.data guide's class count: reduce_func(counts, batch), batch = (features, labels)
    labels = np.array([0, 1, 0, 0, 1, 0], np.int32)
    ds = Dataset.from_tensor_slices((np.zeros((6, 2), np.float32), labels)).batch(4)

    def count(counts, batch):
        features, labels = batch
        counts['class_0'] += tf.reduce_sum(tf.cast(labels == 0, tf.int32))
        counts['class_1'] += tf.reduce_sum(tf.cast(labels == 1, tf.int32))
        return counts

    counts = ds.reduce(initial_state={'class_0': 0, 'class_1': 0}, reduce_func=count)
    assert (int(counts['class_0']), int(counts['class_1'])) == (4, 2)


def test_scan_running_sum():  # tf.data.Dataset.scan's docstring
    ds = Dataset.range(10).scan(initial_state=tf.constant(0, dtype=tf.int64),
                                scan_func=lambda state, i: (state + i, state + i))
    assert values(ds) == [0, 1, 3, 6, 10, 15, 21, 28, 36, 45]
    applied = Dataset.range(4).apply(tf.data.experimental.scan(
        np.int64(0), lambda s, i: (s + i, s)))
    assert values(applied) == [0, 0, 1, 3]


def test_group_by_window():  # Dataset.group_by_window's docstring
    ds = Dataset.range(10).group_by_window(
        key_func=lambda x: x % 2, reduce_func=lambda key, ds: ds.batch(5), window_size=5)
    assert values(ds) == [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]
    partial = Dataset.range(7).group_by_window(
        lambda x: x % 3, lambda key, w: w.batch(2).map(lambda b: (key, b)), window_size=2)
    got = [(int(k), b.tolist()) for k, b in partial.as_numpy_iterator()]
    assert got == [(0, [0, 3]), (1, [1, 4]), (2, [2, 5]), (0, [6])]  # leftovers by key
    sized = Dataset.range(6).group_by_window(lambda x: x % 2, lambda k, w: w.batch(9),
                                             window_size_func=lambda k: k + 1)
    assert values(sized) == [[0], [2], [1, 3], [4], [5]]
    with pytest.raises(ValueError, match="exactly one"):
        Dataset.range(3).group_by_window(lambda x: x, lambda k, w: w)


ELEMENTS = [[0], [1, 2, 3, 4], [5, 6, 7], [7, 8, 9, 10, 11], [13, 14, 15, 16, 19, 20], [21, 22]]


def _ragged():
    return Dataset.from_generator(lambda: ELEMENTS, tf.int64, output_shapes=[None])


def test_bucket_by_sequence_length():  # Dataset.bucket_by_sequence_length's docstring
    ds = _ragged().bucket_by_sequence_length(
        element_length_func=lambda elem: tf.shape(elem)[0],
        bucket_boundaries=[3, 5], bucket_batch_sizes=[2, 2, 2])
    assert values(ds) == [[[1, 2, 3, 4], [5, 6, 7, 0]],
                          [[7, 8, 9, 10, 11, 0], [13, 14, 15, 16, 19, 20]],
                          [[0, 0], [21, 22]]]
    # pad_to_bucket_boundary pads to boundary - 1; bucket sizes of one batch each element
    short = Dataset.from_generator(lambda: [[1], [2, 3], [4, 5, 6]], tf.int64,
                                   output_shapes=[None])
    padded = short.bucket_by_sequence_length(lambda e: tf.shape(e)[0], [3, 5], [1, 1, 1],
                                             pad_to_bucket_boundary=True, padding_values=-1)
    assert values(padded) == [[[1, -1]], [[2, 3]], [[4, 5, 6, -1]]]
    plain = short.apply(tf.data.experimental.bucket_by_sequence_length(
        lambda e: tf.shape(e)[0], [2, 3], [5, 5, 5], no_padding=True))
    assert values(plain) == [[[1]], [[2, 3]], [[4, 5, 6]]]  # partial buckets, by key
    with pytest.raises(ValueError, match="len\\(bucket_batch_sizes\\)"):
        short.bucket_by_sequence_length(lambda e: tf.shape(e)[0], [3], [1])


def test_sample_from_datasets():
    a, b = Dataset.range(0, 3), Dataset.range(100, 103)
    out = [int(x) for x in Dataset.sample_from_datasets([a, b], weights=[0.5, 0.5], seed=3)]
    assert sorted(out) == [0, 1, 2, 100, 101, 102]
    assert [x for x in out if x < 100] == [0, 1, 2]  # each input keeps its order
    first = [int(x) for x in Dataset.sample_from_datasets([a, b], seed=3)]
    assert first == out  # uniform weights by default; a seed repeats the draw
    heavy = Dataset.sample_from_datasets([Dataset.from_tensors(0).repeat(),
                                          Dataset.from_tensors(1).repeat()], [0.9, 0.1], 0)
    share = np.mean([int(x) for x in heavy.take(2000)])
    assert 0.07 < share < 0.13
    stop = Dataset.sample_from_datasets([Dataset.range(1), Dataset.range(5, 100)], seed=0,
                                        stop_on_empty_dataset=True)
    assert len(list(stop)) < 50
    with pytest.raises(ValueError, match="weights"):
        Dataset.sample_from_datasets([a, b], weights=[1.0])
    exp = tf.data.experimental.sample_from_datasets([a, b], [0.5, 0.5], seed=3)
    assert sorted(int(x) for x in exp) == [0, 1, 2, 100, 101, 102]


def test_choose_from_datasets():  # Dataset.choose_from_datasets's docstring
    datasets = [Dataset.from_tensors("foo").repeat(), Dataset.from_tensors("bar").repeat(),
                Dataset.from_tensors("baz").repeat()]
    choice_dataset = Dataset.range(3).repeat(3)
    result = Dataset.choose_from_datasets(datasets, choice_dataset)
    assert [x.numpy() for x in result] == [b"foo", b"bar", b"baz"] * 3
    short = [Dataset.range(1), Dataset.range(10, 13)]
    choice = Dataset.from_tensor_slices(np.array([0, 0, 1, 1], np.int64))
    assert values(Dataset.choose_from_datasets(short, choice)) == [0]  # stops when empty
    assert values(tf.data.experimental.choose_from_datasets(short, choice)) == [0, 10, 11]


@pytest.mark.parametrize("initial_dist", [[0.6, 0.4], None])
def test_rejection_resample_balances(initial_dist):  # its docstring, with 4000 elements
    rng = np.random.default_rng(0)
    elems = rng.choice(2, size=4000, p=[0.8, 0.2]).astype(np.int64)
    if initial_dist is not None:
        initial_dist = [0.8, 0.2]
    dataset = Dataset.from_tensor_slices(elems).rejection_resample(
        class_func=lambda x: x, target_dist=[0.5, 0.5], initial_dist=initial_dist, seed=1)
    pairs = list(dataset.as_numpy_iterator())
    assert all(c == d for c, d in pairs)  # (class, element)
    share = np.mean([d for _, d in pairs])
    assert 0.44 < share < 0.56
    guide = Dataset.from_tensor_slices((np.zeros((50, 3), np.float32), elems[:50]))
    resampler = tf.data.experimental.rejection_resample(
        lambda features, label: label, target_dist=[0.5, 0.5], initial_dist=[0.8, 0.2])
    balanced = guide.apply(resampler).map(lambda extra_label, features_and_label:
                                          features_and_label)
    features, labels = next(iter(balanced.batch(10)))
    assert features.shape[1:] == (3,) and labels.dtype == tf.int64


def test_py_function_in_map_with_set_shape():  # the tf.data guide's random rotation
    images = np.arange(2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3)
    ds = Dataset.from_tensor_slices((images, np.array([b"a", b"b"])))

    def rotate(image):
        return np.rot90(image.numpy())

    def tf_rotate(image, label):
        im_shape = image.shape
        [image, ] = tf.py_function(rotate, [image], [tf.float32])
        image.set_shape(im_shape)
        return image, label

    out = [(im.numpy(), lab.numpy()) for im, lab in ds.map(tf_rotate)]
    np.testing.assert_array_equal(out[1][0], np.rot90(images[1]))
    assert out[0][1] == b"a"
    with pytest.raises(ValueError, match="not compatible"):
        tf.constant([1.0]).set_shape([2])
    got = tf.numpy_function(lambda x, y: (x + y, x * y), [tf.constant(2), 3],
                            [tf.int64, tf.float32])
    assert [g.dtype for g in got] == [tf.int64, tf.float32] and float(got[1]) == 6.0


def test_py_function_runs_at_every_call_of_a_tf_function():
    calls = []

    def side(x):
        calls.append(1)
        return x.numpy() + len(calls)

    @tf.function
    def f(x):
        return tf.py_function(side, [x], tf.float32) * 2.0

    assert [float(f(tf.constant(0.0))) for _ in range(4)] == [2.0, 4.0, 6.0, 8.0]
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.py_function(lambda v: v * v, [x], tf.float32)
    assert float(tape.gradient(y, x)) == 6.0
