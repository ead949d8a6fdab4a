"""Section 5-6-4: SGD, Momentum, Adagrad, RMSprop and Adam compared on 2-D landscapes
(figures 5-21 to 5-28: a bowl, a landscape with a local and a global minimum, the saddle
z = x**2 - y**2, and Rosenbrock's narrow curved valley).

Each optimizer is tapeflow's own (tf.keras.optimizers), fed gradients by GradientTape.

    python examples/optimizers.py [--quick] [--out-dir figures]
"""
import os

import _course

from tapeflow.viz import FUNCTIONS, optimizer_paths

args = _course.parse_args(__doc__.splitlines()[0],
                          out_dir=("", "write one figure per landscape into this folder"))
# enough steps to see each landscape's story; Rosenbrock's valley floor is nearly flat
STEPS = {"bowl": 50, "local-minima": 100, "saddle": 40, "rosenbrock": 1000}
for function, steps in STEPS.items():
    steps = steps // 4 if args.quick else steps
    f = FUNCTIONS[function][0]
    paths = optimizer_paths(function, steps=steps)
    print(f"{function} ({steps} steps from {_course.rounded(paths['sgd'][0])}):")
    for name, p in paths.items():
        print(f"  {name:9s} ends at {_course.rounded(p[-1])}  f = {float(f(*p[-1])):+.4g}")
    if args.out_dir:
        from tapeflow.viz import plot_optimizer_paths
        os.makedirs(args.out_dir, exist_ok=True)
        out = os.path.join(args.out_dir, f"optimizers_{function}.png")
        plot_optimizer_paths(function, steps=steps, path=out)
        print("  figure written to", out)
