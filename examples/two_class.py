"""Section 5-4: two groups of samples, a classifier before and after training (fig 5-12).

A single sigmoid unit (logistic regression) trained with SGD on binary cross-entropy.

    python examples/two_class.py [--quick] [--out two_class.png]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0], out=("", "write figure 5-12 to this PNG"))
tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
n = 100
x = np.concatenate([rng.normal([-1, -1], 0.6, (n, 2)), rng.normal([1, 1], 0.6, (n, 2))])
y = np.concatenate([np.zeros(n), np.ones(n)]).astype("float32")

model = tf.keras.Sequential([tf.keras.Input((2,)),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="binary_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x, y, verbose=0, return_dict=True)
if args.out:  # (a) the two groups, (b) the untrained classifier ...
    from tapeflow.viz import plot_decision_boundary
    from tapeflow.viz._mpl import pyplot
    fig, axes = pyplot().subplots(1, 3, figsize=(14, 4.3))
    axes[0].scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=18)
    axes[0].set(title="(a) two groups of samples", xlabel="x1", ylabel="x2")
    plot_decision_boundary(model, x, y, ax=axes[1], title="(b) initialised classifier")
history = model.fit(x, y, epochs=5 if args.quick else 30, batch_size=16, verbose=0)
after = model.evaluate(x, y, verbose=0, return_dict=True)
print(f"accuracy before training {before['accuracy']:.2f}, after {after['accuracy']:.2f}")
if args.out:  # ... and (c) the trained one
    plot_decision_boundary(model, x, y, ax=axes[2], title="(c) after training")
    fig.savefig(args.out, dpi=110, bbox_inches="tight")
    print("figure written to", args.out)
