"""``tapeflow plot optimizers|activations``: the course's figures 5-21..5-28 and 5-5.

Example:
    >>> name_list("sgd, adam")
    ['sgd', 'adam']
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from tapeflow.commands import common

FUNCTION_NAMES = ("bowl", "saddle", "local-minima", "rosenbrock")
OPTIMIZER_NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
ACTIVATION_NAMES = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu",
                    "softplus", "swish")


def name_list(text, allowed=None, what="name"):
    """``"sgd,adam"`` -> ``["sgd", "adam"]``, each checked against ``allowed``."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    bad = [n for n in names if allowed is not None and n not in allowed]
    if names and not bad:
        return names
    message = f"unknown {what} {bad[0]!r}" if bad else f"expected {what}s separated by commas"
    if allowed:
        message += f"; choose from {', '.join(allowed)}"
    raise argparse.ArgumentTypeError(message)


def add_parser(subparsers):
    """Registers ``plot`` with its ``optimizers`` and ``activations`` subcommands."""
    plot = subparsers.add_parser(
        "plot", help="draw the course's figures (optimizer paths, activations)",
        description="Draw the course's figures into PNG files (needs matplotlib).")
    sub = plot.add_subparsers(dest="plot_command", metavar="{optimizers,activations}")
    plot.set_defaults(func=lambda args: _usage(plot))

    p = sub.add_parser(
        "optimizers", help="paths of SGD, momentum, Adagrad, RMSprop, Adam on a 2-D function",
        description="Run each optimizer (tapeflow's own, driven by GradientTape) from the "
                    "same start on a 2-D function and draw their paths over its contours "
                    "(figures 5-21 to 5-28). Prints where each one ends.")
    p.add_argument("--function", choices=FUNCTION_NAMES, default="bowl",
                   help="bowl x^2 + 4y^2, saddle x^2 - y^2, local-minima (x^2 - 1)^2 + "
                        "0.3x + y^2, or rosenbrock (1 - x)^2 + 100(y - x^2)^2 "
                        "(default: bowl)")
    p.add_argument("--optimizers", type=lambda t: name_list(t, OPTIMIZER_NAMES, "optimizer"),
                   default=list(OPTIMIZER_NAMES), metavar="NAMES",
                   help=f"comma-separated, from {','.join(OPTIMIZER_NAMES)} (default: all)")
    p.add_argument("--steps", type=common.positive_int, default=50,
                   help="updates per optimizer (default: 50)")
    p.add_argument("--out", default="optimizer_paths.png", metavar="PATH.png",
                   help="the PNG to write (default: optimizer_paths.png)")
    p.set_defaults(func=run_optimizers)

    p = sub.add_parser(
        "activations", help="activation functions and their derivatives (figure 5-5)",
        description="One panel per activation function with its derivative, computed by "
                    "GradientTape (figure 5-5).")
    p.add_argument("--names", type=lambda t: name_list(t, ACTIVATION_NAMES, "activation"),
                   default=list(ACTIVATION_NAMES), metavar="NAMES",
                   help=f"comma-separated, from {','.join(ACTIVATION_NAMES)} (default: all)")
    p.add_argument("--out", default="activations.png", metavar="PATH.png",
                   help="the PNG to write (default: activations.png)")
    p.set_defaults(func=run_activations)


def _usage(parser):
    parser.print_help(sys.stderr)
    return 2


def run_optimizers(args):
    """``tapeflow plot optimizers``: the figure, and each optimizer's end point."""
    from tapeflow.viz import FUNCTIONS, optimizer_paths, plot_optimizer_paths
    f = FUNCTIONS[args.function][0]
    paths = optimizer_paths(args.function, args.optimizers, steps=args.steps)
    print(f"{args.function}, {args.steps} steps from {_point(next(iter(paths.values()))[0])}:")
    for name, path in paths.items():
        print(f"  {name:9s} ends at {_point(path[-1])}  f = {float(f(*path[-1])):+.4f}")
    _save(plot_optimizer_paths(args.function, args.optimizers, steps=args.steps,
                               path=args.out), args.out)
    return 0


def run_activations(args):
    """``tapeflow plot activations``."""
    from tapeflow.viz import plot_activations
    _save(plot_activations(args.names, path=args.out), args.out)
    return 0


def _point(p):
    return "(" + ", ".join(f"{float(v):+.3f}" for v in np.asarray(p)) + ")"


def _save(fig, path):
    """Close the figure (the CLI may draw many in one process) and say where it went."""
    from tapeflow.viz._mpl import pyplot
    pyplot().close(fig)
    print(f"figure written to {path}")
