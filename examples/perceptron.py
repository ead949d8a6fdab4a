"""Section 5-1: the perceptron with a step activation learns AND and OR, not XOR;
an MLP (5-3) solves XOR.

    python examples/perceptron.py [--quick] [--out perceptron.png]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0], out=("", "write figure 5-4 to this PNG"))
tf.keras.utils.set_random_seed(0)
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
TARGETS = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
step = tf.keras.activations.get("step")


def train_perceptron(y, epochs=20):
    """Rosenblatt's rule: w += lr * (target - step(x.w + b)) * x."""
    w = tf.Variable(tf.random.uniform((2, 1), -0.1, 0.1))  # small random start: zeros
    b = tf.Variable(tf.random.uniform((1,), -0.1, 0.1))    # leave points on the line
    for _ in range(epochs):
        for xi, ti in zip(X, y):
            out = step(tf.matmul(xi[None], w) + b)
            err = float(ti - out[0, 0])
            w.assign_add(0.1 * err * xi[:, None])
            b.assign_add([0.1 * err])
    return step(tf.matmul(X, w) + b).numpy().ravel(), w.numpy().ravel(), float(b[0])


def draw(ax, name, y, w, b, learned):
    """The four points (filled = 1) and, if learned, the line w.x + b = 0 (figure 5-4)."""
    y = np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=120, facecolors="white", edgecolors="k",
               label="output 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=120, c="tab:blue", edgecolors="k",
               label="output 1")
    xs = np.array([-0.5, 1.5])
    if learned:  # w1 x1 + w2 x2 + b = 0  ->  x2 = -(w1 x1 + b) / w2
        ax.plot(xs, -(w[0] * xs + b) / w[1], "tab:red", label="learned line")
    else:
        ax.text(0.5, -0.35, "no straight line separates\nthe two classes", ha="center",
                color="tab:red", fontsize=9)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xticks=[0, 0.5, 1], yticks=[0, 0.5, 1],
           aspect="equal", xlabel="x1", ylabel="x2",
           title=f"{name}: {'linearly separable' if learned else 'not linearly separable'}")
    ax.legend(loc="upper left", fontsize=7)


if args.out:
    from tapeflow.viz._mpl import pyplot
    fig, axes = pyplot().subplots(1, 3, figsize=(13, 4.4), layout="constrained")
results = {}
for i, (name, y) in enumerate(TARGETS.items()):
    pred, w, b = train_perceptron(y)
    results[name] = bool(np.array_equal(pred, y))
    print(f"perceptron on {name:3s}: predicts {pred.astype(int).tolist()} "
          f"-> {'learned' if results[name] else 'cannot learn (not linearly separable)'}")
    if args.out:
        draw(axes[i], name, y, w, b, results[name])
if args.out:
    fig.savefig(args.out, dpi=110, bbox_inches="tight")
    print("figure written to", args.out)

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
