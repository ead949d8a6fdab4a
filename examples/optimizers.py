"""Section 5-6-4: SGD, Momentum, Adagrad, RMSprop and Adam compared on 2-D landscapes
(figures 5-21 to 5-28: a bowl, a landscape with a local and a global minimum, the saddle
z = x**2 - y**2).

    python examples/optimizers.py [--quick] [--out-dir figures]
"""
import os

import numpy as np

import _course

from tapeflow.viz import FUNCTIONS, optimizer_paths

args = _course.parse_args(__doc__.splitlines()[0], out_dir="")
steps = 30 if args.quick else 100
for function in ["bowl", "local-minima", "saddle"]:
    f = FUNCTIONS[function][0]
    paths = optimizer_paths(function, steps=steps)
    print(f"{function}:")
    for name, p in paths.items():
        print(f"  {name:9s} from {np.round(p[0], 3).tolist()} to {np.round(p[-1], 3).tolist()}"
              f"  f = {float(f(*p[-1])):+.4f}")
    if args.out_dir:
        from tapeflow.viz import plot_optimizer_paths
        os.makedirs(args.out_dir, exist_ok=True)
        out = os.path.join(args.out_dir, f"optimizers_{function}.png")
        plot_optimizer_paths(function, steps=steps, path=out)
        print("  figure written to", out)
