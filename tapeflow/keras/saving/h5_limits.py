"""Size checks for the datasets of an untrusted HDF5 file, made before reading them.

An HDF5 dataset declares its shape in a few bytes of metadata, and its data may be
compressed, unallocated (read back as fill values) or claimed to lie beyond the end
of the file: a 7 KB file can declare a 4 GiB dataset, which NumPy would allocate
before libhdf5 noticed anything. So every reader of weights (the Keras 3 layout, the
Keras-2 layout, and :mod:`h5_guard`'s reader) takes a :class:`ReadBudget` for the
file and calls :meth:`ReadBudget.check` on each dataset before reading it: only
plain numeric data stored inside the file is read, and all of a file's datasets
together may declare at most ``FLOOR_BYTES + MAX_EXPANSION * file size`` bytes,
which a real weights file (stored uncompressed by Keras, or compressed at most a
hundredfold) never approaches.

Example:
    >>> import io, h5py, numpy as np
    >>> f = h5py.File(io.BytesIO(), "w")
    >>> f["ok"] = np.zeros(3, "float32")
    >>> _ = f.create_dataset("bomb", shape=(1 << 30,), dtype="float32", chunks=True,
    ...                      compression="gzip")
    >>> budget = ReadBudget(f, "w.weights.h5")
    >>> budget.check(f["ok"], "ok")
    >>> budget.check(f["bomb"], "bomb")
    Traceback (most recent call last):
    ...
    tapeflow.keras.saving.errors.ModelFileError: Cannot load 'w.weights.h5': dataset 'bomb' declares shape (1073741824,) of float32 (4,294,967,296 bytes) ...
"""
from tapeflow.keras.saving.errors import ModelFileError

__all__ = ["ReadBudget", "declared_bytes", "FLOOR_BYTES", "MAX_EXPANSION"]

FLOOR_BYTES = 64 << 20   # any file may declare this much in total
MAX_EXPANSION = 100      # plus this many declared bytes per byte of file


def declared_bytes(ds):
    """Bytes a dataset's declared shape and dtype need (Python ints: no overflow)."""
    count = 1
    for dim in ds.shape or ():
        count *= int(dim)
    return count * ds.dtype.itemsize


class ReadBudget:
    """The bytes an open HDF5 file may still make its reader allocate.

    Args:
        h5file: the open ``h5py.File`` (its size on disk sets the budget).
        filepath: the file's name, for error messages.
        file_size: the size to budget for, when known better than libhdf5 knows it.
    """

    def __init__(self, h5file, filepath=None, file_size=None):
        if file_size is None:
            file_size = h5file.file.id.get_filesize()
        self.file_size = int(file_size)
        self.limit = FLOOR_BYTES + MAX_EXPANSION * self.file_size
        self.remaining = self.limit
        self.filepath = filepath

    def _fail(self, message):
        return ModelFileError(message, filepath=self.filepath)

    def check(self, ds, where):
        """Raise ModelFileError unless ``ds`` is plain numbers the file can justify;
        otherwise charge its declared bytes to the budget."""
        if ds.dtype.kind not in "biuf":
            raise self._fail(f"dataset '{where}' has dtype {ds.dtype}; weights must be "
                             f"numbers.")
        if ds.external or ds.is_virtual:
            raise self._fail(f"dataset '{where}' stores its data outside this file; "
                             f"refusing to follow it.")
        need = declared_bytes(ds)
        stored = ds.id.get_storage_size()
        if need > self.remaining or stored > self.file_size:
            raise self._fail(
                f"dataset '{where}' declares shape {tuple(ds.shape)} of {ds.dtype} "
                f"({need:,} bytes) but the file is {self.file_size:,} bytes and stores "
                f"{stored:,} bytes for it; a weights file may declare at most "
                f"{self.limit:,} bytes in all. The file is corrupt or crafted "
                f"(a decompression bomb); refusing to allocate the memory.")
        self.remaining -= need
