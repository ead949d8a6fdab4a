"""Packed updates (optimizers/packing.py) give bit-identical weights to per-variable ones."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras.optimizers import packing

RNG = np.random.default_rng(3)
X = RNG.normal(size=(40, 5)).astype(np.float32)
Y = RNG.normal(size=(40, 2)).astype(np.float32)

OPTIMIZERS = [
    lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    lambda: keras.optimizers.Adam(0.01, amsgrad=True),
    lambda: keras.optimizers.AdamW(0.01, weight_decay=0.1),
    lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    lambda: keras.optimizers.Adagrad(0.1),
    lambda: keras.optimizers.Adamax(0.01),
    lambda: keras.optimizers.Nadam(0.01, clipnorm=0.5),
]


def _train(make_optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, "tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer=make_optimizer(), loss="mse")
    model.fit(X, Y, batch_size=8, epochs=3, verbose=0)
    return model


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS)
def test_packed_updates_match_per_variable_updates(make_optimizer, monkeypatch):
    packed = _train(make_optimizer)
    assert packed.optimizer._packed and packed.optimizer._packed.covers(
        packed.trainable_variables)
    monkeypatch.setattr(packing, "PACK_MAX", 0)
    single = _train(make_optimizer)
    assert single.optimizer._packed is False
    for a, b in zip(packed.get_weights(), single.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(packed.optimizer.variables, single.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_variables_packed_by_another_optimizer_are_updated_one_by_one():
    model = _train(lambda: keras.optimizers.SGD(0.1))
    first = model.optimizer
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)      # the new one packs them anew
    assert not first._packed.covers(model.trainable_variables)
    before = [v.numpy() for v in model.trainable_variables]
    grads = [np.ones_like(b) for b in before]
    first.apply(grads, model.trainable_variables)              # still updates them
    for v, b in zip(model.trainable_variables, before):
        np.testing.assert_allclose(v.numpy(), b - 0.1, rtol=1e-6)


def test_a_user_update_step_is_never_packed():
    class Halving(keras.optimizers.Optimizer):
        def update_step(self, gradient, variable, learning_rate):
            assert isinstance(variable, keras.Variable)
            variable.assign(variable * 0.5)

    model = _train(lambda: Halving(0.1))
    assert getattr(model.optimizer, "_packed", False) is False
    assert model.optimizer.gradient_buffers(model.trainable_variables) is None


def test_fresh_gradients_of_a_larger_model_are_not_copied_in(monkeypatch):
    model = _train(lambda: keras.optimizers.Adam(0.01))
    opt, variables = model.optimizer, model.trainable_variables
    fresh = [np.full(v.shape, 0.1, np.float32) for v in variables]
    assert opt._packed.gather(fresh) is opt._packed.grad              # 34 values: copied
    monkeypatch.setattr(packing, "COPY_MAX", 10)
    assert opt._packed.gather(fresh) is None                          # too many: skipped
    before = [v.numpy() for v in variables]
    opt.apply(fresh, variables)                                        # per variable instead
    assert all((v.numpy() != b).all() for v, b in zip(variables, before))


def test_only_fits_own_gradient_views_skip_the_gradient_checks():
    model = _train(lambda: keras.optimizers.SGD(0.1))
    packed = model.optimizer._packed
    assert packed.owns(packed.grad_views)
    assert not packed.owns([g.copy() for g in packed.grad_views])
    assert not packed.owns(packed.grad_views[:-1])
    # copies still go through the checks: a wrong shape is reported, not broadcast
    bad = [g.copy() for g in packed.grad_views]
    bad[0] = bad[0][:1]
    with pytest.raises(ValueError, match="has shape"):
        model.optimizer.apply(bad, model.trainable_variables)
