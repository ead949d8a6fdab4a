"""Section 5-4-1: functions and their gradient vectors (figures 5-14 and 5-15).

The gradient points uphill, so gradient descent walks against it.

    python examples/gradient_fields.py [--quick] [--out-dir figures]
"""
import os

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0],
                          out_dir=("", "write figures 5-14 and 5-15 into this folder"))


def quadratic(x, y):
    """Figure 5-15: a bowl; every gradient points straight away from the minimum."""
    return x ** 2 + y ** 2


def waves(x, y):
    """Figure 5-14: f = -(cos^2 x + cos^2 y)^2, with many minima and maxima."""
    return -(tf.cos(x) ** 2 + tf.cos(y) ** 2) ** 2


for point in [(1.0, 1.0), (-1.0, 0.5), (0.0, 0.0)]:
    v = tf.Variable(point)
    with tf.GradientTape() as tape:
        z = quadratic(v[0], v[1])
    print(f"f{point} = {float(z):.2f}, gradient = {_course.rounded(tape.gradient(z, v))}")

if args.out_dir:
    from tapeflow.viz import plot_gradient_field
    os.makedirs(args.out_dir, exist_ok=True)
    for name, f, box, title in [
            ("waves", waves, (-3, 3, -3, 3), "f(x, y) = -(cos²x + cos²y)² and its gradient"),
            ("quadratic", quadratic, (-2, 2, -2, 2), "f(x, y) = x² + y² and its gradient")]:
        out = os.path.join(args.out_dir, f"gradient_field_{name}.png")
        plot_gradient_field(f, path=out, box=box, title=title)
        print("figure written to", out)
