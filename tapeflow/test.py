"""``tf.test``'s GPU queries, answered for tapeflow's CPU-only engine.

Example:
    >>> import tapeflow as tf
    >>> tf.test.is_gpu_available(), tf.test.gpu_device_name(), tf.test.is_built_with_cuda()
    (False, '', False)
"""
__all__ = ["is_gpu_available", "gpu_device_name", "is_built_with_cuda"]


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """Always False: tapeflow computes on the CPU with NumPy."""
    return False


def gpu_device_name():
    """The GPU's device name, which is '' when there is none (always, here)."""
    return ""


def is_built_with_cuda():
    return False
