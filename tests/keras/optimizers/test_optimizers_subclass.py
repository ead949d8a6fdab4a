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


class MomentumSGD(tf.keras.optimizers.Optimizer):
    """Written as a Keras 3 user writes one: build, update_step and get_config only."""

    def __init__(self, learning_rate=0.1, momentum=0.5, name="momentum_sgd", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        v = self.velocities[self._get_variable_index(variable)]
        self.assign(v, v * self.momentum - gradient * learning_rate)
        self.assign_add(variable, v)

    def get_config(self):
        return dict(super().get_config(), momentum=self.momentum)


def test_a_user_optimizer_with_only_build_update_step_and_get_config_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=MomentumSGD(0.05), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=20, verbose=0).history["loss"]
    assert history[-1] < 0.01 * history[0]
    opt = model.optimizer
    assert opt.gradient_buffers(model.trainable_variables) is None
    assert int(opt.iterations) == 80 and len(opt.variables) == 2 + 2   # + velocities
    assert MomentumSGD.from_config(opt.get_config()).momentum == 0.5


def test_a_user_update_step_matches_the_builtin_momentum_sgd():
    # the same rule by hand and by the built-in (packed) SGD: equal weights after 3 steps
    v1, v2 = tf.Variable([1.0, -2.0]), tf.Variable([1.0, -2.0])
    b1, b2 = tf.Variable([0.5]), tf.Variable([0.5])
    mine, builtin = MomentumSGD(0.1, 0.9), tf.keras.optimizers.SGD(0.1, momentum=0.9)
    for step in range(3):
        g = [tf.constant([0.3 * step, -1.0]), tf.constant([2.0])]
        mine.apply(g, [v1, b1])
        builtin.apply(g, [v2, b2])
    np.testing.assert_allclose(v1.numpy(), v2.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b1.numpy(), b2.numpy(), rtol=1e-6)
