"""tf.function: TensorFlow's quickstart-for-experts and Chollet's chapter-7 loops, unchanged
(NumPy batches instead of tf.data; Flatten + Dense instead of Conv2D), replay = eager."""
import warnings

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import Model
from tapeflow.keras.layers import Dense, Flatten


def _quickstart(decorate):
    tf.keras.utils.set_random_seed(0)

    class MyModel(Model):
        def __init__(self):
            super().__init__()
            self.flatten = Flatten()
            self.d1 = Dense(16, activation='relu')
            self.d2 = Dense(10)

        def call(self, x):
            x = self.flatten(x)
            x = self.d1(x)
            return self.d2(x)

    model = MyModel()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name='train_loss')
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')
    test_loss = tf.keras.metrics.Mean(name='test_loss')
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')

    @decorate
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @decorate
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)
        test_loss(t_loss)
        test_accuracy(labels, predictions)

    rng = np.random.default_rng(0)
    x_train = rng.uniform(size=(64, 6, 6)).astype("float32")[..., tf.newaxis]
    y_train = rng.integers(0, 10, 64)
    lines = []
    for epoch in range(3):
        train_loss.reset_state()
        train_accuracy.reset_state()
        test_loss.reset_state()
        test_accuracy.reset_state()
        for i in range(0, 64, 16):
            train_step(x_train[i:i + 16], y_train[i:i + 16])
        for i in range(0, 32, 16):
            test_step(x_train[i:i + 16], y_train[i:i + 16])
        lines.append(f'Epoch {epoch + 1}, Loss: {train_loss.result():0.4f}, '
                     f'Accuracy: {train_accuracy.result() * 100:0.2f}, '
                     f'Test Loss: {test_loss.result():0.4f}, '
                     f'Test Accuracy: {test_accuracy.result() * 100:0.2f}')
    return lines, model, train_step


def test_quickstart_for_experts_replays_exactly_what_eager_computes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # no "runs eagerly" warning
        traced, model, step = _quickstart(tf.function)
    eager, eager_model, _ = _quickstart(lambda f: f)
    assert traced == eager
    for a, b in zip(model.get_weights(), eager_model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert step.experimental_get_tracing_count() == 1
    assert step.program_code().startswith("def replay(feeds):")   # 12 calls: replayed


def _chollet(decorate):
    tf.keras.utils.set_random_seed(1)
    keras = tf.keras
    inputs = keras.Input(shape=(8,))
    features = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(features)
    model = keras.Model(inputs, outputs)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.RMSprop()
    metrics = [keras.metrics.SparseCategoricalAccuracy()]
    loss_tracking_metric = keras.metrics.Mean()

    @decorate
    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs, training=True)
            loss = loss_fn(targets, predictions)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))
        logs = {}
        for metric in metrics:
            metric.update_state(targets, predictions)
            logs[metric.name] = metric.result()
        loss_tracking_metric.update_state(loss)
        logs["loss"] = loss_tracking_metric.result()
        return logs

    def reset_metrics():
        for metric in metrics:
            metric.reset_state()
        loss_tracking_metric.reset_state()

    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(40, 8)).astype("float32"), rng.integers(0, 3, 40)
    history = []
    for epoch in range(3):
        reset_metrics()
        for i in range(0, 40, 10):
            logs = train_step(x[i:i + 10], y[i:i + 10])
        history.append({key: f"{value:.6f}" for key, value in logs.items()})
    return history


def test_chollet_chapter_7_custom_loop_returns_the_same_logs_traced():
    assert _chollet(tf.function) == _chollet(lambda f: f)


def test_print_runs_while_tracing_tf_print_every_call(capsys):
    @tf.function
    def f(x):
        print("Tracing with", x.shape)
        tf.print("Executing with", x)
        return x + 1.0

    for _ in range(5):
        f(tf.constant([1.0]))
    out = capsys.readouterr().out.splitlines()
    assert out.count("Executing with [1.]") == 5
    assert 1 <= out.count("Tracing with (1,)") <= 2          # the traced calls only
    f(tf.constant([1.0, 2.0]))                                # a new signature: traced
    assert f.experimental_get_tracing_count() == 2
    assert "Tracing with (2,)" in capsys.readouterr().out


def test_a_function_that_reads_a_value_runs_eagerly_and_says_why_once():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        if float(tf.reduce_sum(x)) > 0:          # a Python branch on a tensor's value
            v.assign_add(1.0)
        return v * 1.0

    with pytest.warns(RuntimeWarning, match=r"'f' runs eagerly .*float\(tensor\)"):
        for _ in range(3):
            f(tf.constant([1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(f(tf.constant([-1.0]))) == 3.0           # eager: still correct, silent
        assert float(f(tf.constant([2.0]))) == 4.0


def test_python_values_and_shapes_are_part_of_the_signature():
    @tf.function
    def scale(x, k):
        return x * k

    assert scale(tf.constant([1.0]), 2).numpy().tolist() == [2.0]
    for _ in range(3):
        assert scale(tf.constant([1.0]), 3).numpy().tolist() == [3.0]
    assert scale(np.ones((2, 2), np.float32), 3).numpy().tolist() == [[3.0, 3.0]] * 2
    assert scale.experimental_get_tracing_count() == 3


def test_input_signature_checks_structure_shape_and_dtype():
    @tf.function(input_signature=[tf.TensorSpec(shape=[None, 2], dtype=tf.float32)],
                 reduce_retracing=True)
    def f(x):
        return tf.reduce_sum(x, axis=1)

    assert f(tf.ones((3, 2))).numpy().tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(TypeError, match=r"expected \[TensorSpec\(None, 2\) float32\], "
                                        r"received \[tensor\(3, 2\) float32, int 1\]"):
        f(tf.ones((3, 2)), 1)
    with pytest.raises(ValueError, match=r"expected \[TensorSpec\(None, 2\) float32\], "
                                         r"received \[tensor\(3, 3\) float32\]"):
        f(tf.ones((3, 3)))


def test_methods_trace_per_instance_and_to_code_shows_python_before_a_replay():
    class Scaler(tf.Module):
        def __init__(self, k):
            super().__init__()
            self.k = tf.Variable(k)

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    for _ in range(3):
        assert float(a(tf.constant(1.0))) == 2.0
        assert float(b(tf.constant(1.0))) == 3.0
    b.k.assign(5.0)
    assert float(b(tf.constant(1.0))) == 5.0      # variables are read at every replay

    @tf.function
    def g(x):
        return x + 1

    assert "return x + 1" in tf.autograph.to_code(g)


def test_unconnected_gradients_zero_and_tensor_spec():
    x, y = tf.Variable(2.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        z = x * x
    dx, dy = tape.gradient(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(dx) == 4.0 and dy.numpy().tolist() == [0.0, 0.0]
    spec = tf.TensorSpec.from_tensor(tf.zeros((2, 3), tf.int32))
    assert spec == tf.TensorSpec((2, 3), tf.int32)
    assert not spec.is_compatible_with(tf.zeros((2, 3)))


def test_arrays_and_tensors_of_one_shape_share_a_signature_on_the_fast_path():
    @tf.function
    def f(x, y):
        return x * 2.0 + y

    x, y = np.ones((2, 3), np.float32), np.full((2, 3), 0.5, np.float32)
    for _ in range(3):  # trace twice, then replay
        assert f(x, y).numpy().tolist() == [[2.5] * 3] * 2
    assert f(tf.constant(x), y).numpy().tolist() == [[2.5] * 3] * 2   # Tensor: same key
    assert f(x * 3, tf.constant(y)).numpy().tolist() == [[6.5] * 3] * 2
    assert f.experimental_get_tracing_count() == 1
    assert f(x.astype(np.float64), y.astype(np.float64)).dtype == tf.float64  # a new one
    assert f.experimental_get_tracing_count() == 2


def test_effects_replay_with_nested_arguments_rebuilt():
    """An effect's arguments (tuples, namedtuples, dicts, keyword arguments) come back
    with the new tensors in their places and the constants unchanged."""
    import collections
    from tapeflow.tensor import effect

    Pair = collections.namedtuple("Pair", "a b")
    seen = []

    class Sink:
        @effect
        def put(self, pairs, extra, scale=1.0, named=None):
            seen.append((float(pairs[0][0]), pairs[1], float(extra["t"]), extra["k"], scale,
                         float(named.a), named.b))

    sink = Sink()

    @tf.function
    def f(x):
        y = x * 2.0
        sink.put([(y, "c"), "d"], {"t": y + 1.0, "k": 7}, scale=3.0, named=Pair(x, "n"))
        return y

    for v in (1.0, 2.0, 5.0):
        f(tf.constant(v))
    assert seen[-1] == (10.0, "d", 11.0, 7, 3.0, 5.0, "n")
    assert len(seen) == 3 and tf.autograph.to_code(f).startswith("def replay")
