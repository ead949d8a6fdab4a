"""GradientTape semantics, from the seed's snippets to TensorFlow's corner cases."""
import numpy as np
import pytest

import tapeflow as tf


def test_seed_snippets_give_tensorflows_numbers():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0

    c = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = c ** 3
    assert float(tape.gradient(y, c)) == 12.0           # 3 * 2**2

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.constant([1.0, 2.0, 3.0])            # non-scalar: gradient of the sum
    assert float(tape.gradient(y, x)) == 6.0


@pytest.mark.parametrize("xs, ys, expected", [
    ((3, 1), (1, 4), np.full((3, 1), 4.0)),
    ((2, 3), (3,), np.ones((2, 3))),
    ((), (2, 3), np.array(6.0)),
])
def test_broadcasting_is_undone(xs, ys, expected):
    x = tf.Variable(tf.ones(xs))
    y = tf.Variable(tf.ones(ys))
    with tf.GradientTape() as tape:
        z = x + y
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_array_equal(gx.numpy(), expected)
    assert gy.shape == ys


def test_dense_bias_gradient_sums_over_the_batch():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    w = tf.Variable(tf.ones((2, 4)))
    b = tf.Variable(tf.zeros((4,)))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul(x, w) + b)
    gw, gb = tape.gradient(y, [w, b])
    np.testing.assert_array_equal(gb.numpy(), [3, 3, 3, 3])
    np.testing.assert_array_equal(gw.numpy(), [[6] * 4, [9] * 4])  # column sums of x


def test_persistent_tape_gives_two_gradients_and_plain_tape_one():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 32.0            # 4 x**3
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="GradientTape.gradient can only be called once "
                                           "on non-persistent tapes."):
        tape.gradient(y, x)


def test_returns_the_structure_of_sources():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * b
    assert isinstance(tape.gradient(y, [a, b]), list)
    assert isinstance(tape.gradient(y, (a, b)), tuple)
    d = tape.gradient(y, {"a": a, "b": b})
    assert float(d["a"]) == 2.0 and float(d["b"]) == 1.0


def test_unconnected_integer_and_unwatched_sources():
    x, u = tf.Variable(1.0), tf.Variable(5.0)
    n = tf.constant(3)
    c = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(n)
        y = x * 2.0 + c
    assert tape.gradient(y, u) is None
    assert float(tape.gradient(y, u, unconnected_gradients="zero")) == 0.0
    assert tape.gradient(y, n) is None
    assert tape.gradient(y, c) is None                    # constants are not watched


def test_list_of_targets_sums_and_output_gradients_weight():
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        y1, y2 = x * 2.0, x * 3.0
    assert float(tape.gradient([y1, y2], x)) == 5.0
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = v * v
    np.testing.assert_array_equal(tape.gradient(y, v, output_gradients=[1.0, 10.0]).numpy(),
                                  [2.0, 40.0])


def test_watch_accessed_variables_off_and_non_trainable():
    x = tf.Variable(1.0)
    frozen = tf.Variable(1.0, trainable=False)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = x * frozen
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        y = x * frozen
    assert tape.gradient(y, frozen) is None
    with tf.GradientTape() as tape:
        tape.watch(frozen)
        y = x * frozen
    assert float(tape.gradient(y, frozen)) == 1.0
    assert tape.watched_variables() == ()  # released after gradient()


def test_stop_recording_stop_gradient_and_reset():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = x * x
        w = tf.stop_gradient(x * x) * x
    assert tape.gradient(z, x) is None
    assert float(tape.gradient(w, x)) == 9.0
    tape.reset()
    assert tape.gradient(y, x) is None


def test_bad_watch_and_target_say_what_they_got():
    with tf.GradientTape() as tape:
        with pytest.raises(TypeError, match="got float"):
            tape.watch(3.0)
    with pytest.raises(TypeError, match="target must be a tf.Tensor.*got ndarray"):
        tape.gradient(np.ones(2), tf.Variable(1.0))


def test_nested_tapes_give_second_derivatives_or_fail_loudly():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    assert float(dy) == 27.0
    assert float(outer.gradient(dy, x)) == 18.0
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.nn.softmax(tf.reshape(x, [1])))
        with pytest.raises(NotImplementedError, match="'softmax' is not supported"):  # no rule
            inner.gradient(y, x)


def test_seed_dense_layer_from_raw_tensors_trains():
    """Section 5-3-2: relu(matmul(x, w) + b), MSE, SGD with assign_sub."""
    tf.random.set_seed(1)
    x = tf.random.normal((64, 4))
    y = tf.reduce_sum(x, axis=1, keepdims=True) * 0.5
    w = tf.Variable(tf.random.normal((4, 1), stddev=0.1))
    b = tf.Variable(tf.zeros((1,)))

    def loss_fn():
        return tf.reduce_mean(tf.square(y - (tf.matmul(x, w) + b)))

    first = float(loss_fn())
    for _ in range(100):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
    assert float(loss_fn()) < first / 100


def test_recording_keeps_references_not_copies():
    x = tf.Variable(tf.ones((100, 100)))
    with tf.GradientTape() as tape:
        y = x * 2.0
    op, inputs, out, attrs = tape._entries[0]
    assert inputs[0] is x and out is y


def test_gradient_buffers_are_filled_in_place_and_match_fresh_gradients():
    from tapeflow.ops.nn import dense
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
    k = tf.Variable(np.ones((3, 2), np.float32))
    b = tf.Variable(np.zeros(2, np.float32))
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(dense(x, k, b, "relu") + dense(x, k, b, "linear"))
    fresh = tape.gradient(y, [k, b])
    bufs = [np.full((3, 2), np.nan, np.float32), np.full(2, np.nan, np.float32)]
    filled = tape.gradient(y, [k, b], buffers=bufs)
    for f, g in zip(fresh, filled):
        np.testing.assert_allclose(g.numpy(), f.numpy(), rtol=1e-6)
    # k feeds two ops: the first writes into its buffer, the second adds a new array
    assert np.isfinite(bufs[0]).all()


def test_tapes_are_thread_local():
    import threading
    x = tf.Variable(2.0)
    seen = {}

    def other_thread():
        seen["y"] = x * 5.0   # computed while the main thread's tape records
        with tf.GradientTape() as own:
            z = x * x
        seen["dz"] = float(own.gradient(z, x))

    with tf.GradientTape() as tape:
        y = x * 3.0
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert float(tape.gradient(y, x)) == 3.0
    assert seen["dz"] == 4.0
    assert len(tape._entries) == 0        # the other thread's ops were never recorded here


def test_the_tape_and_the_trace_share_one_backward_plan():
    from tapeflow.tape import backward_plan
    x, w = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        unused = w * 3.0        # on a path from a source but not to the target
        z = y + 1.0
    plan = backward_plan(tape._entries, [x, w], [z])
    assert [step[0].name for step in plan] == ["add", "multiply"]
    assert all(step[2] is not unused for step in plan)
    assert plan[0][4] == (True, False)      # needs: the constant 1.0 needs no gradient
