"""Section 2-4: gradient-based optimisation — derivatives, GradientTape, SGD and momentum.

Minimises a 1-D loss by hand: plain gradient descent (w <- w - lr * gradient), then the
seed's momentum update (velocity = momentum * velocity - lr * gradient;
w = w + momentum * velocity - lr * gradient), both with gradients from GradientTape.

    python examples/gradient_descent.py [--quick]
"""
import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0])

# GradientTape: d(x^2)/dx at x = 3 is 6
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x * x
print("d(x^2)/dx at 3 =", float(tape.gradient(y, x)))


def loss_fn(w):
    """A 1-D loss with a local minimum near w = 0.96 and the global one near w = -1.04."""
    return (w * w - 1) ** 2 + 0.3 * w


def descend(momentum, learning_rate=0.02, steps=40 if args.quick else 150, start=2.0):
    w = tf.Variable(start)
    velocity = 0.0
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(w)
        gradient = float(tape.gradient(loss, w))
        if momentum:
            velocity = momentum * velocity - learning_rate * gradient      # the seed's code
            w.assign_add(momentum * velocity - learning_rate * gradient)
        else:
            w.assign_sub(learning_rate * gradient)
    return float(w), float(loss_fn(w))


for m in (0.0, 0.9):
    w, loss = descend(m)
    print(f"momentum={m}: ends at w={w:+.3f}, loss={loss:.3f}")
print("plain descent settles in the nearest (local) minimum; momentum can roll past it.")
