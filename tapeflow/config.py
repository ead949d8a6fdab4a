"""``tf.config`` and ``tf.test``'s device queries: tapeflow runs on the CPU only.

The first cell of many notebooks asks for a GPU; here the answer is always the CPU.

Example:
    >>> import tapeflow as tf
    >>> tf.config.list_physical_devices()
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    >>> tf.config.list_physical_devices("GPU")
    []
"""
import contextlib
from collections import namedtuple

__all__ = ["PhysicalDevice", "LogicalDevice", "list_physical_devices",
           "list_logical_devices", "get_visible_devices", "set_visible_devices",
           "experimental", "device", "run_functions_eagerly", "functions_run_eagerly"]

PhysicalDevice = namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = namedtuple("LogicalDevice", ["name", "device_type"])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
FUNCTIONS_EAGERLY = [False]  # read by tapeflow.function at every call


def run_functions_eagerly(run_eagerly):
    """``tf.config.run_functions_eagerly(True)``: every ``tf.function`` runs its Python
    code at each call (no tracing, no replay), to debug it; ``False`` restores tracing.

    Example:
        >>> import tapeflow as tf
        >>> tf.config.run_functions_eagerly(True); tf.config.functions_run_eagerly()
        True
        >>> tf.config.run_functions_eagerly(False)
    """
    FUNCTIONS_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly():
    """Whether :func:`run_functions_eagerly` is on."""
    return FUNCTIONS_EAGERLY[0]


def _check_type(device_type):
    if device_type is not None and not isinstance(device_type, str):
        raise TypeError(f"device_type must be a string such as 'CPU' or 'GPU'; got "
                        f"{type(device_type).__name__} {device_type!r:.40}.")
    return device_type is None or device_type.upper() == "CPU"


def list_physical_devices(device_type=None):
    """The CPU (tapeflow has no GPU support), or [] for any other device type."""
    return [_CPU] if _check_type(device_type) else []


get_visible_devices = list_physical_devices


def list_logical_devices(device_type=None):
    """The CPU as a logical device, or [] for any other device type."""
    return [LogicalDevice("/device:CPU:0", "CPU")] if _check_type(device_type) else []


def set_visible_devices(devices, device_type=None):
    """Accepted for the CPU (nothing to change); a GPU cannot be made visible."""
    devices = devices if isinstance(devices, (list, tuple)) else [devices]
    for device in devices:
        if getattr(device, "device_type", "CPU") != "CPU":
            raise ValueError(f"set_visible_devices: tapeflow runs on the CPU only; got "
                             f"{device!r}.")


class _Experimental:
    """``tf.config.experimental``: the same queries; memory growth is a no-op on the CPU."""

    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)
    get_visible_devices = staticmethod(get_visible_devices)
    set_visible_devices = staticmethod(set_visible_devices)

    @staticmethod
    def set_memory_growth(device, enable):
        """Nothing to do: there is no GPU memory to grow."""

    @staticmethod
    def get_memory_growth(device):
        return False


experimental = _Experimental()


@contextlib.contextmanager
def device(device_name):
    """``with tf.device("/GPU:0"):`` places ops on that device in TensorFlow; tapeflow
    computes everything on the CPU, as TensorFlow's soft placement does without a GPU."""
    if device_name is not None and not isinstance(device_name, str):
        raise TypeError(f"tf.device expects a device name such as '/CPU:0'; got "
                        f"{type(device_name).__name__} {device_name!r:.40}.")
    yield
