"""Section 5-2: activation functions — their values and derivatives (figure 5-5).

    python examples/activations.py [--quick] [--out activations.png]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0], out=("", "write figure 5-5 to this PNG"))
x = tf.constant(np.linspace(-3, 3, 7).astype("float32"))
print("x:         ", _course.rounded(x.numpy(), 2))
for name in ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus",
             "swish"]:
    fn = tf.keras.activations.get(name)
    print(f"{name:10s} ", _course.rounded(fn(x)))
print("softmax([1, 2, 3]) =", _course.rounded(tf.nn.softmax([1.0, 2.0, 3.0])))
if args.out:
    from tapeflow.viz import plot_activations
    plot_activations(path=args.out)
    print("figure written to", args.out)
