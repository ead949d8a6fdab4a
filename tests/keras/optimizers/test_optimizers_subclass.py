"""A user subclass that overrides update_step always receives whole Variables."""
import numpy as np

import tapeflow as tf
from tapeflow.keras.optimizers import Adam
from tapeflow.keras.optimizers import parallel


def test_overridden_update_step_is_never_split(monkeypatch):
    seen = []

    class HalfStepAdam(Adam):
        def update_step(self, gradient, variable, learning_rate):
            seen.append(type(variable))
            variable.assign_sub(np.asarray(gradient) * 0.5)

    opt = HalfStepAdam()
    opt._split_policy = parallel.SplitPolicy(force=True)   # the built-in Adam would split
    v = tf.Variable(np.ones((parallel.PARALLEL_MIN_SIZE,), np.float32))
    opt.apply_gradients([(tf.ones(v.shape), v)])
    assert seen == [tf.Variable] and not opt._can_split() and Adam()._can_split()
    np.testing.assert_array_equal(v.numpy(), 0.5)
