"""The traced train step (keras/traced_step.py): replays give the eager step's numbers
bit for bit, and anything a replay could not repeat keeps the step eager."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

RNG = np.random.default_rng(7)
X = RNG.normal(size=(50, 6)).astype(np.float32)
LABELS = RNG.integers(0, 3, 50)


def _mlp():
    return keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(8, "relu", kernel_regularizer="l2"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(3, "softmax")])


def _functional():
    a, b = keras.Input((6,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.Dense(5, "tanh")(a)
    h = keras.layers.Concatenate()([h, b])
    out1 = keras.layers.Dense(3, "softmax", name="cls")(h)
    out2 = keras.layers.Dense(1, name="reg")(h)
    return keras.Model([a, b], [out1, out2])


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(7, "sigmoid")
        self.out = keras.layers.Dense(3, "softmax", use_bias=False)

    def call(self, x, training=False):
        return self.out(self.hidden(x) * 2.0)


def _train(make, eager, compile_kw=None, fit_args=None, **fit_kw):
    keras.utils.set_random_seed(0)
    model = make()
    model.compile(**(compile_kw or dict(optimizer="rmsprop",
                                        loss="sparse_categorical_crossentropy",
                                        metrics=["accuracy"])), run_eagerly=eager)
    history = model.fit(*(fit_args or (X, LABELS)), batch_size=8, epochs=3, verbose=0,
                        **fit_kw)
    return model, history.history


def _assert_same(make, replays=True, **kw):
    eager, eager_hist = _train(make, True, **kw)
    traced, traced_hist = _train(make, False, **kw)
    assert traced_hist == eager_hist
    for a, b in zip(eager.get_weights(), traced.get_weights()):
        np.testing.assert_array_equal(a, b)
    if replays is not None:
        assert traced.make_train_function().replaying() is replays
    return traced


def test_mlp_with_dropout_and_regularizer_replays_bit_for_bit():
    _assert_same(_mlp)


def test_sample_weights_and_validation_replay_bit_for_bit():
    _assert_same(_mlp, sample_weight=np.linspace(0, 1, 50), validation_split=0.2)


def test_functional_two_inputs_two_outputs_replays_bit_for_bit():
    y2 = RNG.normal(size=(50, 1)).astype(np.float32)
    _assert_same(_functional, compile_kw=dict(
        optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"],
        loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["mae"]]),
        fit_args=([X, X[:, :2]], [LABELS, y2]))


def test_subclassed_model_replays_bit_for_bit():
    _assert_same(_Subclassed, compile_kw=dict(optimizer="nadam",
                                              loss="categorical_crossentropy"),
                 fit_args=(X, np.eye(3, dtype=np.float32)[LABELS]))


class _Peeking(keras.layers.Layer):
    """Reads a value in Python: a replay could not repeat that."""

    def call(self, x):
        return x * float(tf.reduce_mean(x))


def test_a_layer_that_reads_values_stays_eager():
    make = lambda: keras.Sequential([keras.Input((6,)), _Peeking(),  # noqa: E731
                                     keras.layers.Dense(3, "softmax")])
    model = _assert_same(make, replays=False)
    assert all(s.eager for s in model.make_train_function().signatures.values())


class _NumpyConstant(keras.layers.Layer):
    """Computes a constant from the batch in NumPy: it changes from step to step."""

    def call(self, x):
        return x + tf.constant(np.sort(x._value, axis=0))


def test_a_constant_computed_from_the_batch_stays_eager():
    make = lambda: keras.Sequential([keras.Input((6,)), _NumpyConstant(),  # noqa: E731
                                     keras.layers.Dense(3, "softmax")])
    _assert_same(make, replays=False)


def test_freezing_a_layer_between_epochs_traces_again():
    class Freeze(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                self.model.layers[0].trainable = False

    _assert_same(_mlp, callbacks=[Freeze()])


def test_run_eagerly_and_custom_train_step_do_not_trace():
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", run_eagerly=True)
    assert model.make_train_function() == model.train_step

    class Custom(keras.Sequential):
        def train_step(self, data):
            return super().train_step(data)

    custom = Custom([keras.Input((6,)), keras.layers.Dense(3, "softmax")])
    custom.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert custom.make_train_function() == custom.train_step


def test_bad_labels_in_a_replayed_batch_raise_the_eager_error():
    model = _mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    labels = LABELS.copy()
    model.fit(X, labels, batch_size=8, epochs=1, verbose=0, shuffle=False)
    assert model.make_train_function().replaying()
    labels[45] = 3
    with pytest.raises(ValueError, match=r"^sparse_categorical_crossentropy: labels must be "
                                         r"integers in \[0, 3\); got max label 3"):
        model.fit(X, labels, batch_size=8, epochs=1, verbose=0, shuffle=False)


def test_train_on_batch_replays_and_matches_eager():
    results = []
    for eager in (True, False):
        keras.utils.set_random_seed(0)
        model = _mlp()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], run_eagerly=eager)
        results.append([model.train_on_batch(X[:8], LABELS[:8]) for _ in range(5)])
        results[-1].append(model.get_weights())
    assert str(results[0]) == str(results[1])
    assert model.make_train_function().replaying()


# --- what a replay could get wrong, each compared with the eager step ----------------------

class _Anneal(keras.callbacks.Callback):
    """Changes Python attributes between epochs and freezes a layer mid-epoch."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.layers[1].rate = 0.6

    def on_train_batch_end(self, batch, logs=None):
        if batch == 3:
            self.model.layers[2].trainable = False


@pytest.mark.filterwarnings("ignore:Gradients do not exist")
def test_attributes_changed_by_callbacks_are_seen():
    _assert_same(_mlp, callbacks=[_Anneal()])


def test_an_index_mask_in_a_custom_loss_is_not_frozen():
    def masked_mse(y_true, y_pred):
        keep = tf.math.logical_not(tf.math.is_nan(y_true))
        return tf.reduce_mean(tf.square(tf.boolean_mask(y_true, keep) -
                                        tf.boolean_mask(y_pred, keep)))

    y = RNG.normal(size=(50, 3)).astype(np.float32)
    y[24:][RNG.random(size=(26, 3)) < 0.3] = np.nan  # the traced batches 2-3 have none
    make = lambda: keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])  # noqa: E731
    _assert_same(make, replays=None, compile_kw=dict(optimizer="sgd", loss=masked_mse),
                 fit_args=(X, y), shuffle=False)


def test_hinge_labels_and_random_draws_keep_the_step_eager():
    signs = np.where(np.arange(50) < 20, 1.0, -1.0).astype(np.float32)[:, None]
    make = lambda: keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])  # noqa: E731
    _assert_same(make, replays=False, compile_kw=dict(optimizer="sgd", loss="hinge"),
                 fit_args=(X, signs), shuffle=False)

    class Noise(keras.layers.Layer):
        def call(self, x, training=False):
            return x + tf.random.normal(tf.shape(x), stddev=0.1)

    noisy = lambda: keras.Sequential([keras.Input((6,)), Noise(),  # noqa: E731
                                      keras.layers.Dense(3, "softmax")])
    _assert_same(noisy, replays=False)


class _UnusedDropout(keras.Model):
    def __init__(self):
        super().__init__()
        self.drop = keras.layers.Dropout(0.5)
        self.out = keras.layers.Dense(3, "softmax")

    def call(self, x, training=False):
        self.drop(x, training=training)  # draws a mask that nothing uses
        return self.out(self.drop(x, training=training))


def test_an_unused_random_draw_is_replayed_too():
    _assert_same(_UnusedDropout)


def test_popping_a_layer_after_fit_traces_again():
    results = []
    for eager in (True, False):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3),
                                  keras.layers.Activation("softmax"),
                                  keras.layers.Activation("tanh")])
        model.compile(optimizer="sgd", loss="categorical_crossentropy", run_eagerly=eager)
        y = np.eye(3, dtype=np.float32)[LABELS]
        losses = [model.train_on_batch(X[:8], y[:8]) for _ in range(4)]
        model.pop()
        losses += [model.train_on_batch(X[:8], y[:8]) for _ in range(4)]
        results.append(losses)
    assert results[0] == results[1]


def test_single_batch_methods_return_python_floats_as_keras():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.ones((4, 3), np.float32), np.array([0, 1, 0, 1])
    loss, acc = model.train_on_batch(x, y)
    assert type(loss) is float and acc == 0.5
    logs = model.test_on_batch(x, y, return_dict=True)
    assert list(logs) == ["accuracy", "loss"] and all(type(v) is float for v in logs.values())
