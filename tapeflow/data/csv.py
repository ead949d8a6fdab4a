"""``tf.data.experimental.CsvDataset`` and ``make_csv_dataset``: CSV files (RFC 4180,
optionally GZIP or ZLIB compressed) as datasets, with TensorFlow's arguments.

``CsvDataset`` yields one tuple of scalars per line, typed by ``record_defaults`` (a
dtype makes the column required; a value is the default for an empty field).
``make_csv_dataset`` reads the header, infers each column's type (int32, float32 or
string), and yields batches of ``(features_dict, label)`` (or ``features_dict``).

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.csv")
    >>> _ = open(path, "w").write("1,2,3,4\\n,2,3,4\\n1,,3,4\\n")
    >>> ds = CsvDataset(path, [999, 999, 999, 999])
    >>> [[int(v) for v in row] for row in ds]
    [[1, 2, 3, 4], [999, 2, 3, 4], [1, 999, 3, 4]]
"""
import csv
import gzip
import io
import zlib

import numpy as np

from tapeflow import dtypes
from tapeflow.data import structure
from tapeflow.data.dataset import Dataset
from tapeflow.data.structure import TensorSpec

__all__ = ["CsvDataset", "make_csv_dataset"]


def _files(filenames):
    names = structure.to_array(filenames).reshape(-1).tolist()
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _text(path, compression_type):
    with open(path, "rb") as f:
        raw = f.read()
    if compression_type == "GZIP":
        raw = gzip.decompress(raw)
    elif compression_type == "ZLIB":
        raw = zlib.decompress(raw)
    elif compression_type not in (None, ""):
        raise ValueError(f"CsvDataset: compression_type must be '', 'GZIP' or 'ZLIB'; got "
                         f"{compression_type!r}.")
    return io.StringIO(raw.decode("utf-8"))


def _column(default):
    """``(numpy dtype, default value or None)`` of one entry of ``record_defaults``."""
    if isinstance(default, (dtypes.DType, type, np.dtype)) or isinstance(default, str) and \
            default in ("float32", "float64", "int32", "int64", "string"):
        dtype = dtypes.as_dtype(default)
        return (object if dtype.name == "string" else dtype._np), None
    arr = structure.to_array(default).reshape(-1)
    if arr.size == 0:  # an empty tensor of a dtype: the column is required
        return arr.dtype, None
    return arr.dtype, arr[0]


def _value(field, dtype, default, line, col):
    if field == "":
        if default is None:
            raise ValueError(f"CsvDataset: field {col} of line {line} is empty and its "
                             f"record_defaults entry is a dtype (required); give a default "
                             f"value instead.")
        return np.array(default, dtype)
    if dtype is object:
        return np.array(field.encode("utf-8"), dtype=object)
    try:
        return np.array(field, dtype) if np.dtype(dtype).kind != "b" else \
            np.array(field.lower() == "true")
    except ValueError:
        raise ValueError(f"CsvDataset: field {col} of line {line} is {field!r}, not a "
                         f"{np.dtype(dtype).name}.") from None


class CsvDataset(Dataset):
    """``tf.data.experimental.CsvDataset(filenames, record_defaults, ...)``."""

    _tf_name = "CsvDatasetV2"

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None, name=None):
        self._files = _files(filenames)
        self._columns = [_column(d) for d in record_defaults]
        if select_cols is not None and len(select_cols) != len(self._columns):
            raise ValueError(f"CsvDataset: select_cols names {len(select_cols)} columns but "
                             f"record_defaults has {len(self._columns)} entries.")
        self._select, self._exclude = select_cols, set(exclude_cols or ())
        self._compression, self._header = compression_type, bool(header)
        self._delim, self._quote, self._na = field_delim, use_quote_delim, na_value

    def _rows(self, path):
        reader = csv.reader(_text(path, self._compression), delimiter=self._delim,
                            quoting=csv.QUOTE_MINIMAL if self._quote else csv.QUOTE_NONE)
        for k, fields in enumerate(reader):
            if k == 0 and self._header or not fields:
                continue
            cols = self._select if self._select is not None else \
                [c for c in range(len(fields)) if c not in self._exclude]
            if len(cols) != len(self._columns) or max(cols) >= len(fields):
                raise ValueError(f"CsvDataset: line {k + 1} of {path} has {len(fields)} "
                                 f"fields; expected {len(self._columns)} columns.")
            yield k + 1, [("" if fields[c] == self._na else fields[c]) for c in cols]

    def _elements(self):
        for path in self._files:
            for line, fields in self._rows(path):
                yield tuple(_value(f, dtype, default, line, c) for c, (f, (dtype, default))
                            in enumerate(zip(fields, self._columns)))

    def _spec(self):
        return tuple(TensorSpec((), "string" if d is object else d) for d, _ in self._columns)


def _infer(values):
    """The narrowest of int32, float32 and string that holds every non-empty value."""
    kinds = [int, float]
    for value in values:
        if value == "":
            continue
        while kinds:
            try:
                kinds[0](value)
                break
            except ValueError:
                kinds.pop(0)
    return {int: np.int32, float: np.float32}[kinds[0]] if kinds else object


def _defaults(file_pattern, names, column_defaults, header, delim):
    if column_defaults is not None:
        return list(column_defaults)
    with _text(_files(file_pattern)[0], None) as f:
        rows = list(csv.reader(f, delimiter=delim))[1 if header else 0:][:1000]
    out = []
    for c in range(len(names)):
        dtype = _infer([r[c] for r in rows if c < len(r)])
        out.append({np.int32: 0, np.float32: 0.0}.get(dtype, ""))
    return out


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None,
                     ignore_errors=False, encoding="utf-8"):
    """``tf.data.experimental.make_csv_dataset``: batches of ``(features, label)`` with
    features a dict by column name; repeats forever unless ``num_epochs`` is given."""
    files = _files(file_pattern)
    if column_names is None:
        with _text(files[0], compression_type) as f:
            column_names = next(csv.reader(f, delimiter=field_delim))
    names = list(column_names)
    keep = [names.index(c) if isinstance(c, str) else int(c)
            for c in (select_columns or names)]
    keep.sort()
    defaults = _defaults(file_pattern, names, column_defaults, header, field_delim)
    if len(defaults) == len(names):
        defaults = [defaults[c] for c in keep]
    if label_name is not None and label_name not in [names[c] for c in keep]:
        raise ValueError(f"make_csv_dataset: label_name {label_name!r} is not among the "
                         f"columns {[names[c] for c in keep]}.")
    ds = CsvDataset(files, defaults, compression_type, header=header,
                    field_delim=field_delim, use_quote_delim=use_quote_delim,
                    na_value=na_value, select_cols=keep)
    kept = [names[c] for c in keep]

    def to_dict(*row):
        features = dict(zip(kept, row))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label

    ds = ds.map(to_dict)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    return ds.repeat(num_epochs).batch(batch_size).prefetch(prefetch_buffer_size or 1)
