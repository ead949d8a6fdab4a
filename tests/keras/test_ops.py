"""keras.ops: Keras 3's op namespace on tapeflow (values, dtypes, gradients, layers)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import ops

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 4)).astype(np.float32)
I = np.array([[1, 2], [3, 4]], np.int32)


def test_reachable_as_keras_ops_and_tf_keras_ops():
    assert tf.keras.ops is keras.ops is ops
    assert ops.nn.relu is ops.relu and ops.numpy.matmul is ops.matmul
    assert ops.math.logsumexp is ops.logsumexp and ops.core.cond is ops.cond


@pytest.mark.parametrize("name, args, expected", [
    ("add", (X, 1.5), X + 1.5), ("subtract", (X, X[0]), X - X[0]),
    ("multiply", (X, X), X * X), ("divide", (X, 2.0), X / 2.0),
    ("matmul", (X, X.T), X @ X.T), ("dot", (X, X.T), X @ X.T),
    ("dot", (X[0], X[0]), X[0] @ X[0]), ("matmul", (X, X[0]), X @ X[0]),
    ("tensordot", (X, X.T, 1), np.tensordot(X, X.T, 1)), ("outer", (X[0], X[1]),
                                                           np.outer(X[0], X[1])),
    ("exp", (X,), np.exp(X)), ("square", (X,), X ** 2), ("abs", (X,), np.abs(X)),
    ("sqrt", (np.abs(X),), np.sqrt(np.abs(X))), ("log", (np.abs(X),), np.log(np.abs(X))),
    ("clip", (X, -0.5, 0.5), np.clip(X, -0.5, 0.5)), ("maximum", (X, 0.0), np.maximum(X, 0)),
    ("where", (X > 0, X, 0.0), np.where(X > 0, X, 0)),
    ("reshape", (X, (2, 6)), X.reshape(2, 6)), ("transpose", (X,), X.T),
    ("expand_dims", (X, 1), X[:, None]), ("expand_dims", (X, (0, 3)), X[None, :, :, None]),
    ("squeeze", (X[:, None],), X), ("concatenate", ([X, X], 1), np.concatenate([X, X], 1)),
    ("stack", ([X, X],), np.stack([X, X])), ("tile", (X[0], 2), np.tile(X[0], 2)),
    ("flip", (X, 1), X[:, ::-1]), ("take", (X, [0, 2], 0), X[[0, 2]]),
    ("take", (X, [5]), X.reshape(-1)[[5]]), ("moveaxis", (X, 0, 1), X.T),
    ("cumsum", (X,), np.cumsum(X)), ("sort", (X,), np.sort(X)),
    ("logsumexp", (X,), np.log(np.sum(np.exp(X)))), ("norm", (X,), np.linalg.norm(X)),
    ("softmax", (X,), np.exp(X) / np.exp(X).sum(-1, keepdims=True)),
    ("relu", (X,), np.maximum(X, 0)), ("sigmoid", (X,), 1 / (1 + np.exp(-X))),
    ("silu", (X,), X / (1 + np.exp(-X))), ("leaky_relu", (X,), np.where(X > 0, X, 0.2 * X)),
    ("gelu", (X,), 0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X ** 3)))),
])
def test_values_match_numpy(name, args, expected):
    got = ops.convert_to_numpy(getattr(ops, name)(*args))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, kwargs, fn", [
    ("mean", {}, np.mean), ("sum", {}, np.sum), ("max", {}, np.max), ("min", {}, np.min),
    ("prod", {}, np.prod), ("std", {}, np.std), ("var", {}, np.var),
    ("mean", {"axis": 1, "keepdims": True}, np.mean), ("sum", {"axis": (0, 1)}, np.sum),
    ("max", {"axis": -1}, np.max), ("argmax", {"axis": 1}, np.argmax),
    ("argmin", {"axis": 0}, np.argmin), ("argmax", {}, np.argmax),
    ("argmax", {"axis": 1, "keepdims": True}, np.argmax),
])
def test_reductions_take_kerass_axis_and_keepdims(name, kwargs, fn):
    got = ops.convert_to_numpy(getattr(ops, name)(X, **kwargs))
    np.testing.assert_allclose(got, fn(X, **kwargs), rtol=1e-5, atol=1e-6)


def test_result_dtypes_follow_keras():
    # the dtypes Keras 3.15 returns for the same calls
    assert ops.dtype(ops.arange(5)) == "int32"
    assert ops.dtype(ops.arange(0.0, 1.0, 0.5)) == "float32"
    assert ops.dtype(ops.mean(I)) == "float32" and float(ops.mean(I)) == 2.5
    assert ops.dtype(ops.argmax(X)) == "int32" and ops.dtype(ops.argsort(X)) == "int32"
    assert ops.dtype(ops.divide(I, I)) == "float32"
    assert ops.dtype(ops.exp(I)) == "float32" and ops.dtype(ops.sqrt(I)) == "float32"
    assert ops.dtype(ops.multiply(I, 2)) == "int32" and ops.dtype(ops.sum(I > 2)) == "int32"
    assert ops.dtype(ops.convert_to_tensor(1.0)) == "float32"
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.dtype(ops.zeros((2,))) == "float32" and ops.dtype(ops.eye(2)) == "float32"
    assert ops.dtype(ops.one_hot([0, 2], 3)) == "float32"
    assert ops.dtype(ops.count_nonzero(X)) == "int32"
    assert ops.shape(X) == (3, 4) and ops.size(X) == 12 and ops.ndim(X) == 2
    assert ops.dtype(ops.cast(X, "int32")) == "int32"


def test_creation_split_where_and_top_k():
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.full((2,), 7)), [7.0, 7.0])
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.linspace(0, 1, 3)), [0, 0.5, 1])
    parts = ops.split(np.arange(6), [2, 3])
    assert [ops.convert_to_numpy(p).tolist() for p in parts] == [[0, 1], [2], [3, 4, 5]]
    rows, cols = ops.where(I > 2)
    assert ops.convert_to_numpy(rows).tolist() == [1, 1] and ops.dtype(cols) == "int32"
    values, indices = ops.top_k([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], 2)
    assert ops.convert_to_numpy(values).tolist() == [[5, 3], [6, 4]]
    assert ops.convert_to_numpy(indices).tolist() == [[1, 2], [2, 0]]
    hits = ops.in_top_k(np.array([1, 0]), np.array([[1.0, 2.0], [3.0, 4.0]]), 1)
    assert ops.convert_to_numpy(hits).tolist() == [True, False]


def test_control_flow_and_core():
    x = ops.convert_to_tensor(2.0)
    assert float(ops.cond(x > 1, lambda: x * 10, lambda: x)) == 20.0
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0) == 6
    assert ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0) == 6
    assert ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1)) == (3, 8)
    block = ops.slice(np.arange(12).reshape(3, 4), (1, 1), (2, 2))
    assert ops.convert_to_numpy(block).tolist() == [[5, 6], [9, 10]]
    assert ops.is_tensor(x) and not ops.is_tensor(2.0)


def test_gradients_flow_through_ops_and_stop_at_stop_gradient():
    w = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = ops.mean(ops.square(ops.matmul(w, ops.transpose(w)))) + \
            ops.sum(ops.stop_gradient(w))
    grad = tape.gradient(y, w).numpy()
    m = X @ X.T                                   # d mean((W W^T)^2) / dW = 4 M W / n
    np.testing.assert_allclose(grad, 4 * m @ X / m.size, rtol=1e-4, atol=1e-6)
    with tf.GradientTape() as tape:
        values, _ = ops.top_k(w, 1)
        total = ops.sum(values)
    expected = np.zeros_like(X)
    expected[np.arange(3), X.argmax(1)] = 1
    np.testing.assert_array_equal(tape.gradient(total, w).numpy(), expected)


def test_cross_entropies_are_kerass_ops():
    t, p = np.array([[0.0, 1.0]]), np.array([[0.3, 0.6]])
    np.testing.assert_allclose(ops.convert_to_numpy(ops.binary_crossentropy(t, p)),
                               [[-np.log(0.7), -np.log(0.6)]], rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(ops.categorical_crossentropy(t, p)),
                               [-np.log(0.6 / 0.9)], rtol=1e-6)
    np.testing.assert_allclose(
        ops.convert_to_numpy(ops.sparse_categorical_crossentropy([1], p)),
        [-np.log(0.6 / 0.9)], rtol=1e-6)


def test_a_keras_op_not_provided_says_so():
    with pytest.raises(NotImplementedError, match="tapeflow does not provide keras.ops.fft "
                                                  "yet"):
        ops.fft(X)
    assert not hasattr(ops, "einsum")                  # still an AttributeError for hasattr
    with pytest.raises(AttributeError, match="has no attribute 'matmull'") as info:
        ops.matmull
    assert not isinstance(info.value, NotImplementedError)  # a typo, not a missing op


# ---------------------------------------- layers in the style of Keras 3's guides

class Linear(keras.layers.Layer):
    """From Keras 3's "Making new layers and models via subclassing"."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return dict(super().get_config(), units=self.units)


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,),
                                     trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(16)
        self.linear_2 = Linear(16)
        self.linear_3 = Linear(1)
        self.regularizer = ActivityRegularizationLayer(1e-3)

    def call(self, inputs):
        x = ops.relu(self.linear_1(inputs))
        x = ops.gelu(self.linear_2(x))
        return self.linear_3(self.regularizer(x))


def test_guide_layers_compute_what_the_guide_prints():
    keras.utils.set_random_seed(0)
    linear = Linear(4)
    y = linear(ops.ones((2, 2)))
    np.testing.assert_allclose(ops.convert_to_numpy(y),
                               np.ones((2, 2)) @ linear.w.numpy() + linear.b.numpy(),
                               rtol=1e-6)
    my_sum = ComputeSum(2)
    my_sum(ops.ones((2, 2)))
    assert my_sum(ops.ones((2, 2))).numpy().tolist() == [4.0, 4.0]
    assert len(my_sum.weights) == 1 and my_sum.trainable_weights == []


def test_guide_layers_train_with_gradient_tape_and_fit():
    keras.utils.set_random_seed(0)
    x = RNG.normal(size=(64, 3)).astype(np.float32)
    y = np.sin(x.sum(axis=1, keepdims=True)).astype(np.float32)
    block = MLPBlock()
    block(x[:2])
    assert len(block.trainable_weights) == 6 and len(block.losses) == 1
    with tf.GradientTape() as tape:
        loss = ops.mean(ops.square(block(x) - y)) + sum(block.losses)
    grads = tape.gradient(loss, block.trainable_weights)
    assert all(g is not None and np.abs(g.numpy()).sum() > 0 for g in grads)

    inputs = keras.Input((3,))
    model = keras.Model(inputs, MLPBlock()(inputs))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=30, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]
