"""Shared test settings: deterministic seeds and no GPU/TensorFlow anywhere."""
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _seed_everything():
    import tapeflow as tf
    np.random.seed(0)
    tf.random.set_seed(0)
    yield
