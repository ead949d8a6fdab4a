"""tf.data.Dataset: sources, transformations, element_spec and cardinality, with the
exact patterns of TensorFlow's tf.data guide and "quickstart for experts"."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data.structure import TensorSpec

Dataset = tf.data.Dataset


def plain(v):
    if isinstance(v, tuple):
        return tuple(plain(p) for p in v)
    if isinstance(v, dict):
        return {k: plain(p) for k, p in v.items()}
    return np.asarray(v).tolist()


def values(ds):
    return [plain(v) for v in ds.as_numpy_iterator()]


# --- sources ---------------------------------------------------------------------------
def test_guide_basic_mechanics():
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    assert [elem.numpy() for elem in dataset] == [8, 3, 0, 8, 2, 1]
    it = iter(dataset)
    assert next(it).numpy() == 8
    assert dataset.reduce(0, lambda state, value: state + value).numpy() == 22
    assert dataset.element_spec == TensorSpec((), tf.int32)


def test_guide_dataset_structure():
    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
    assert repr(dataset1.element_spec) == \
        "TensorSpec(shape=(10,), dtype=tf.float32, name=None)"
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random.uniform([4]),
         tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    assert dataset3.element_spec == (TensorSpec((10,), tf.float32),
                                     (TensorSpec((), tf.float32), TensorSpec((100,), tf.int32)))
    for a, (b, c) in dataset3:
        assert (a.shape, b.shape, c.shape) == ((10,), (), (100,))
    assert int(dataset3.cardinality()) == 4


def test_slices_of_dicts_nesting_and_strings():
    ds = Dataset.from_tensor_slices({"a": ([1, 2], [[1.0], [2.0]]), "b": ["x", "yz"]})
    first = next(ds.as_numpy_iterator())
    assert first["a"][0] == 1 and first["a"][1].tolist() == [1.0] and first["b"] == b"x"
    assert ds.element_spec["b"] == TensorSpec((), tf.string)
    assert next(iter(ds))["a"][1].dtype == tf.float32


def test_mismatched_slice_lengths_name_each_component():
    with pytest.raises(ValueError, match=r"same size in their first dimension.*"
                                         r"\[0\]: 6, \[1\]: 5"):
        Dataset.from_tensor_slices((np.zeros((6, 2)), np.zeros(5)))


def test_from_tensors_is_one_element():
    ds = Dataset.from_tensors(([1, 2, 3], "A"))
    assert int(ds.cardinality()) == 1
    (x, s), = list(ds.as_numpy_iterator())
    assert x.tolist() == [1, 2, 3] and s == b"A"


def test_guide_generator_with_args_and_types():
    def count(stop):
        i = 0
        while i < stop:
            yield i
            i += 1
    ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32,
                                                output_shapes=())
    batches = [b.numpy().tolist() for b in ds_counter.repeat().batch(10).take(10)]
    assert batches[0] == list(range(10)) and batches[2] == [20, 21, 22, 23, 24, 0, 1, 2, 3, 4]
    assert len(batches) == 10


def test_guide_generator_series_padded_batch():
    def gen_series():
        i = 0
        while True:
            size = np.random.randint(0, 10)
            yield i, np.random.normal(size=(size,))
            i += 1
    ds_series = tf.data.Dataset.from_generator(
        gen_series, output_types=(tf.int32, tf.float32), output_shapes=((), (None,)))
    ids, sequence_batch = next(iter(ds_series.shuffle(20).padded_batch(10)))
    assert ids.shape == (10,) and ids.dtype == tf.int32
    assert sequence_batch.dtype == tf.float32 and sequence_batch.shape[0] == 10
    assert sequence_batch.shape[1] <= 9


def test_generator_output_signature_checks_shape_and_structure():
    def gen():
        yield np.ones(2), 0
        yield np.ones(3), 1
    sig = (tf.TensorSpec(shape=(2,), dtype=tf.float32), tf.TensorSpec((), tf.int32))
    ds = Dataset.from_generator(gen, output_signature=sig)
    it = iter(ds)
    x, y = next(it)
    assert x.dtype == tf.float32 and y.dtype == tf.int32
    with pytest.raises(ValueError, match=r"yielded an element of shape \(3,\) where an "
                                         r"element of shape \(2,\) was expected"):
        next(it)
    bad = Dataset.from_generator(lambda: iter([1]), output_signature=sig)
    with pytest.raises(TypeError, match="did not match the expected structure"):
        list(bad)


def test_range_zip_counter():
    inc, dec = Dataset.range(100), Dataset.range(0, -100, -1)
    batched = Dataset.zip((inc, dec)).batch(4)
    first = [[int(v) for v in arr.numpy()] for arr in next(iter(batched))]
    assert first == [[0, 1, 2, 3], [0, -1, -2, -3]]
    assert repr(batched) == ("<_BatchDataset element_spec=(TensorSpec(shape=(None,), "
                             "dtype=tf.int64, name=None), TensorSpec(shape=(None,), "
                             "dtype=tf.int64, name=None))>")
    pairs = Dataset.zip((tf.data.experimental.Counter(), Dataset.range(3, 6)))
    assert values(pairs) == [(0, 3), (1, 4), (2, 5)]
    assert int(Dataset.zip({"a": Dataset.range(2), "b": Dataset.range(5)}).cardinality()) == 2


# --- transformations ---------------------------------------------------------------------
def test_batch_drop_remainder_and_spec():
    ds = Dataset.range(10).batch(7, drop_remainder=True)
    assert values(ds) == [list(range(7))]
    assert ds.element_spec == TensorSpec((7,), tf.int64)
    assert int(Dataset.range(10).batch(3).cardinality()) == 4


def test_batch_of_different_shapes_says_what_to_do():
    ds = Dataset.range(1, 4).map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    with pytest.raises(ValueError, match=r"different shapes in component 0\. First element "
                                         r"had shape \(1,\) and element 1 had shape \(2,\)"
                                         r".*padded_batch"):
        list(ds.batch(3))


def test_guide_padded_batch():
    dataset = tf.data.Dataset.range(100)
    dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    dataset = dataset.padded_batch(4, padded_shapes=(None,))
    batches = [b.numpy() for b in dataset.take(2)]
    assert batches[0].tolist() == [[0, 0, 0], [1, 0, 0], [2, 2, 0], [3, 3, 3]]
    assert batches[1].shape == (4, 7)


def test_unbatch_and_rebatch():
    ds = Dataset.from_tensor_slices(np.arange(10)).batch(4)
    assert values(ds.unbatch()) == list(range(10))
    assert values(ds.rebatch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert values(ds.rebatch(3, drop_remainder=True))[-1] == [6, 7, 8]


def test_guide_time_series_map():
    batches = Dataset.range(100000).batch(10, drop_remainder=True)
    features, label = next(iter(batches.map(lambda batch: (batch[:-1], batch[1:]))))
    assert features.numpy().tolist() == list(range(9))
    assert label.numpy().tolist() == list(range(1, 10))


def test_map_spreads_tuples_and_turns_lists_into_tuples():
    ds = Dataset.from_tensor_slices(([1, 2], [10, 20])).map(lambda a, b: [a + b, a])
    assert values(ds) == [(11, 1), (22, 2)]
    assert isinstance(ds.element_spec, tuple)


def test_map_error_names_stage_and_element():
    def broken(x):
        if int(x) == 2:
            raise KeyError("no such key")
        return x
    with pytest.raises(KeyError, match=r"Dataset.map\(broken\) failed on element 2 "
                                       r"array\(shape=\(\), dtype=int64, value=2\)"):
        list(Dataset.range(5).map(broken, num_parallel_calls=tf.data.AUTOTUNE))


def test_filter_take_skip_repeat_enumerate_concatenate():
    ds = Dataset.range(10).filter(lambda x: x % 3 == 0)
    assert values(ds) == [0, 3, 6, 9] and int(ds.cardinality()) == -2
    assert values(Dataset.range(5).skip(3).repeat(2)) == [3, 4, 3, 4]
    assert values(Dataset.range(5).repeat().take(7)) == [0, 1, 2, 3, 4, 0, 1]
    assert int(Dataset.range(5).repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert values(Dataset.range(2).enumerate(5)) == [(5, 0), (6, 1)]
    assert values(Dataset.range(2).concatenate(Dataset.range(7, 9))) == [0, 1, 7, 8]
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        Dataset.range(2).concatenate(Dataset.from_tensor_slices([1.0]))
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(2).repeat())
    assert len(Dataset.range(2).repeat(3)) == 6


def test_cache_runs_the_pipeline_once():
    calls = []

    def record(x):
        calls.append(int(x))
        return x * 2
    ds = Dataset.range(4).map(record).cache()
    assert values(ds) == values(ds) == [0, 2, 4, 6]
    assert calls == [0, 1, 2, 3]


def test_quickstart_for_experts_pattern():
    x_train = np.random.rand(50, 28, 28)
    y_train = np.random.randint(0, 10, 50).astype("uint8")
    x_train = x_train[..., tf.newaxis].astype("float32")
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)
    shapes = [(images.shape, labels.shape) for images, labels in train_ds]
    assert shapes == [((32, 28, 28, 1), (32,)), ((18, 28, 28, 1), (18,))]
    images, labels = next(iter(train_ds))
    assert isinstance(images, tf.Tensor) and labels.dtype == tf.uint8


def test_options_and_structure_helpers():
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = 0
    ds = Dataset.range(3).with_options(options)
    assert ds.options().experimental_distribute.auto_shard_policy == 0
    assert values(ds) == [0, 1, 2]
    assert tf.data.experimental.AUTOTUNE == tf.data.AUTOTUNE == -1
    assert int(tf.data.experimental.cardinality(ds)) == 3


def test_chollet_chapter_8_listings():
    random_numbers = np.random.normal(size=(1000, 16))
    dataset = tf.data.Dataset.from_tensor_slices(random_numbers)
    for i, element in enumerate(dataset):
        assert element.shape == (16,)
        if i >= 2:
            break
    batched_dataset = dataset.batch(32)
    for i, element in enumerate(batched_dataset):
        assert element.shape == (32, 16)
        if i >= 2:
            break
    reshaped_dataset = dataset.map(lambda x: tf.reshape(x, (4, 4)))
    for i, element in enumerate(reshaped_dataset):
        assert element.shape == (4, 4)
        if i >= 2:
            break
    labelled = tf.data.Dataset.from_tensor_slices((random_numbers, np.arange(1000))).batch(64)
    labels = np.concatenate([y for x, y in labelled])
    assert labels.tolist() == list(range(1000))


def test_flat_map_interleave_take_while_shard():
    ds = Dataset.range(1, 6).interleave(lambda x: Dataset.from_tensors(x).repeat(6),
                                        cycle_length=2, block_length=4)
    assert values(ds) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3,
                          4, 4, 5, 5, 5, 5, 5, 5]
    assert values(Dataset.range(3).flat_map(lambda x: Dataset.range(x))) == [0, 0, 1]
    assert values(Dataset.range(10).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    assert values(Dataset.range(10).shard(3, 1)) == [1, 4, 7]
    with pytest.raises(TypeError, match="flat_map: the function must return a Dataset"):
        list(Dataset.range(2).flat_map(lambda x: x))


def test_guide_time_series_windows():
    range_ds = tf.data.Dataset.range(100000)
    window_size = 5
    windows = range_ds.window(window_size, shift=1)
    firsts = [[int(v) for v in sub_ds] for sub_ds in windows.take(2)]
    assert firsts == [[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]
    flat = [int(x) for x in windows.flat_map(lambda x: x).take(7)]
    assert flat == [0, 1, 2, 3, 4, 1, 2]

    def make_window_dataset(ds, window_size=5, shift=1, stride=1):
        windows = ds.window(window_size, shift=shift, stride=stride)

        def sub_to_batch(sub):
            return sub.batch(window_size, drop_remainder=True)
        return windows.flat_map(sub_to_batch)
    ds = make_window_dataset(range_ds, window_size=10, shift=5, stride=3)
    examples = [example.numpy().tolist() for example in ds.take(2)]
    assert examples == [list(range(0, 30, 3)), list(range(5, 35, 3))]

    def dense_1_step(batch):
        return batch[:-1], batch[1:]
    features, labels = next(iter(ds.map(dense_1_step)))
    assert features.shape == (9,) and labels.numpy()[0] == 3
    tail = [[int(v) for v in w] for w in Dataset.range(7).window(3, shift=3)]
    assert tail == [[0, 1, 2], [3, 4, 5], [6]]


def test_text_line_dataset(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_bytes(b"survived,sex\n0,male\r\n1,female\n")
    lines = tf.data.TextLineDataset(str(path))
    assert [line.numpy() for line in lines] == [b"survived,sex", b"0,male", b"1,female"]
    assert values(lines.skip(1).take(1)) == [b"0,male"]


def test_element_specs_are_tf_tensor_specs():
    """tf.TensorSpec and tf.data's element specs are one class, compared as TensorFlow
    does (shape, dtype and name), so `ds.element_spec == (tf.TensorSpec(...), ...)` holds."""
    assert tf.TensorSpec is tf.data.TensorSpec
    ds = tf.data.Dataset.from_tensor_slices(
        (np.zeros((4, 3), np.float32), np.arange(4))).batch(2)
    assert ds.element_spec == (tf.TensorSpec(shape=(None, 3), dtype=tf.float32),
                               tf.TensorSpec(shape=(None,), dtype=tf.int64))
    assert ds.element_spec[0] != tf.TensorSpec(shape=(None, 3), dtype=tf.float32, name="x")
    assert ds.element_spec[0] != tf.TensorSpec(shape=(2, 3), dtype=tf.float32)
