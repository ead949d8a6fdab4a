"""Keras's gradient clipping (``clipnorm``, ``global_clipnorm``, ``clipvalue``)."""
import numpy as np

__all__ = ["clip_gradients"]


def clip_gradients(grads, clipnorm=None, global_clipnorm=None, clipvalue=None):
    """Keras's gradient clipping, applied before any update (packed or not): each
    gradient to norm ``clipnorm``, all together to ``global_clipnorm``, or each value
    into ``[-clipvalue, clipvalue]``; the first option set wins.

    Example:
        >>> clip_gradients([np.array([3.0, 4.0], np.float32)], clipnorm=1.0)[0].tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    if clipnorm and clipnorm > 0:
        out = []
        for g in grads:
            norm = float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))
            out.append(g * np.asarray(clipnorm / max(norm, clipnorm), g.dtype))
        return out
    if global_clipnorm and global_clipnorm > 0:
        norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads)))
        scale = global_clipnorm * min(1.0 / norm if norm else np.inf, 1.0 / global_clipnorm)
        if not np.isfinite(norm):
            scale = np.nan
        return [g * np.asarray(scale, g.dtype) for g in grads]
    if clipvalue and clipvalue > 0:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads
