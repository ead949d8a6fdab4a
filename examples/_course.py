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
    if synthetic and not provisioned(module.SPEC):
        print(f"[{name} not provisioned; using random stand-in data]")
        from tapeflow.keras.utils import set_random_seed
        set_random_seed(0)  # stand-in runs (the test suite's) start from fixed weights too
        return stand_in(n_train, seed=0), stand_in(n_test, seed=1)
    (x_train, y_train), (x_test, y_test) = module.load_data()
    if quick:
        return (x_train[:n_train], y_train[:n_train]), (x_test[:n_test], y_test[:n_test])
    return (x_train, y_train), (x_test, y_test)


def stand_in(n, seed):
    """``n`` noisy 28x28 uint8 images whose class ``c`` is a bright band at row 2c + 4,
    so that a network still learns something in one epoch."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    rows = np.arange(28)[None, :, None]
    start = 2 * labels[:, None, None].astype(int) + 4
    images = rng.random((n, 28, 28)) * 60 + 150 * ((rows >= start) & (rows < start + 4))
    return images.astype(np.uint8), labels


def provisioned(spec):
    """True when the data set is in a local cache (no download would be needed)."""
    from tapeflow.keras.datasets import sources
    try:
        sources.resolve(spec, sources.local_sources(spec), progress=False)
    except sources.DatasetUnavailableError:
        return False
    return True


def rounded(values, digits=3):
    """A list of Python floats rounded for printing (float32 would print 0.9950000047)."""
    return np.round(np.asarray(values, dtype=np.float64), digits).tolist()
