"""Confusion-matrix metrics: Precision, Recall, AUC and the four raw counts.

A prediction counts as positive when it is strictly greater than a threshold;
a label is positive when it is non-zero. Counts are accumulated per threshold with
one sort of the batch (``searchsorted`` places every threshold at once), so AUC's
200 thresholds cost about as much as one.

Example:
    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 6)  # tp = 2, fp = 1
    0.666667
"""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.metrics.base import Metric, as_array, same_rank
from tapeflow.tensor import Tensor

__all__ = ["Precision", "Recall", "AUC", "TruePositives", "FalsePositives", "TrueNegatives",
           "FalseNegatives", "confusion_counts"]

NEG_INF = -1e10
EPSILON = 1e-7


def _thresholds(thresholds, default):
    values = [default] if thresholds is None else (
        list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds])
    bad = [t for t in values if t is not None and t != NEG_INF and not 0 <= t <= 1]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return np.asarray(values, np.float64)


def confusion_counts(labels, preds, weights, thresholds):
    """Weighted (tp, fp, tn, fn) per threshold for flat ``labels``/``preds``/``weights``,
    with ``pred > threshold`` meaning positive."""
    order = np.argsort(preds, kind="stable")
    sorted_preds = preds[order]
    pos_w = np.where(labels[order], weights[order], 0.0)
    neg_w = weights[order] - pos_w
    cum_pos = np.concatenate([[0.0], np.cumsum(pos_w)])
    cum_neg = np.concatenate([[0.0], np.cumsum(neg_w)])
    below = np.searchsorted(sorted_preds, thresholds, side="right")   # preds <= threshold
    fn, tn = cum_pos[below], cum_neg[below]
    return cum_pos[-1] - fn, cum_neg[-1] - tn, tn, fn


def _prepare(y_true, y_pred, sample_weight, top_k=None, class_id=None):
    """Flatten labels, predictions and broadcast weights (Keras's shape rules)."""
    yp = np.asarray(as_array(y_pred), np.float64)
    yt = as_array(y_true)
    yp, yt = same_rank(yp, yt)
    if top_k is not None:               # keep the k highest of each row, as Keras does
        keep = np.zeros(yp.shape, bool)
        np.put_along_axis(keep, np.argsort(-yp, axis=-1, kind="stable")[..., :top_k], True, -1)
        yp = np.where(keep, yp, NEG_INF)
    if class_id is not None:
        yt, yp = yt[..., class_id], yp[..., class_id]
    if sample_weight is None:
        w = np.ones(yp.shape)
    else:
        w = np.asarray(as_array(sample_weight), np.float64)
        w = w.reshape(w.shape + (1,) * (yp.ndim - w.ndim))    # one weight per sample
        try:
            w = np.broadcast_to(w, yp.shape)
        except ValueError:
            raise ValueError(f"sample_weight of shape {np.shape(as_array(sample_weight))} "
                             f"cannot be broadcast to y_pred of shape {yp.shape}.") from None
    try:
        labels = np.broadcast_to(yt, yp.shape) != 0
    except ValueError:
        raise ValueError(f"y_true of shape {np.shape(yt)} does not match y_pred of shape "
                         f"{yp.shape}.") from None
    return labels, yp, w


class _Counts(Metric):
    """Shared by the four raw counts."""

    _which = 0

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _thresholds(thresholds, 0.5)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels, preds, w = _prepare(y_true, y_pred, sample_weight)
        counts = confusion_counts(labels.ravel(), preds.ravel(), w.ravel(), self.thresholds)
        self.accumulator.buffer[...] += counts[self._which]

    def result(self):
        acc = self.accumulator.array
        return Tensor(acc[0].copy() if len(self.thresholds) == 1 else acc.copy())

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


def _count_class(cls_name, which, doc):
    return keras_export("keras.metrics")(type(cls_name, (_Counts,), {
        "_which": which, "__doc__": doc, "__module__": __name__}))


TruePositives = _count_class("TruePositives", 0, "Weighted count of true positives.")
FalsePositives = _count_class("FalsePositives", 1, "Weighted count of false positives.")
TrueNegatives = _count_class("TrueNegatives", 2, "Weighted count of true negatives.")
FalseNegatives = _count_class("FalseNegatives", 3, "Weighted count of false negatives.")


@keras_export("keras.metrics")
class Precision(Metric):
    """``tp / (tp + fp)``, per threshold (default 0.5), optionally over the ``top_k``
    predictions or one ``class_id``.

    Args:
        thresholds: a float or a list of floats in [0, 1].
        top_k: count only the k highest predictions of each sample as positive.
        class_id: compute the metric for this class column only.
    """

    _direction = "up"
    _pair = ("true_positives", "false_positives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = _thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), name="true_positives")
        setattr(self, self._pair[1], self.add_variable((n,), name=self._pair[1]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels, preds, w = _prepare(y_true, y_pred, sample_weight, self.top_k, self.class_id)
        tp, fp, _, fn = confusion_counts(labels.ravel(), preds.ravel(), w.ravel(),
                                         self.thresholds)
        self.true_positives.buffer[...] += tp
        getattr(self, self._pair[1]).buffer[...] += fp if self._pair[1] == "false_positives" else fn

    def result(self):
        tp = self.true_positives.array
        other = getattr(self, self._pair[1]).array
        denom = tp + other
        out = np.divide(tp, denom, out=np.zeros_like(tp), where=denom != 0)
        return Tensor(out[0] if len(self.thresholds) == 1 else out)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


@keras_export("keras.metrics")
class Recall(Precision):
    """``tp / (tp + fn)``, with Precision's arguments.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 6)  # tp = 2, fn = 1
        0.666667
    """

    _pair = ("true_positives", "false_negatives")


@keras_export("keras.metrics")
class AUC(Metric):
    """Area under the ROC or PR curve, from counts at ``num_thresholds`` thresholds.

    Thresholds are ``[0 - 1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7]`` (or the given
    list plus the two end points). ROC: trapezoids of (fp_rate, recall);
    ``summation_method="minoring"``/``"majoring"`` use the lower/upper heights; PR with
    interpolation uses Davis & Goadrich's formula, as Keras does.

    Example:
        >>> m = AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())  # tpr [1, .5, 0], fpr [1, 0, 0]: (1+.5)/2*1 + (.5+0)/2*0
        0.75
    """

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        self.curve, self.summation_method = str(curve).upper(), str(summation_method).lower()
        if self.curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid `curve` argument value "{curve}". Expected one of: '
                             f"['ROC', 'PR']")
        if self.summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid `summation_method` argument value "{summation_method}". '
                             f"Expected one of: ['interpolation', 'minoring', 'majoring']")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_thresholds(thresholds, 0.5).tolist())
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self._thresholds = np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON])
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights,
                                                                           np.float64)
        self._from_logits = from_logits
        self._built = False
        if not multi_label:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found "
                                 f"rank {len(shape)}. Full shape received for `y_pred`: {shape}")
            self._num_labels = shape[1]
            var_shape = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(var_shape, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        yp = np.asarray(as_array(y_pred), np.float64)
        if not self._built:
            self._build(yp.shape)
        if self._from_logits:
            yp = 1.0 / (1.0 + np.exp(-yp))
        labels, preds, w = _prepare(y_true, yp, sample_weight)
        if not self.multi_label:
            if self.label_weights is not None:
                w = w * self.label_weights
            counts = confusion_counts(labels.ravel(), preds.ravel(), w.ravel(), self._thresholds)
        else:
            cols = [confusion_counts(labels[:, j], preds[:, j], w[:, j], self._thresholds)
                    for j in range(preds.shape[1])]
            counts = [np.stack([c[i] for c in cols], axis=1) for i in range(4)]
        for var, c in zip((self.true_positives, self.false_positives, self.true_negatives,
                           self.false_negatives), counts):
            var.buffer[...] += c

    def _interpolate_pr_auc(self):
        tp, fp, fn = (v.array.astype(np.float64) for v in
                      (self.true_positives, self.false_positives, self.false_negatives))
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), _div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return _div(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = self._interpolate_pr_auc()
        else:
            tp, fp, tn, fn = (v.array.astype(np.float64) for v in (
                self.true_positives, self.false_positives, self.true_negatives,
                self.false_negatives))
            recall = _div(tp, tp + fn)
            x, y = (_div(fp, fp + tn), recall) if self.curve == "ROC" else (recall,
                                                                             _div(tp, tp + fp))
            if self.summation_method == "interpolation":
                heights = (y[:-1] + y[1:]) / 2
            elif self.summation_method == "minoring":
                heights = np.minimum(y[:-1], y[1:])
            else:
                heights = np.maximum(y[:-1], y[1:])
            terms = (x[:-1] - x[1:]) * heights
        if self.multi_label:
            by_label = np.sum(terms, axis=0)
            if self.label_weights is None:
                return Tensor(np.asarray(np.mean(by_label), np.float32))
            return Tensor(np.asarray(_div(np.sum(by_label * self.label_weights),
                                          np.sum(self.label_weights)), np.float32))
        return Tensor(np.asarray(np.sum(terms), np.float32))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        lw = None if self.label_weights is None else self.label_weights.tolist()
        config = {"num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "label_weights": lw,
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}


def _div(a, b):
    """Keras's divide_no_nan: 0 where the denominator is 0."""
    a, b = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    return np.divide(a, b, out=np.zeros(a.shape), where=b != 0)
