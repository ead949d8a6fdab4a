"""Acceptance: the chapter-5 network built four ways gives identical outputs; the course
code runs unchanged; parameter counts and summaries of the two seed networks."""
import numpy as np
import pytest

import tapeflow as tf

W1 = np.arange(20, dtype=np.float32).reshape(4, 5) / 10 - 1.0
B1 = np.linspace(-0.5, 0.5, 5).astype(np.float32)
W2 = np.arange(15, dtype=np.float32).reshape(5, 3)[::-1].copy() / 7 - 1.0
B2 = np.array([0.1, -0.2, 0.3], np.float32)
X = np.random.default_rng(0).standard_normal((6, 4))  # float64 on purpose


def raw_tensors(x):
    """Section 5-3-2: the network from raw tensors."""
    h = tf.nn.relu(tf.matmul(tf.constant(x, dtype=tf.float32), W1) + B1)
    return tf.nn.softmax(tf.matmul(h, W2) + B2)


class ModelName(tf.keras.Model):
    """Figure 5-11's template, filled in."""

    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(5, activation="relu")
        self.out = tf.keras.layers.Dense(3, activation="softmax")

    def call(self, input):
        output = self.out(self.hidden(input))
        return output


def four_ways():
    seq = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                               tf.keras.layers.Dense(5, activation="relu"),
                               tf.keras.layers.Dense(3, activation="softmax")])
    inputs = tf.keras.Input(shape=(4,))
    hidden = tf.keras.layers.Dense(5, activation="relu")(inputs)
    functional = tf.keras.Model(inputs=inputs, outputs=tf.keras.layers.Dense(
        3, activation="softmax")(hidden))
    sub = ModelName()
    sub.build((None, 4))
    return seq, functional, sub


def test_same_weights_same_outputs_everywhere():
    expected = raw_tensors(X).numpy()
    for model in four_ways():
        model.set_weights([W1, B1, W2, B2])
        np.testing.assert_array_equal(model(X).numpy(), expected)
        np.testing.assert_array_equal(model.predict(X, verbose=0), expected)
    d1, d2 = tf.keras.layers.Dense(5, activation="relu"), tf.keras.layers.Dense(3, "softmax")
    d1.build((None, 4))
    d2.build((None, 5))
    d1.set_weights([W1, B1])
    d2.set_weights([W2, B2])
    np.testing.assert_array_equal(d2(d1(X)).numpy(), expected)


def test_same_gradients_everywhere():
    grads = []
    for model in four_ways():
        model.set_weights([W1, B1, W2, B2])
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(model(X, training=True)))
        grads.append([g.numpy() for g in tape.gradient(loss, model.trainable_variables)])
    for other in grads[1:]:
        for a, b in zip(grads[0], other):
            np.testing.assert_array_equal(a, b)


def test_chapter2_network_course_code(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    tf.keras.backend.clear_session()
    network = tf.keras.models.Sequential()
    network.add(tf.keras.layers.Dense(512, activation="relu", input_shape=(28 * 28,)))
    network.add(tf.keras.layers.Dense(10, activation="softmax"))
    assert network.count_params() == 407050  # (784*512 + 512) + (512*10 + 10)
    assert [layer.count_params() for layer in network.layers] == [401920, 5130]
    network.summary()
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
        "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
        "│ dense (Dense)                   │ (None, 512)            │       401,920 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ dense_1 (Dense)                 │ (None, 10)             │         5,130 │\n"
        "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
        " Total params: 407,050 (1.55 MB)\n"
        " Trainable params: 407,050 (1.55 MB)\n"
        " Non-trainable params: 0 (0.00 B)\n")


def test_basic_classification_network(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    tf.keras.backend.clear_session()
    model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
                                 tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    assert model.count_params() == 101770  # 784*128 + 128 + 128*10 + 10
    assert [layer.count_params() for layer in model.layers] == [0, 100480, 1290]
    model.summary()
    out = capsys.readouterr().out
    assert "│ flatten (Flatten)               │ (None, 784)            │             0 │" in out
    assert " Total params: 101,770 (397.54 KB)\n" in out
    images = np.random.default_rng(1).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    assert model(images).shape == (3, 10)  # uint8 pixels work like in Keras


def test_wrong_input_width_names_the_layer():
    tf.keras.backend.clear_session()
    network = tf.keras.models.Sequential()
    network.add(tf.keras.layers.Dense(512, activation="relu", input_shape=(784,)))
    with pytest.raises(ValueError) as err:
        network(np.zeros((32, 28)))
    assert str(err.value) == ('Input 0 of layer "dense" is incompatible with the layer: '
                              'expected axis -1 of input shape to have value 784, but received '
                              'input with shape (32, 28)')
