"""Shared helpers for the saving tests: fixture paths, tiny models, a file lister.

Every test here needs h5py (the ``h5`` extra); the directory is skipped without it.
"""
import io
import json
import os
import sys

import numpy as np
import pytest

pytest.importorskip("h5py")

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras3")
sys.path.insert(0, os.path.dirname(__file__))


def fixture_path(name):
    return os.path.join(FIXTURES, name)


@pytest.fixture(scope="session")
def expected():
    """What real Keras 3.15.1 computed for the committed fixture files."""
    with open(fixture_path("expected.json")) as f:
        return json.load(f)


@pytest.fixture(autouse=True)
def _fresh_names():
    # Automatic layer names (dense, dense_1 ...) start afresh in every test.
    from tapeflow.keras import backend
    backend.clear_session()
    yield


def h5_listing(source):
    """``{path: (kind, shape, sorted attribute names)}`` of an HDF5 file or bytes."""
    import h5py
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    out = {}
    with h5py.File(source, "r") as h5:
        h5.visititems(lambda name, obj: out.__setitem__(
            name, (type(obj).__name__, getattr(obj, "shape", None), sorted(obj.attrs))))
    return out


def as_inputs(entry):
    arrays = [np.array(x, np.float32) for x in entry["inputs"]]
    return arrays if len(arrays) > 1 else arrays[0]
