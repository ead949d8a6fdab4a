"""shuffle's buffer semantics, the row-index fast path, and prefetch's background thread."""
import threading

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data.shuffle import buffer_shuffle

Dataset = tf.data.Dataset


def orders(ds, passes=2):
    return [[int(v) for v in ds.as_numpy_iterator()] for _ in range(passes)]


def test_buffer_of_one_keeps_the_order_and_full_buffer_permutes():
    assert orders(Dataset.range(20).shuffle(1), 1)[0] == list(range(20))
    first, second = orders(Dataset.range(20).shuffle(20))
    assert sorted(first) == sorted(second) == list(range(20))
    assert first != second  # reshuffle_each_iteration=True


def test_buffer_limits_how_far_an_element_moves_forward():
    """TF's buffer: output k is drawn among inputs 0 .. k + buffer_size - 1."""
    for seed in range(20):
        out = orders(Dataset.range(50).shuffle(5, seed=seed), 1)[0]
        assert sorted(out) == list(range(50))
        assert all(v < k + 5 for k, v in enumerate(out))


def test_first_draw_is_uniform_over_the_buffer():
    counts = np.zeros(10)
    for seed in range(3000):
        counts[next(buffer_shuffle(range(10), 4, np.random.default_rng(seed)))] += 1
    assert counts[4:].sum() == 0
    np.testing.assert_allclose(counts[:4] / 3000, 0.25, atol=0.03)


def test_seed_and_reshuffle_each_iteration():
    a = orders(Dataset.range(30).shuffle(10, seed=7))
    b = orders(Dataset.range(30).shuffle(10, seed=7))
    assert a == b and a[0] != a[1]
    fixed = orders(Dataset.range(30).shuffle(10, seed=7, reshuffle_each_iteration=False))
    assert fixed[0] == fixed[1]
    tf.random.set_seed(3)
    c = orders(Dataset.range(30).shuffle(10))
    tf.random.set_seed(3)
    assert orders(Dataset.range(30).shuffle(10)) == c


@pytest.mark.parametrize("buffer_size", [1, 7, 64, 1000])
def test_index_fast_path_matches_the_element_path(buffer_size):
    """from_tensor_slices(...).shuffle().batch() gathers batches from row indices; the
    same pipeline through a map (element by element) gives the same batches."""
    x = np.arange(200).reshape(100, 2)
    y = np.arange(100) % 3

    def pipeline(identity):
        ds = Dataset.from_tensor_slices((x, y))
        if identity:
            ds = ds.map(lambda a, b: (a, b))
        return ds.shuffle(buffer_size, seed=11).repeat(2).skip(3).take(150).batch(16)
    fast, slow = pipeline(False), pipeline(True)
    assert fast._input._index_source() is not None and slow._input._index_source() is None
    for (fx, fy), (sx, sy) in zip(fast.as_numpy_iterator(), slow.as_numpy_iterator()):
        np.testing.assert_array_equal(fx, sx)
        np.testing.assert_array_equal(fy, sy)
    assert [b[0].shape[0] for b in fast.as_numpy_iterator()] == [16] * 9 + [6]


def test_unshuffled_batches_are_views_of_the_arrays():
    x = np.arange(20.0).reshape(10, 2)
    first = next(Dataset.from_tensor_slices(x).batch(4).as_numpy_iterator())
    assert np.shares_memory(first, x)


def test_prefetch_produces_ahead_in_another_thread():
    produced_second = threading.Event()
    threads = []

    def gen():
        threads.append(threading.current_thread().name)
        yield 0
        produced_second.set()
        yield 1
    ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int32))
    it = iter(ds.prefetch(1))
    assert int(next(it)) == 0
    # Without a producer thread, element 1 would only be made by the next next() call.
    assert produced_second.wait(timeout=10)
    assert int(next(it)) == 1 and threads == ["tapeflow-prefetch"]


def test_prefetch_hands_errors_over_and_stops_when_abandoned():
    def explode(x):
        if int(x) == 3:
            raise ValueError("bad element")
        return x
    with pytest.raises(ValueError, match=r"Dataset.map\(explode\) failed on element 3"):
        list(Dataset.range(5).map(explode).prefetch(tf.data.AUTOTUNE))
    before = threading.active_count()
    for _ in range(5):
        for x in Dataset.range(10**9).prefetch(2):
            break
    for t in threading.enumerate():
        if t.name == "tapeflow-prefetch":
            t.join(timeout=5)
    assert threading.active_count() <= before


def test_batches_kept_by_the_caller_are_never_overwritten():
    """Shuffled batches are gathered into reused buffers only once nothing refers to
    them: batches kept in a list (or their tensors) stay intact."""
    x = np.arange(400.0).reshape(200, 2)
    ds = Dataset.from_tensor_slices((x, np.arange(200))).shuffle(200, seed=4).batch(16)
    kept = list(ds.as_numpy_iterator())
    tensors = [b for b in ds]
    for batches in (kept, [tuple(t.numpy() for t in b) for b in tensors]):
        for bx, by in batches:
            np.testing.assert_array_equal(bx, x[by])
        assert sorted(np.concatenate([by for _, by in batches]).tolist()) == list(range(200))
    ids = set()
    for bx, _ in ds.as_numpy_iterator():
        ids.add(id(bx))
        del bx
    assert len(ids) < 12  # 13 batches, 12 full ones gathered into a few reused buffers
