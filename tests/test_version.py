"""tf.__version__ / keras.__version__: the API followed, labelled as tapeflow."""
import os
import re

import tapeflow as tf
from tapeflow import _version


def test_tf_version_says_tensorflow_2_and_tapeflow():
    assert tf.__version__ == tf.version.VERSION == "2.16.0+tapeflow.0.1.0"
    assert tf.__version__ >= "2" and tf.__version__.split(".")[0] == "2"
    assert "tapeflow" in tf.__version__


def test_keras_version_says_keras_3_and_tapeflow():
    assert tf.keras.__version__ == "3.15.0+tapeflow.0.1.0"
    assert tf.keras.__version__ >= "3"
    from tapeflow.keras.version import __version__ as written_in_files
    assert written_in_files == "3.15.0"


def test_tapeflow_version_matches_pyproject():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "pyproject.toml")) as f:
        declared = re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)
    assert _version.TAPEFLOW_VERSION == tf.version.TAPEFLOW_VERSION == declared
