"""Section 5-1: the perceptron with a step activation learns AND and OR, not XOR;
an MLP (5-3) solves XOR.

    python examples/perceptron.py [--quick]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0])
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
TARGETS = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
step = tf.keras.activations.get("step")


def train_perceptron(y, epochs=20):
    """Rosenblatt's rule: w += lr * (target - step(x.w + b)) * x."""
    w = tf.Variable(tf.zeros((2, 1)))
    b = tf.Variable(tf.zeros((1,)))
    for _ in range(epochs):
        for xi, ti in zip(X, y):
            out = step(tf.matmul(xi[None], w) + b)
            err = float(ti - out[0, 0])
            w.assign_add(0.1 * err * xi[:, None])
            b.assign_add([0.1 * err])
    return step(tf.matmul(X, w) + b).numpy().ravel()


results = {}
for name, y in TARGETS.items():
    pred = train_perceptron(y)
    results[name] = bool(np.array_equal(pred, y))
    print(f"perceptron on {name:3s}: predicts {pred.astype(int).tolist()} "
          f"-> {'learned' if results[name] else 'cannot learn (not linearly separable)'}")

# An MLP with one hidden layer separates XOR.
tf.keras.utils.set_random_seed(1)
mlp = tf.keras.Sequential([tf.keras.Input((2,)),
                           tf.keras.layers.Dense(8, activation="tanh"),
                           tf.keras.layers.Dense(1, activation="sigmoid")])
mlp.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="binary_crossentropy",
            metrics=["accuracy"])
mlp.fit(X, np.array(TARGETS["XOR"], "float32"), epochs=300, batch_size=4, verbose=0)
pred = (mlp.predict(X, verbose=0).ravel() > 0.5).astype(int)
print(f"MLP on XOR: predicts {pred.tolist()}")
