"""tapeflow.trace: a replayed Program computes what the eager ops and the tape compute."""
import numpy as np

import tapeflow as tf
from tapeflow.trace import Trace, _keywords, build_program, same_program


def _step(x, w, b, c):
    with tf.GradientTape() as tape, Trace(tape) as trace:
        h = tf.nn.relu(tf.matmul(x, w) + b)          # b broadcast over the batch
        with tape.stop_recording():
            scale = tf.reduce_max(h) * 0.0 + 2.0     # replayed, not differentiated
        loss = tf.reduce_mean(tf.square(h * scale - c)) + tf.reduce_sum(w * w)
    return tape, trace, loss


def test_replay_matches_eager_values_and_tape_gradients():
    rng = np.random.default_rng(0)
    w = tf.Variable(rng.normal(size=(3, 4)).astype(np.float32))
    b = tf.Variable(np.zeros((1, 4), np.float32))
    c = tf.constant(0.5)
    x = tf.constant(rng.normal(size=(5, 3)).astype(np.float32))
    tape, trace, loss = _step(x, w, b, c)
    program = build_program(trace, feeds=[x], variables=[w, b], loss=loss, outputs=[])
    assert program is not None
    new_x = rng.normal(size=(5, 3)).astype(np.float32)
    replayed, _, grads = program.run([new_x])
    tape2, _, eager_loss = _step(tf.constant(new_x), w, b, c)
    expected = tape2.gradient(eager_loss, [w, b])
    assert replayed == eager_loss.numpy()
    for got, want in zip(grads, expected):
        np.testing.assert_array_equal(got, want.numpy())
    assert grads[1].shape == (1, 4)                 # broadcasting undone


def test_reading_a_value_or_assigning_marks_the_trace_escaped():
    v = tf.Variable([1.0, 2.0])
    with Trace() as trace:
        y = v * 2.0
        float(tf.reduce_sum(y))
    assert trace.escaped == "float(tensor)"
    assert build_program(trace, [], [v], tf.reduce_sum(y), []) is None
    with Trace() as trace:
        v.assign_add([1.0, 1.0])
    assert trace.escaped == "Variable.assign_add()"


def test_programs_with_different_constants_are_not_the_same():
    v = tf.Variable([1.0, 2.0])
    programs = []
    for const in ([1.0, 1.0], [1.0, 3.0], [1.0, 3.0]):
        with tf.GradientTape() as tape, Trace(tape) as trace:
            loss = tf.reduce_sum(v * tf.constant(const))
        programs.append(build_program(trace, [], [v], loss, []))
    assert not same_program(programs[0], programs[1])   # a per-step array constant
    assert not same_program(programs[1], programs[2])   # equal values, new objects
    scalars = []
    for _ in range(2):
        with tf.GradientTape() as tape, Trace(tape) as trace:
            loss = tf.reduce_sum(v * 3.0)                # a literal: equal scalars
        scalars.append(build_program(trace, [], [v], loss, []))
    assert same_program(*scalars)


def test_bad_arguments_say_what_was_expected():
    import pytest
    v = tf.Variable([1.0, 2.0])
    x = tf.constant([1.0, 1.0])
    with tf.GradientTape() as tape, Trace(tape) as trace:
        loss = tf.reduce_sum(v * x)
    with pytest.raises(TypeError, match=r"build_program: feeds must be tf.Tensor objects .* "
                                        r"got ndarray"):
        build_program(trace, [np.ones(2)], [v], loss, [])
    program = build_program(trace, [x], [v], loss, [])
    with pytest.raises(ValueError, match=r"Program.run: expected 1 feed arrays .* got 2"):
        program.run([np.ones(2, np.float32)] * 2)


def test_op_attributes_become_named_keywords_only_when_they_can():
    ns = {}
    assert _keywords(ns, "a0", {"axis": 1, "keepdims": True}) == ["axis=a0_0", "keepdims=a0_1"]
    assert ns == {"a0_0": 1, "a0_1": True}
    for odd in ({"from": 1}, {"not-a-name": 2}):   # a keyword, a non-identifier
        ns = {}
        assert _keywords(ns, "k3", odd) == ["**k3"] and ns == {"k3": odd}
    assert _keywords({}, "a1", {}) == []
