"""tapeflow's version, and the TensorFlow and Keras versions whose API it follows.

``tf.__version__`` is ``"2.16.0+tapeflow.0.1.0"``: the TensorFlow release whose API
tapeflow follows (2.16, the first with Keras 3), then, as a PEP 440 local label, that
this is tapeflow and which release of it. Course code that checks
``tf.__version__ >= "2"`` or ``packaging.version.parse(tf.__version__).major == 2``
keeps working, and printing the version says what is running. ``keras.__version__``
is ``"3.15.0+tapeflow.0.1.0"`` in the same way; files record the plain Keras version
(``KERAS_VERSION``), the format they follow.

Example:
    >>> __version__
    '2.16.0+tapeflow.0.1.0'
    >>> __version__ >= "2", keras_version().split("+")[0] == KERAS_VERSION
    (True, True)
"""
__all__ = ["TAPEFLOW_VERSION", "TF_API_VERSION", "KERAS_VERSION", "__version__",
           "keras_version"]

TAPEFLOW_VERSION = "0.1.0"   # the package's version (pyproject.toml)
TF_API_VERSION = "2.16.0"    # the TensorFlow API followed
KERAS_VERSION = "3.15.0"     # the Keras behaviour and file format followed

__version__ = f"{TF_API_VERSION}+tapeflow.{TAPEFLOW_VERSION}"


def keras_version():
    """``keras.__version__``: the Keras version followed, labelled as tapeflow's."""
    return f"{KERAS_VERSION}+tapeflow.{TAPEFLOW_VERSION}"
