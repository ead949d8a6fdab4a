"""Keras 3's HDF5 weights layout: ``model.weights.h5`` and ``*.weights.h5`` files.

Each stored object (see :mod:`walk`) is a group ``<path>/vars`` with an attribute
``name`` (the object's ``name``) and one dataset per variable, named ``"0"``,
``"1"`` ...: ``layers/dense/vars/0`` is the first Dense layer's kernel,
``layers/dense/vars/1`` its bias, ``optimizer/vars/0`` the optimizer's iteration
count, ``optimizer/vars/1`` its learning rate, then its slots.

Reading is strict and safe: only plain numeric datasets are read (no links to other
files, no virtual or external datasets, no strings or objects), every declared
shape is checked against the model and every declared size against the file
(:mod:`h5_limits`) before any data is read, and a problem names the file and the H5
path.

Example:
    >>> import io
    >>> import h5py, numpy as np
    >>> f = h5py.File(io.BytesIO(), "w")
    >>> store = H5Store(f, mode="w")
    >>> store.write_group("layers/dense", "dense", [np.zeros((2, 3), "float32")])
    >>> sorted(f["layers/dense/vars"].keys()), f["layers/dense/vars"].attrs["name"]
    (['0'], 'dense')
"""
import warnings

import numpy as np

from tapeflow.keras.saving import walk
from tapeflow.keras.saving.errors import ModelFileError, require_h5py
from tapeflow.keras.saving.h5_limits import ReadBudget

__all__ = ["H5Store", "write_model_state", "read_model_state"]


class H5Store:
    """Reads or writes ``<path>/vars`` groups of an open ``h5py.File``.

    Args:
        h5file: an open ``h5py.File`` (or group).
        mode: ``"r"`` or ``"w"``.
        filepath: the file's name, for error messages.
    """

    def __init__(self, h5file, mode="r", filepath=None):
        self.h5 = h5file
        self.mode = mode
        self.filepath = filepath
        self._h5py = require_h5py()
        self._budget = ReadBudget(h5file, filepath) if mode == "r" else None

    def _fail(self, message):
        return ModelFileError(message, filepath=self.filepath)

    # --- writing ---------------------------------------------------------------------
    def write_group(self, path, name, arrays):
        """Create ``<path>/vars`` (named ``name``) holding ``arrays`` as "0", "1" ..."""
        group = self.h5.create_group(f"{path}/vars" if path else "vars")
        if isinstance(name, str):
            group.attrs["name"] = name
        for i, value in enumerate(arrays):
            group.create_dataset(str(i), data=np.asarray(value))

    def write_named(self, path, name, store):
        """Create ``<path>/vars`` holding a layer's ``save_own_variables`` dict."""
        group = self.h5.create_group(f"{path}/vars" if path else "vars")
        if isinstance(name, str):
            group.attrs["name"] = name
        for key, value in store.items():
            group.create_dataset(str(key), data=np.asarray(value))

    # --- reading ---------------------------------------------------------------------
    def _child(self, parent, key, where):
        link = parent.get(key, getlink=True)
        if isinstance(link, (self._h5py.SoftLink, self._h5py.ExternalLink)):
            raise self._fail(f"'{where}' is a {type(link).__name__}; links are not allowed "
                             f"in a weights file.")
        return parent[key]

    def vars_group(self, path):
        """The ``<path>/vars`` group, or ``None`` when the file has none there."""
        node = self.h5
        parts = [p for p in path.split("/") if p] + ["vars"]
        for i, part in enumerate(parts):
            where = "/".join(parts[:i + 1])
            if not isinstance(node, self._h5py.Group) or part not in node:
                return None
            node = self._child(node, part, where)
        if not isinstance(node, self._h5py.Group):
            raise self._fail(f"'{path}/vars' should be a group of datasets; found a "
                             f"{type(node).__name__}.")
        return node

    def datasets(self, group, where):
        """The datasets "0", "1" ... of ``group``, unread, checked for safety."""
        keys = list(group.keys())
        expected = [str(i) for i in range(len(keys))]
        if sorted(keys, key=lambda k: (len(k), k)) != expected:
            raise self._fail(f"'{where}' should hold datasets named 0..{len(keys) - 1}; "
                             f"found {sorted(keys)}.")
        return [self._dataset(self._child(group, k, f"{where}/{k}"), f"{where}/{k}")
                for k in expected]

    def read_arrays(self, group, where):
        """The datasets "0", "1" ... of ``group`` as NumPy arrays, checked for safety."""
        return [np.asarray(ds[()]) for ds in self.datasets(group, where)]

    def _dataset(self, ds, where):
        if not isinstance(ds, self._h5py.Dataset):
            raise self._fail(f"'{where}' should be a dataset; found a {type(ds).__name__}.")
        self._budget.check(ds, where)
        return ds


def write_model_state(model, h5file, filepath=None):
    """Write every layer's and the optimizer's variables in Keras 3's layout."""
    store = H5Store(h5file, "w", filepath)
    for path, obj in walk.saveable_paths(model):
        if _has_hooks(obj):
            named = {}
            obj.save_own_variables(named)
            store.write_named(path, getattr(obj, "name", None), named)
            continue
        arrays = [_as_array(v) for v in walk.own_variables(obj)]
        store.write_group(path, getattr(obj, "name", None), arrays)


def _has_hooks(obj):
    """A layer that stores its state itself through Keras's ``save_own_variables`` /
    ``load_own_variables`` (named datasets, e.g. TextVectorization's ``idf_weights``)."""
    return walk.is_layer(obj) and hasattr(type(obj), "save_own_variables") and \
        hasattr(type(obj), "load_own_variables")


def _read_named(store, obj, path):
    """``{name: array}`` of a hook layer's ``<path>/vars`` group (checked for safety)."""
    group = store.vars_group(path)
    if group is None:
        return {}
    where = f"{path}/vars"
    return {key: np.asarray(store._dataset(store._child(group, key, f"{where}/{key}"),
                                           f"{where}/{key}")[()]) for key in group.keys()}


def _as_array(variable):
    value = variable.array if hasattr(variable, "array") else variable
    return np.asarray(value)


def read_model_state(model, h5file, filepath=None, skip_mismatch=False):
    """Assign the variables stored in ``h5file`` to ``model`` (built already).

    Every layer is checked before anything is assigned, so a mismatch leaves the
    model untouched; with ``skip_mismatch=True`` mismatching layers are skipped with
    a warning instead. A saved optimizer state whose variable count differs from the
    model's optimizer (for example one not built yet) is skipped with a warning, as
    in Keras.
    """
    store = H5Store(h5file, "r", filepath)
    plan, problems, hooked = [], [], []
    for path, obj in walk.saveable_paths(model):
        if _has_hooks(obj):
            hooked.append((obj, _read_named(store, obj, path)))
            continue
        variables = walk.own_variables(obj)
        where = f"{path}/vars" if path else "vars"
        group = store.vars_group(path)
        arrays = [] if group is None else store.datasets(group, where)
        problem = _mismatch(obj, variables, arrays, where, group is None)
        if problem is None:
            plan.append((variables, arrays))
        elif walk.is_optimizer(obj) and len(arrays) != len(variables):
            if group is not None or variables[2:]:
                warnings.warn(f"Skipping variable loading for optimizer '{obj.name}', "
                              f"because it has {len(variables)} variables whereas the saved "
                              f"optimizer has {len(arrays)} variables.", stacklevel=3)
        else:
            problems.append(problem)
    _report(problems, skip_mismatch, filepath)
    plan = [(variables, [np.asarray(ds[()]) for ds in datasets])
            for variables, datasets in plan]  # every shape checked: now read the data
    for variables, arrays in plan:
        for v, a in zip(variables, arrays):
            v.assign(a.astype(v.array.dtype, copy=False))
    for obj, named in hooked:
        obj.load_own_variables(named)


def _report(problems, skip_mismatch, filepath):
    if problems and not skip_mismatch:
        raise ModelFileError(
            f"the weights do not fit the model ({len(problems)} problem(s)): "
            + "; ".join(problems) + ". Build the model exactly as when it was saved, or "
            "pass skip_mismatch=True to load only the layers that match.", filepath)
    if problems:
        warnings.warn("Skipped layers whose weights do not match: " + "; ".join(problems),
                      stacklevel=4)


def _mismatch(obj, variables, arrays, where, missing):
    label = f"{type(obj).__name__} '{getattr(obj, 'name', '?')}' at '{where}'"
    if len(arrays) != len(variables):
        if missing and not variables:
            return None
        found = "nothing (the group is missing)" if missing else f"{len(arrays)}"
        return (f"{label} expects {len(variables)} variable(s) "
                f"{[tuple(v.shape) for v in variables]} but the file has {found}")
    for i, (v, a) in enumerate(zip(variables, arrays)):
        if tuple(v.shape) != tuple(a.shape):
            return (f"{label} variable {i} ({getattr(v, 'name', '?')}) has shape "
                    f"{tuple(v.shape)} in the model but {tuple(a.shape)} in the file")
    return None
