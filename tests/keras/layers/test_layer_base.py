"""The Layer contract: names, tracking, weights, conversion, losses, training flag."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

L = keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()


def test_unique_default_names_and_reset():
    names = [L.Dense(1).name, L.Dense(1).name, L.Flatten().name, L.Dense(1).name]
    assert names == ["dense", "dense_1", "flatten", "dense_2"]
    assert L.ReLU().name == "re_lu" and L.LeakyReLU().name == "leaky_re_lu"
    keras.backend.clear_session()
    assert L.Dense(1).name == "dense"
    assert L.Dense(1, name="out").name == "out"


def test_bad_name_and_unknown_kwarg():
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        L.Dense(1, name="a/b")
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Dense: "
                                         r"\{'foo': 1\}"):
        L.Dense(1, foo=1)


def test_numpy_float64_input_becomes_float32():
    layer = L.Dense(2)
    y = layer(np.ones((3, 4), dtype=np.float64))
    assert y.dtype == tf.float32
    assert layer.kernel.dtype == tf.float32
    # float64 tensors are autocast too; integer pixels are computed in float32
    assert layer(tf.constant(np.ones((1, 4)), dtype=tf.float64)).dtype == tf.float32
    assert layer(np.ones((1, 4), dtype=np.uint8)).dtype == tf.float32
    assert layer([[1.0, 2.0, 3.0, 4.0]]).shape == (1, 2)


class Block(L.Layer):
    def __init__(self):
        super().__init__()
        self.first = L.Dense(3)
        self.stack = [L.Dense(2), L.Dense(2)]
        self.by_name = {"b": L.Dense(1), "a": L.Dense(1)}
        self.scale = tf.Variable(2.0, name="scale")
        self.frozen = tf.Variable([1.0, 1.0], trainable=False, name="frozen")

    def call(self, x):
        x = self.first(x)
        for layer in self.stack:
            x = layer(x)
        return (self.by_name["a"](x) + self.by_name["b"](x)) * self.scale


def test_tracking_attributes_lists_and_dicts():
    block = Block()
    y = block(np.ones((2, 4)))
    assert y.shape == (2, 1)
    assert [layer.name for layer in block._sublayers()] == ["dense", "dense_1", "dense_2",
                                                            "dense_3", "dense_4"]
    # own variables first (trainable, then non-trainable), then sub-layers in order
    assert [w.path for w in block.weights][:4] == ["scale", "frozen", "dense/kernel",
                                                   "dense/bias"]
    assert len(block.weights) == 2 + 5 * 2
    assert len(block.trainable_weights) == 11 and len(block.non_trainable_weights) == 1
    assert block.trainable_variables == block.trainable_weights
    # 4*3+3 + 3*2+2 + 2*2+2 + 2*1+1 + 2*1+1 + 1 scale + 2 frozen
    assert block.count_params() == 15 + 8 + 6 + 3 + 3 + 1 + 2


def test_trainable_flag_freezes_all_weights():
    block = Block()
    block(np.ones((1, 4)))
    block.trainable = False
    assert block.trainable_weights == []
    assert len(block.non_trainable_weights) == 12
    assert not block.first.trainable and not block.first.kernel.trainable
    block.trainable = True
    assert len(block.trainable_weights) == 11


def test_add_weight_keras3_and_keras2_argument_order():
    layer = L.Layer(name="custom")
    w = layer.add_weight(shape=(2, 3), initializer="ones", name="w")
    v = layer.add_weight("v", shape=(4,), initializer="zeros", trainable=False)
    assert w.path == "custom/w" and v.path == "custom/v"
    assert w.numpy().tolist() == [[1.0] * 3] * 2
    assert layer.weights == [w, v] and layer.trainable_weights == [w]
    g = layer.add_weight(shape=(200, 300))  # default: glorot_uniform
    assert np.abs(g.numpy()).max() <= np.sqrt(6 / 500)


def test_get_set_weights_checks_count_and_shapes():
    layer = L.Dense(5, name="dense")
    layer.build((None, 4))
    weights = [np.full((4, 5), 0.5, np.float32), np.arange(5, dtype=np.float32)]
    layer.set_weights(weights)
    got = layer.get_weights()
    np.testing.assert_array_equal(got[0], weights[0])
    got[1][0] = 99.0  # get_weights returns copies
    assert layer.bias.numpy()[0] == 0.0
    with pytest.raises(ValueError) as err:
        layer.set_weights(weights[:1])
    msg = str(err.value)
    assert "weight list of length 1, but the layer was expecting 2 weights" in msg
    assert "Expected shapes: [(4, 5), (5,)]; received shapes: [(4, 5)]" in msg
    with pytest.raises(ValueError) as err:
        layer.set_weights([np.zeros((5, 4)), np.zeros(5)])
    msg = str(err.value)
    assert 'Layer "dense" weight shape (4, 5) is not compatible with provided weight shape ' \
           '(5, 4)' in msg
    assert "received shapes: [(5, 4), (5,)]" in msg


def test_count_params_needs_build():
    with pytest.raises(ValueError, match="isn't built"):
        L.Dense(3, name="d").count_params()


def test_input_shape_and_input_dim_kwargs():
    assert L.Dense(3, input_shape=(784,))._input_shape_arg == (784,)
    assert L.Dense(3, input_dim=20)._input_shape_arg == (20,)
    model = keras.Sequential([L.Dense(3, input_dim=20)])
    assert model.input_shape == (None, 20)


def test_build_records_shapes_and_build_config():
    layer = L.Dense(3)
    layer.build((None, 7))
    assert layer.built and layer.get_build_config() == {"input_shape": (None, 7)}
    other = L.Dense(3)
    other(np.ones((32, 7)))    # the first call's shape, batch included, as Keras 3.15.1
    assert other.get_build_config() == {"input_shape": (32, 7)}
    fresh = L.Dense(3)
    fresh.build_from_config({"input_shape": [None, 7]})
    assert fresh.kernel.shape == (7, 3)


class Noisy(L.Layer):
    def call(self, x, training=None):
        self.seen = training
        return x


class Holder(L.Layer):
    def __init__(self):
        super().__init__()
        self.inner = Noisy()

    def call(self, x):  # does not pass training on: the context does
        return self.inner(x)


def test_training_flag_propagates_to_nested_layers():
    holder = Holder()
    holder(np.ones((1, 2)), training=True)
    assert holder.inner.seen is True
    holder(np.ones((1, 2)))
    assert holder.inner.seen is None
    holder(np.ones((1, 2)), training=False)
    assert holder.inner.seen is False


class WithLoss(L.Layer):
    def call(self, x):
        self.add_loss(tf.reduce_sum(x))
        return x


def test_losses_are_recomputed_per_call():
    layer = L.Dense(2, kernel_regularizer=keras.regularizers.L2(0.5), kernel_initializer="ones",
                    activity_regularizer=keras.regularizers.L1(0.1))
    layer(np.array([[1.0, -1.0]]))
    # activity: 0.1 * |out| summed = 0.1 * (0 + 0) ; kernel: 0.5 * 4 ones = 2
    values = sorted(float(v) for v in layer.losses)
    assert values == pytest.approx([0.0, 2.0])
    model = keras.Sequential([keras.Input((2,)), WithLoss(), layer])
    model(np.array([[1.0, 2.0]]))
    assert sorted(float(v) for v in model.losses) == pytest.approx([0.6, 2.0, 3.0])
    model(np.array([[0.5, 0.5]]))  # the last call's losses only, not accumulated
    assert sorted(float(v) for v in model.losses) == pytest.approx([0.2, 1.0, 2.0])


def test_regularization_losses_are_differentiable():
    layer = L.Dense(1, kernel_regularizer=keras.regularizers.L2(0.5), use_bias=False,
                    kernel_initializer="ones")
    layer.build((None, 3))
    with tf.GradientTape() as tape:
        penalty = tf.add_n(layer.losses)
    grad = tape.gradient(penalty, layer.kernel)
    np.testing.assert_allclose(grad.numpy(), np.ones((3, 1)))  # d(0.5 w^2)/dw = w


class Scale(L.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor


def test_custom_layer_auto_config_and_missing_call():
    layer = Scale(3.0, name="scale")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["name"] == "scale"
    assert Scale.from_config(config)(np.ones((1, 1))).numpy().item() == 3.0
    with pytest.raises(NotImplementedError, match="does not have a `call\\(\\)` method"):
        L.Layer()(np.ones((1, 1)))


def test_input_spec_message_names_the_layer():
    layer = L.Dense(10, name="dense")
    layer.build((None, 784))
    with pytest.raises(ValueError) as err:
        layer(np.zeros((32, 28)))
    assert str(err.value) == ('Input 0 of layer "dense" is incompatible with the layer: '
                              'expected axis -1 of input shape to have value 784, but received '
                              'input with shape (32, 28)')
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        L.Dense(2, name="d2")(np.zeros(3))


def test_layer_output_and_input_properties():
    x = keras.Input((3,))
    layer = L.Dense(2)
    y = layer(x)
    assert layer.input is x and layer.output is y
    with pytest.raises(AttributeError, match="has never been called"):
        _ = L.Dense(2).output
    assert "Dense name=" in repr(layer)


def my_activation(x):
    return x * 3.0


class MyInit(keras.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return tf.ones(shape) * 2.0


def test_custom_objects_reach_nested_configs():
    layer = L.Dense(2, activation=my_activation, kernel_initializer=MyInit(), name="c")
    config = keras.layers.serialize(layer)
    assert config["config"]["activation"]["config"] == "my_activation"
    with pytest.raises(ValueError, match="custom_objects"):
        keras.layers.deserialize(config)
    back = keras.layers.deserialize(config, custom_objects={"my_activation": my_activation,
                                                            "MyInit": MyInit})
    assert back.activation is my_activation and isinstance(back.kernel_initializer, MyInit)
    back.build((None, 1))
    assert back(np.ones((1, 1))).numpy().tolist() == [[6.0, 6.0]]  # 3 * (1 * 2)
