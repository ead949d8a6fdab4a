"""Section 5-3: one 784-256-128-10 network built five ways, giving identical outputs.

Raw tensors (5-3-2), Dense layers called by hand (5-3-3), the Functional API (fig 5-9),
the Sequential API (fig 5-10) and subclassing tf.keras.Model (fig 5-11). All five share
the same weights, so they compute the same numbers.

    python examples/five_ways.py [--quick]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0])
tf.keras.utils.set_random_seed(0)
x = tf.random.normal((4, 784))
sizes = [784, 256, 128, 10]

# 1. raw tensors: weights as Variables, layers as matmul + bias + relu
weights = []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    weights += [tf.Variable(tf.random.truncated_normal((n_in, n_out), stddev=0.1)),
                tf.Variable(tf.zeros((n_out,)))]


def raw_network(x):
    h = tf.nn.relu(tf.matmul(x, weights[0]) + weights[1])
    h = tf.nn.relu(tf.matmul(h, weights[2]) + weights[3])
    return tf.matmul(h, weights[4]) + weights[5]


# 2. Dense layers called one after another
fc1 = tf.keras.layers.Dense(256, activation="relu")
fc2 = tf.keras.layers.Dense(128, activation="relu")
fc3 = tf.keras.layers.Dense(10)
fc3(fc2(fc1(x)))  # builds the layers
for layer, (k, b) in zip([fc1, fc2, fc3], zip(weights[::2], weights[1::2])):
    layer.set_weights([k.numpy(), b.numpy()])

# 3. Functional API
inputs = tf.keras.Input(shape=(784,))
h = tf.keras.layers.Dense(256, activation="relu")(inputs)
h = tf.keras.layers.Dense(128, activation="relu")(h)
outputs = tf.keras.layers.Dense(10)(h)
functional = tf.keras.Model(inputs=inputs, outputs=outputs)

# 4. Sequential API
sequential = tf.keras.Sequential([
    tf.keras.layers.Dense(256, activation="relu", input_shape=(784,)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])


# 5. subclassing, the template of figure 5-11
class MyModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.fc1 = tf.keras.layers.Dense(256, activation="relu")
        self.fc2 = tf.keras.layers.Dense(128, activation="relu")
        self.fc3 = tf.keras.layers.Dense(10)

    def call(self, inputs, training=None):
        return self.fc3(self.fc2(self.fc1(inputs)))


subclassed = MyModel()
subclassed(x)  # builds it
same = [w.numpy() for w in weights]
for model in (functional, sequential, subclassed):
    model.set_weights(same)

outputs = {
    "raw tensors": raw_network(x).numpy(),
    "Dense by hand": fc3(fc2(fc1(x))).numpy(),
    "Functional": functional(x).numpy(),
    "Sequential": sequential(x).numpy(),
    "subclassed": subclassed(x).numpy(),
}
reference = outputs["raw tensors"]
for name, out in outputs.items():
    print(f"{name:14s} max |difference| from raw tensors: "
          f"{np.abs(out - reference).max():.2e}")
sequential.summary()
