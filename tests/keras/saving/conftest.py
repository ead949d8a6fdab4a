"""Saving tests: need h5py (the ``h5`` extra); helpers live in saving_testlib.py."""
import json
import os
import sys

import pytest

pytest.importorskip("h5py")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from saving_testlib import fixture_path  # noqa: E402


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
