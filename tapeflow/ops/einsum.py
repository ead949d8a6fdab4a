"""``tf.einsum``, ``tf.unique``, ``tf.searchsorted``, ``tf.map_fn``, ``tf.get_static_value``.

``einsum`` is a primitive over ``np.einsum``; its VJP is an einsum too, with the
upstream gradient put in the place of the operand being differentiated (indices that
only that operand sums over are broadcast back; a repeated index writes a diagonal).
The others are eager helpers: ``unique`` and ``searchsorted`` have no gradient (as in
TensorFlow), ``map_fn`` is a Python loop over the first axis whose results are stacked
(differentiable through ``stack``).

Example:
    >>> import tapeflow as tf
    >>> tf.einsum("ij,jk->ik", [[1.0, 2.0]], [[3.0], [4.0]]).numpy().tolist()
    [[11.0]]
    >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    >>> y.numpy().tolist(), idx.numpy().tolist()
    ([1, 2, 4, 7, 8], [0, 0, 1, 2, 2, 2, 3, 4, 4])
    >>> tf.searchsorted([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]], [[2, 4, 9], [0, 2, 6]]).numpy().tolist()
    [[1, 2, 2], [0, 1, 5]]
    >>> tf.map_fn(lambda t: t * t, tf.constant([1, 2, 3])).numpy().tolist()
    [1, 4, 9]
"""
import string

import numpy as np

from tapeflow import dtypes
from tapeflow.ops import array as array_ops
from tapeflow.ops import math as math_ops
from tapeflow.ops.convert import to_tensor
from tapeflow.ops.registry import primitive
from tapeflow.tensor import Tensor

__all__ = ["einsum", "unique", "searchsorted", "map_fn", "get_static_value"]


def _parse(equation, ndims):
    """Explicit subscripts: one string per operand and the output, ``...`` spelled out."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(ndims):
        raise ValueError(f"einsum: the equation {equation!r} names {len(subs)} operand(s); "
                         f"received {len(ndims)} tensor(s). Give one tensor per operand.")
    free = [c for c in string.ascii_letters if c not in equation]
    n_ell = max([n - len(s.replace("...", "")) for s, n in zip(subs, ndims)
                 if "..." in s] + [0])
    ell = "".join(free[:n_ell])
    subs = [s.replace("...", ell[n_ell - (n - len(s) + 3):] if n_ell else "")
            if "..." in s else s for s, n in zip(subs, ndims)]
    if not arrow:
        letters = "".join(subs)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1
                                   and c not in ell))
    else:
        out = out.replace("...", ell)
    return subs, out


@primitive("einsum")
def _einsum(*xs, subs, out):
    return np.einsum(",".join(subs) + "->" + out, *xs)


@_einsum.defvjp
def _einsum_vjp(g, out_value, *xs, subs, out, needs=None):
    grads = []
    for i, x in enumerate(xs):
        if needs is not None and not needs[i]:
            grads.append(None)
            continue
        others = [s for j, s in enumerate(subs) if j != i]
        seen = set(out).union(*others)
        mine = "".join(dict.fromkeys(subs[i]))          # unique letters, in order
        kept = "".join(c for c in mine if c in seen)
        part = np.einsum(",".join([out] + others) + "->" + kept, g,
                         *[x2 for j, x2 in enumerate(xs) if j != i])
        sizes = dict(zip(subs[i], x.shape))
        part = np.broadcast_to(part.reshape([sizes[c] if c in kept else 1 for c in mine]),
                               [sizes[c] for c in mine])
        if len(mine) == len(subs[i]):
            grads.append(np.einsum(mine + "->" + subs[i], part))
        else:                                            # a repeated index: a diagonal
            full = np.zeros(x.shape, g.dtype)
            np.einsum(subs[i] + "->" + mine, full)[...] = part
            grads.append(full)
    return tuple(grads)


def einsum(equation, *inputs, **kwargs):
    """Tensor contraction over subscripts (``np.einsum``'s notation; differentiable).

    Example:
        >>> import tapeflow as tf
        >>> float(tf.einsum("ii->", tf.eye(3)))
        3.0
    """
    tensors = [to_tensor(t) for t in inputs]
    if not isinstance(equation, str):
        raise TypeError(f"einsum: expected the equation as a string such as 'ij,jk->ik'; "
                        f"got {type(equation).__name__}.")
    subs, out = _parse(equation, [t.ndim for t in tensors])
    for s, t in zip(subs, tensors):
        if len(s) != t.ndim:
            raise ValueError(f"einsum: subscripts {s!r} name {len(s)} axes but the operand "
                             f"has shape {tuple(t.shape)}. Give one letter per axis.")
    return _einsum(*tensors, subs=tuple(subs), out=out)


def unique(x, out_idx=dtypes.int32, name=None):
    """``(y, idx)``: the distinct values of 1-D ``x`` in order of first appearance and,
    for each entry of ``x``, its position in ``y`` (``x == gather(y, idx)``)."""
    values = to_tensor(x).numpy()
    if values.ndim != 1:
        raise ValueError(f"unique: expected a 1-D tensor; received shape {values.shape}. "
                         f"Flatten it first with tf.reshape(x, [-1]).")
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")             # sorted order -> first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    idx = rank[inverse.reshape(-1)].astype(dtypes.as_dtype(out_idx).as_numpy_dtype)
    return Tensor(values[np.sort(first)]), Tensor(idx)


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """For each of ``values``, the index in the last axis of ``sorted_sequence`` where it
    would be inserted keeping it sorted (``side="left"`` or ``"right"``); leading axes
    are matched row by row as in TensorFlow."""
    seq, vals = to_tensor(sorted_sequence).numpy(), to_tensor(values).numpy()
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right'; got {side!r}.")
    if seq.shape[:-1] != vals.shape[:-1]:
        raise ValueError(f"searchsorted: sorted_sequence {seq.shape} and values "
                         f"{vals.shape} must agree on all but the last axis.")
    rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
    found = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(rows_s, rows_v)]) \
        if len(rows_s) else np.zeros(rows_v.shape, np.int64)
    return Tensor(found.reshape(vals.shape).astype(dtypes.as_dtype(out_type).as_numpy_dtype))


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None, fn_output_signature=None):
    """Apply ``fn`` to each slice of ``elems`` along the first axis and stack the results
    (``elems`` may be a tuple/list of tensors sliced together; ``fn`` may return a
    tuple). A Python loop: tapeflow runs eagerly."""
    nested = isinstance(elems, (tuple, list))
    tensors = [to_tensor(e) for e in (elems if nested else [elems])]
    n = tensors[0].shape[0] if tensors[0].ndim else None
    if n is None or any(t.ndim == 0 or t.shape[0] != n for t in tensors):
        raise ValueError(f"map_fn: expected tensors with the same first dimension; got "
                         f"shapes {[tuple(t.shape) for t in tensors]}.")
    results = [fn(tuple(t[i] for t in tensors) if nested else tensors[0][i])
               for i in range(n)]
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if results and isinstance(results[0], (tuple, list)):
        return type(results[0])(_stack([r[k] for r in results], signature)
                                for k in range(len(results[0])))
    return _stack(results, signature)


def _stack(items, signature):
    out = array_ops.stack([to_tensor(r) for r in items]) if items else Tensor(np.zeros(0))
    wanted = getattr(signature, "dtype", signature)
    if wanted is not None and not isinstance(wanted, (tuple, list)):
        wanted = dtypes.as_dtype(wanted)
        if out.dtype != wanted:
            out = math_ops.cast(out, wanted)
    return out


def get_static_value(tensor, partial=False):
    """The value of ``tensor`` as a NumPy array (always known: tapeflow runs eagerly);
    non-tensors are returned as given."""
    return tensor.numpy() if isinstance(tensor, Tensor) else tensor
