"""Section 5-4-1: functions and their gradient vectors (figures 5-14 and 5-15).

The gradient points uphill, so gradient descent walks against it.

    python examples/gradient_fields.py [--quick] [--out gradient_field.png]
"""
import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0], out="")


def quadratic(x, y):
    return x ** 2 + y ** 2


for point in [(1.0, 1.0), (-1.0, 0.5), (0.0, 0.0)]:
    v = tf.Variable(point)
    with tf.GradientTape() as tape:
        z = quadratic(v[0], v[1])
    print(f"f{point} = {float(z):.2f}, gradient = {tape.gradient(z, v).numpy().tolist()}")

if args.out:
    from tapeflow.viz import plot_gradient_field
    plot_gradient_field(quadratic, path=args.out, title="f(x, y) = x^2 + y^2")
    print("figure written to", args.out)
