"""Batching: casts once, views when not shuffling, seeded shuffles, splits, generators."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import data_adapter as da
from tapeflow.keras import fit_inputs
from tapeflow.tensor import Tensor


def _x(n=10, d=2, dtype=np.float64):
    return np.arange(n * d, dtype=dtype).reshape(n, d)


def test_batches_include_the_partial_last_batch():
    adapter = da.ArrayDataAdapter(_x(18), np.arange(18), batch_size=4)
    sizes = [len(x) for x, y in adapter.epoch()]
    assert adapter.num_batches == 5 and sizes == [4, 4, 4, 4, 2]


def test_default_batch_size_is_32():
    adapter = da.ArrayDataAdapter(_x(70), np.arange(70))
    assert adapter.batch_size == 32 and adapter.num_batches == 3


def test_float64_is_cast_once_and_unshuffled_batches_are_views():
    x64 = _x(8)
    adapter = da.ArrayDataAdapter(x64, np.arange(8), batch_size=4)
    stored = adapter._arrays[0]
    assert stored.dtype == np.float32
    batches = list(adapter.epoch())
    for x, y in batches:
        assert isinstance(x, Tensor) and x._value.dtype == np.float32
        assert np.shares_memory(x._value, stored)   # a slice, not a copy
        assert y._value.dtype.kind == "i"  # integer labels keep their type
    assert da.ArrayDataAdapter(_x(8, dtype=np.float32), None)._arrays[0].dtype == np.float32


def test_float32_input_is_not_copied():
    x32 = _x(8, dtype=np.float32)
    adapter = da.ArrayDataAdapter(x32, None, batch_size=4)
    assert adapter._arrays[0] is x32


def test_shuffle_uses_the_global_seed_and_a_reused_buffer():
    def order(seed):
        tf.random.set_seed(seed)
        adapter = da.ArrayDataAdapter(_x(10, 1), np.arange(10), batch_size=4, shuffle=True)
        rows, buffers = [], set()
        for x, y in adapter.epoch():
            rows.extend(y._value.tolist())
            buffers.add(x._value.__array_interface__["data"][0])
        return rows, buffers
    a, bufs = order(3)
    b, _ = order(3)
    c, _ = order(4)
    assert a == b and a != c and sorted(a) == list(range(10))
    assert len(bufs) == 1  # every batch lands in the same preallocated buffer


def test_shuffled_batches_keep_x_and_y_aligned():
    tf.random.set_seed(0)
    x = _x(9, 1, np.float32)
    adapter = da.ArrayDataAdapter(x, np.arange(9) * 2.0, batch_size=4, shuffle=True)
    for xb, yb in adapter.epoch():
        np.testing.assert_array_equal(2 * xb._value[:, 0], yb._value)


def test_validation_split_takes_the_last_fraction():
    x, y = _x(10), np.arange(10)
    (tx, ty, _), (vx, vy, _) = fit_inputs.train_validation_split((x, y, None), 0.25)
    # floor(10 * 0.75) = 7 training samples, the last 3 validate.
    np.testing.assert_array_equal(ty, np.arange(7))
    np.testing.assert_array_equal(vy, [7, 8, 9])
    assert np.shares_memory(vx, x)


def test_validation_split_too_small():
    with pytest.raises(ValueError, match="not sufficient to split"):
        fit_inputs.train_validation_split((_x(1), np.arange(1), None), 0.5)


def test_cardinality_error_names_both_lengths():
    with pytest.raises(ValueError, match=r"x sizes: 18.*y sizes: 17"):
        da.ArrayDataAdapter(_x(18), np.arange(17))


def test_class_weight_to_sample_weights():
    sw = da.class_weight_to_sample_weights(np.array([0, 1, 2, 1]), {0: 1.0, 1: 3.0})
    np.testing.assert_array_equal(sw, [1.0, 3.0, 1.0, 3.0])
    one_hot = np.eye(3)[[2, 0]]
    np.testing.assert_array_equal(da.class_weight_to_sample_weights(one_hot, {2: 0.5}),
                                  [0.5, 1.0])
    np.testing.assert_array_equal(
        da.class_weight_to_sample_weights(np.array([[1], [0]]), {1: 4}), [4.0, 1.0])


def test_class_weight_and_sample_weight_together_is_an_error():
    with pytest.raises(ValueError, match="cannot `class_weight` and `sample_weight`"):
        da.ArrayDataAdapter(_x(4), np.arange(4), sample_weight=np.ones(4),
                            class_weight={0: 2.0})


def test_batches_pack_like_keras():
    x = _x(4)
    assert len(next(iter(da.ArrayDataAdapter(x, None, batch_size=2).epoch()))) == 1
    assert len(next(iter(da.ArrayDataAdapter(x, np.ones(4), batch_size=2).epoch()))) == 2
    three = next(iter(da.ArrayDataAdapter(x, np.ones(4), np.ones(4), batch_size=2).epoch()))
    assert len(three) == 3


def test_multi_input_dict_and_list():
    x = {"a": _x(6), "b": np.ones((6, 3))}
    adapter = da.ArrayDataAdapter(x, [np.zeros(6), np.ones((6, 1))], batch_size=4)
    xb, yb = next(iter(adapter.epoch()))
    assert set(xb) == {"a", "b"} and xb["b"].shape == (4, 3)
    assert isinstance(yb, list) and yb[1].shape == (4, 1)


def test_nested_python_lists_are_one_array():
    adapter = da.get_data_adapter([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0, 1, 0],
                                  batch_size=2)
    assert isinstance(adapter, da.ArrayDataAdapter)
    xb, yb = next(iter(adapter.epoch()))
    assert xb.shape == (2, 2) and xb.dtype == tf.float32


def test_tensors_are_accepted():
    adapter = da.get_data_adapter(tf.constant(_x(4, dtype=np.float32)), tf.constant([1, 2, 3, 4]),
                                  batch_size=3)
    assert [len(x) for x, _ in adapter.epoch()] == [3, 1]


def test_steps_per_epoch_continues_where_the_last_epoch_stopped():
    adapter = da.ArrayDataAdapter(_x(8, 1), np.arange(8), batch_size=2, steps=3)
    first = [y._value.tolist() for _, y in adapter.epoch()]
    with pytest.warns(UserWarning, match="ran out of data"):
        second = [y._value.tolist() for _, y in adapter.epoch()]
    third = [y._value.tolist() for _, y in adapter.epoch()]
    assert first == [[0, 1], [2, 3], [4, 5]]
    assert second == [[6, 7]]
    assert third == [[0, 1], [2, 3], [4, 5]]


def test_generator_adapter_unpacks_and_casts():
    def gen():
        for i in range(3):
            yield np.full((2, 2), i, np.float64), np.array([i, i]), np.ones(2)
    adapter = da.get_data_adapter(gen())
    batches = list(adapter.epoch())
    assert adapter.num_batches is None and len(batches) == 3
    x, y, sw = batches[2]
    assert x.dtype == tf.float32 and float(x[0, 0]) == 2.0 and sw.shape == (2,)


def test_one_shot_generator_is_exhausted_after_one_epoch():
    adapter = da.get_data_adapter(((np.ones((1, 1)), np.ones(1)) for _ in range(2)))
    assert len(list(adapter.epoch())) == 2
    with pytest.warns(UserWarning, match="ran out of data"):
        assert list(adapter.epoch()) == []
    assert adapter.exhausted


def test_sequence_like_dataset_restarts_each_epoch():
    class Seq:
        epochs_ended = 0

        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.full((3, 1), i, np.float32), np.zeros(3)

        def on_epoch_end(self):
            Seq.epochs_ended += 1
    adapter = da.get_data_adapter(Seq())
    assert adapter.num_batches == 2
    assert len(list(adapter.epoch())) == 2 and len(list(adapter.epoch())) == 2
    assert Seq.epochs_ended == 2


def test_generator_with_y_argument_explains():
    with pytest.raises(ValueError, match="yield \\(x, y\\)"):
        da.get_data_adapter(iter([]), y=np.ones(3))


def test_unpack_rejects_long_tuples():
    with pytest.raises(ValueError, match="tuple of 4 elements"):
        da.unpack_x_y_sample_weight((1, 2, 3, 4))
