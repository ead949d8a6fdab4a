"""Small helpers shared by the course examples: command-line flags and data loading.

Every example runs in full by default and in seconds with ``--quick``. When a data set
is not provisioned (``tapeflow datasets fetch``) and ``--synthetic`` is given, a tiny
random stand-in of the same shapes is used so the code path still runs (for tests).
"""
import argparse

import numpy as np


def parse_args(description, **extra):
    """Parse ``--quick`` / ``--synthetic`` plus ``extra`` flags.

    Each extra value is a default, or ``(default, help)``, or ``(default, help, type)``
    (a type is needed when the default is None).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds' version: small subset, one epoch")
    parser.add_argument("--synthetic", action="store_true",
                        help="use random stand-in data if the data set is not provisioned")
    for name, spec in extra.items():
        default, text, kind = (spec + (None, None))[:3] if isinstance(spec, tuple) else \
            (spec, None, None)
        parser.add_argument(f"--{name.replace('_', '-')}", default=default, help=text,
                            type=kind or type(default))
    return parser.parse_args()


def load(name, quick=False, synthetic=False, n_train=2000, n_test=500):
    """``((x_train, y_train), (x_test, y_test))`` of "mnist" or "fashion_mnist"."""
    from tapeflow.keras import datasets
    module = getattr(datasets, name)
    try:
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as err:  # noqa: BLE001 - any failure to find data
        if not synthetic:
            raise
        print(f"[{name} not provisioned ({type(err).__name__}); using random stand-in data]")
        rng = np.random.default_rng(0)
        y_train = rng.integers(0, 10, n_train).astype(np.uint8)
        y_test = rng.integers(0, 10, n_test).astype(np.uint8)
        # class-dependent blobs so that a network can still learn something
        x_train = (rng.random((n_train, 28, 28)) * 60 + y_train[:, None, None] * 19)
        x_test = (rng.random((n_test, 28, 28)) * 60 + y_test[:, None, None] * 19)
        return (x_train.astype(np.uint8), y_train), (x_test.astype(np.uint8), y_test)
    if quick:
        return (x_train[:n_train], y_train[:n_train]), (x_test[:n_test], y_test[:n_test])
    return (x_train, y_train), (x_test, y_test)


def rounded(values, digits=3):
    """A list of Python floats rounded for printing (float32 would print 0.9950000047)."""
    return np.round(np.asarray(values, dtype=np.float64), digits).tolist()
