"""Creating, reshaping, joining, slicing and selecting tensors, each with its VJP.

Example:
    >>> import tapeflow as tf
    >>> tf.reshape(tf.range(6), (2, 3)).numpy().tolist()
    [[0, 1, 2], [3, 4, 5]]
"""
import builtins

import numpy as np

from tapeflow import dtypes
from tapeflow.ops.convert import binary_operands, norm_axis, to_tensor
from tapeflow.ops.registry import primitive
from tapeflow.tensor import Tensor, _to_array

# ------------------------------------------------------------------------------ creation


def _shape_tuple(shape):
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros (float32 by default)."""
    return Tensor(np.zeros(_shape_tuple(shape), dtypes.as_dtype(dtype)._np))


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones (float32 by default)."""
    return Tensor(np.ones(_shape_tuple(shape), dtypes.as_dtype(dtype)._np))


def zeros_like(input, dtype=None, name=None):  # noqa: A002
    """Zeros with the shape (and, unless given, the dtype) of ``input``."""
    x = to_tensor(input)
    return Tensor(np.zeros(x._value.shape, dtypes.as_dtype(dtype)._np if dtype else
                           x._value.dtype))


def ones_like(input, dtype=None, name=None):  # noqa: A002
    """Ones with the shape (and, unless given, the dtype) of ``input``."""
    x = to_tensor(input)
    return Tensor(np.ones(x._value.shape, dtypes.as_dtype(dtype)._np if dtype else
                          x._value.dtype))


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with ``value`` (dtype inferred from value)."""
    v = _to_array(value)
    return Tensor(np.full(_shape_tuple(dims), v, dtype=v.dtype))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """Like Python's range: ``tf.range(5)`` is int32, ``tf.range(0., 1., .25)`` float32."""
    if limit is None:
        start, limit = 0, start
    vals = [v.numpy().item() if isinstance(v, Tensor) else v for v in (start, limit, delta)]
    if dtype is None:
        dtype = dtypes.float32 if any(isinstance(v, float) for v in vals) else dtypes.int32
    return Tensor(np.arange(*vals, dtype=dtypes.as_dtype(dtype)._np))


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (float32)."""
    return Tensor(np.linspace(start, stop, int(num), dtype=np.float32))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix (optionally batched)."""
    m = np.eye(num_rows, num_columns, dtype=dtypes.as_dtype(dtype)._np)
    if batch_shape is not None:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape).copy()
    return Tensor(m)


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shape of ``input`` as a 1-D int32 tensor."""
    return Tensor(np.asarray(to_tensor(input)._value.shape, dtypes.as_dtype(out_type)._np))


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The number of elements of ``input`` as an int32 scalar."""
    return Tensor(np.asarray(to_tensor(input)._value.size, dtypes.as_dtype(out_type)._np))


def rank(input, name=None):  # noqa: A002
    """The number of axes of ``input`` as an int32 scalar."""
    return Tensor(np.asarray(to_tensor(input)._value.ndim, np.int32))


# --------------------------------------------------------------------------- reshaping

_identity = primitive("identity")(lambda x: x)
_identity.defvjp(lambda g, out, x: (g,))


def identity(input, name=None):  # noqa: A002
    """A new tensor with the same value (gradients pass straight through)."""
    return _identity(to_tensor(input))


@primitive("reshape")
def _reshape(x, shape):
    try:
        return np.reshape(x, shape)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} "
                         f"elements) into shape {shape}.") from None


_reshape.defvjp(lambda g, out, x, shape: (np.reshape(g, x.shape),))


def reshape(tensor, shape, name=None):
    """Same elements, new shape (one dimension may be -1)."""
    return _reshape(to_tensor(tensor), shape=_shape_tuple(shape))


@primitive("transpose")
def _transpose(x, perm):
    return np.transpose(x, perm)


_transpose.defvjp(lambda g, out, x, perm: (np.transpose(g, np.argsort(perm)),))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permute axes (default: reverse them)."""
    x = to_tensor(a)
    perm = tuple(builtins.range(x.ndim))[::-1] if perm is None else _shape_tuple(perm)
    if sorted(p % max(x.ndim, 1) for p in perm) != list(builtins.range(x.ndim)):
        raise ValueError(f"transpose: perm {perm} is not a permutation of the {x.ndim} axes "
                         f"of a tensor of shape {tuple(x.shape)}.")
    return _transpose(x, perm=perm)


def expand_dims(input, axis, name=None):  # noqa: A002
    """Insert a length-1 axis at ``axis``."""
    x = to_tensor(input)
    return _reshape(x, shape=np.expand_dims(np.empty(x._value.shape, np.bool_), axis).shape)


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Remove length-1 axes (all of them, or those in ``axis``)."""
    x = to_tensor(input)
    ax = norm_axis(axis, x.ndim, "squeeze")
    for a in ax or ():
        if x._value.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {x._value.shape[a]}, not 1 "
                             f"(input shape {tuple(x.shape)}).")
    return _reshape(x, shape=np.squeeze(np.empty(x._value.shape, np.bool_), ax).shape)


@primitive("broadcast_to")
def _broadcast_to(x, shape):
    return np.broadcast_to(x, shape)


_broadcast_to.defvjp(lambda g, out, x, shape: (g,))  # the tape sums broadcast axes back


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcast ``input`` to ``shape`` (NumPy's rules)."""
    return _broadcast_to(to_tensor(input), shape=_shape_tuple(shape))


@primitive("tile")
def _tile(x, multiples):
    return np.tile(x, multiples)


@_tile.defvjp
def _tile_vjp(g, out, x, multiples):
    split = [d for pair in zip(multiples, x.shape) for d in pair]
    return (g.reshape(split).sum(axis=tuple(builtins.range(0, 2 * x.ndim, 2))),)


def tile(input, multiples, name=None):  # noqa: A002
    """Repeat ``input`` ``multiples[i]`` times along axis i."""
    x = to_tensor(input)
    m = _shape_tuple(multiples)
    if len(m) != x.ndim:
        raise ValueError(f"tile: multiples has length {len(m)} but the input has rank "
                         f"{x.ndim} (shape {tuple(x.shape)}).")
    return _tile(x, multiples=m)


# ------------------------------------------------------------------- joining and slicing

@primitive("concat")
def _concat(*xs, axis):
    return np.concatenate(xs, axis=axis)


@_concat.defvjp
def _concat_vjp(g, out, *xs, axis):
    bounds = np.cumsum([x.shape[axis] for x in xs])[:-1]
    return tuple(np.split(g, bounds, axis=axis))


def concat(values, axis, name="concat"):
    """Join tensors along an existing axis."""
    ts = [to_tensor(v) for v in values]
    _same_dtype(ts, "concat")
    return _concat(*ts, axis=int(axis))


@primitive("stack")
def _stack(*xs, axis):
    return np.stack(xs, axis=axis)


@_stack.defvjp
def _stack_vjp(g, out, *xs, axis):
    return tuple(np.moveaxis(g, axis, 0))


def stack(values, axis=0, name="stack"):
    """Join same-shaped tensors along a new axis."""
    ts = [to_tensor(v) for v in values]
    _same_dtype(ts, "stack")
    shapes = {t._value.shape for t in ts}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need the same shape; got {sorted(shapes)}.")
    return _stack(*ts, axis=int(axis))


def _same_dtype(ts, op):
    kinds = {t._value.dtype for t in ts}
    if len(kinds) > 1:
        raise TypeError(f"{op}: all tensors need the same dtype; got "
                        f"{sorted(k.name for k in kinds)}. Use tf.cast first.")


def unstack(value, num=None, axis=0, name="unstack"):
    """Split along ``axis`` into a list of tensors of rank one less."""
    x = to_tensor(value)
    axis = axis % x.ndim
    lead = (slice(None),) * axis
    return [x[lead + (i,)] for i in builtins.range(x._value.shape[axis])]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split into equal parts (an int) or parts of the given sizes (a list)."""
    x = to_tensor(value)
    axis = axis % x.ndim
    n = x._value.shape[axis]
    if isinstance(num_or_size_splits, (int, np.integer)):
        if n % num_or_size_splits:
            raise ValueError(f"split: axis {axis} of size {n} cannot be split evenly into "
                             f"{num_or_size_splits} parts.")
        sizes = [n // num_or_size_splits] * int(num_or_size_splits)
    else:
        sizes = list(_shape_tuple(num_or_size_splits))
        if -1 in sizes:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the size of axis "
                             f"{axis}.")
    lead = (slice(None),) * axis
    starts = np.cumsum([0] + sizes)
    return [x[lead + (slice(int(a), int(b)),)] for a, b in zip(starts[:-1], starts[1:])]


def _index_key(key):
    """Tensors inside an index become NumPy arrays (a list of ints becomes an array)."""
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, Tensor):
        return key._value
    if isinstance(key, list):
        return np.asarray(key)
    return key


def _is_basic(key):
    """True for an index of slices, ints, None and Ellipsis only (no arrays, no bools)."""
    parts = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, slice) or
               (isinstance(k, (int, np.integer)) and not isinstance(k, bool)) for k in parts)


@primitive("getitem")
def _getitem(x, key):
    out = x[key]
    if x.dtype == object and not isinstance(out, np.ndarray):
        out = np.array(out, dtype=object)  # one string: a 0-d string tensor, not bytes
    return out


@_getitem.defvjp
def _getitem_vjp(g, out, x, key):
    gx = np.zeros(x.shape, g.dtype)
    if _is_basic(key):  # slices pick each element at most once: assign, no np.add.at
        gx[key] = g
    else:
        np.add.at(gx, key, g)
    return (gx,)


def getitem(tensor, key):
    """``tensor[key]``: basic slicing and integer-array indexing, differentiable."""
    return _getitem(tensor, key=_index_key(key))


@primitive("gather")
def _gather(params, indices, axis):
    return np.take(params, indices, axis=axis)


@_gather.defvjp
def _gather_vjp(g, out, params, indices, axis):
    gp = np.zeros(params.shape, g.dtype)
    moved = np.moveaxis(gp, axis, 0)
    gm = np.moveaxis(g, tuple(builtins.range(axis, axis + indices.ndim)),
                     tuple(builtins.range(indices.ndim)))
    np.add.at(moved, indices, gm)
    return gp, None


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Select slices of ``params`` along ``axis`` (default 0) at ``indices``."""
    if batch_dims:
        raise NotImplementedError("gather: batch_dims other than 0 is not supported yet.")
    p = to_tensor(params)
    idx = to_tensor(indices)
    axis = 0 if axis is None else int(axis) % p.ndim
    n = p._value.shape[axis]
    iv = idx._value
    if iv.dtype.kind not in "iu":
        raise TypeError(f"gather: indices must be integers; got dtype {iv.dtype.name}.")
    if iv.size and (iv.min() < -n or iv.max() >= n):
        raise IndexError(f"gather: indices must be in [0, {n}) for axis {axis} of shape "
                         f"{tuple(p.shape)}; got min {iv.min()} and max {iv.max()}.")
    return _gather(p, idx, axis=axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encode integer ``indices`` into a new last axis of size ``depth``.

    Example:
        >>> one_hot([0, 2], 3).numpy().tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
        >>> one_hot([1], 2, on_value=1, off_value=0).dtype    # int32, from on_value
        tf.int32
    """
    idx = to_tensor(indices)._value
    if dtype is None:  # TensorFlow: the dtype of on_value / off_value, else float32
        given = next((v for v in (on_value, off_value) if v is not None), None)
        dtype = dtypes.float32 if given is None else to_tensor(given).dtype
    npd = dtypes.as_dtype(dtype)._np
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    out = (idx[..., None] == np.arange(int(depth))).astype(npd)
    out = np.where(out.astype(bool), np.asarray(on, npd), np.asarray(off, npd))
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


@primitive("where")
def _where(cond, x, y):
    return np.where(cond, x, y)


_where.defvjp(lambda g, out, cond, x, y: (None, g * cond, g * ~cond))


def where(condition, x=None, y=None, name=None):
    """With x and y: pick from x where ``condition`` else from y. Alone: indices of True."""
    c = to_tensor(condition)
    if x is None and y is None:
        return Tensor(np.argwhere(c._value).astype(np.int64))
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither.")
    x, y = binary_operands(x, y, "where")
    return _where(Tensor(c._value.astype(bool, copy=False)), x, y)


@primitive("clip_by_value")
def _clip(x, lo, hi):
    return np.clip(x, lo, hi)


_clip.defvjp(lambda g, out, x, lo, hi: (g * ((x >= lo) & (x <= hi)), g * (x < lo), g * (x > hi)))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clamp ``t`` into [min, max]; the gradient flows to ``t`` where it was not clipped
    and to the bound that clipped it elsewhere (as in TensorFlow)."""
    x = to_tensor(t)
    lo = to_tensor(clip_value_min, x.dtype)
    hi = to_tensor(clip_value_max, x.dtype)
    return _clip(x, Tensor(lo._value.astype(x._value.dtype, copy=False)),
                 Tensor(hi._value.astype(x._value.dtype, copy=False)))


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """Keep the entries (rows) where ``mask`` is True (differentiable in ``tensor``)."""
    m = to_tensor(mask)._value.astype(bool)
    return getitem(to_tensor(tensor), m)


def reverse(tensor, axis, name=None):
    """Reverse the order of entries along each axis in ``axis``."""
    x = to_tensor(tensor)
    key = [slice(None)] * x.ndim
    for a in norm_axis(axis, x.ndim, "reverse"):
        key[a] = slice(None, None, -1)
    return x[tuple(key)]


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorted copy along ``axis`` (no gradient)."""
    v = np.sort(to_tensor(values)._value, axis=axis)
    return Tensor(np.flip(v, axis) if direction == "DESCENDING" else v)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Indices that sort ``values`` along ``axis`` (int32)."""
    v = to_tensor(values)._value
    idx = np.argsort(-v if direction == "DESCENDING" else v, axis=axis, kind="stable")
    return Tensor(idx.astype(np.int32))
