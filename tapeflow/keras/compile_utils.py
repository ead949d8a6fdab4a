"""What ``compile(loss=..., metrics=...)`` becomes: one loss and one metric list per output.

``CompileLoss`` matches losses (a single one, a list in output order, or a dict by
output name) and ``loss_weights`` to the model's outputs, and sums
``weight_i * loss_i``; with several losses it also tracks each one's running mean as
``"<output>_loss"``. ``CompileMetrics`` resolves ``"accuracy"``/``"acc"`` (and
``"crossentropy"``/``"ce"``) from the shapes of the first batch, as Keras does, and
names multi-output metrics ``"<output>_<metric>"``. Metrics are updated with NumPy
arrays, outside any GradientTape.

Example:
    >>> import numpy as np
    >>> cl = CompileLoss("mse")
    >>> float(cl(np.array([[0.0], [2.0]]), np.array([[1.0], [1.0]], dtype="float32")))
    1.0
"""
import numpy as np

from tapeflow.keras import losses as losses_module
from tapeflow.keras import metrics as metrics_module
from tapeflow.tape import flatten
from tapeflow.tensor import Tensor

__all__ = ["CompileLoss", "CompileMetrics", "output_names_for"]


def _np(v):
    return v.array if isinstance(v, Tensor) else v


def _shape(v):
    return tuple(np.shape(_np(v)))


def output_names_for(y_pred, model_output_names=None):
    """Names of the model's outputs, in the order of ``flatten(y_pred)``.

    A model without output names (a subclassed model returning a tuple) gets ``None``
    for each: as in Keras 3, its per-output losses are then named after the loss
    (``mean_squared_error_loss``) and its metrics keep their own names (``accuracy``).

    Example:
        >>> output_names_for((1, 2)), output_names_for((1, 2), ["a", "b"])
        ([None, None], ['a', 'b'])
    """
    if isinstance(y_pred, dict):
        return sorted(y_pred)
    n = len(y_pred) if isinstance(y_pred, (list, tuple)) else 1
    names = list(model_output_names or [])
    if len(names) == n:
        return names
    return [None] * n


def _per_output(spec, names, argument):
    """``spec`` (one entry, a list in output order, or a dict by name) as one per output."""
    n = len(names)
    if spec is None:
        return [None] * n
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(f"In the dict argument `{argument}`, key '{unknown[0]}' does not "
                             f"correspond to any model output. The outputs are {names}. "
                             f"Received:\n{argument}={spec}")
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(f"For a model with {n} output(s), when providing the `{argument}` "
                             f"argument as a list, it should have as many entries as the model "
                             f"has outputs. Received:\n{argument}={spec}\nof length {len(spec)}"
                             f" whereas the model has {n} outputs.")
        return list(spec)
    return [spec] * n


def align_y_true(y_true, y_pred, names):
    """``y_true`` as a flat list matching ``flatten(y_pred)``."""
    preds = flatten(y_pred)
    if isinstance(y_true, dict):
        missing = [nm for nm in names if nm not in y_true]
        if missing and len(y_true) == len(preds) and not isinstance(y_pred, dict):
            return flatten(y_true)
        if missing:
            raise ValueError(f"y is a dict with keys {sorted(y_true)} but the model's outputs "
                             f"are named {names}: give one entry per output name.")
        return [y_true[nm] for nm in names]
    if isinstance(y_true, (list, tuple)) and len(preds) > 1:
        flat = flatten(y_true)
        if len(flat) == len(preds):
            return flat
    elif len(preds) == 1:
        if isinstance(y_true, (list, tuple)) and len(y_true) == 1:
            return [y_true[0]]
        return [y_true]
    raise ValueError(f"y_true and y_pred have different structures: the model has "
                     f"{len(preds)} outputs {names} but y has "
                     f"{len(flatten(y_true)) if y_true is not None else 0} part(s). Give one "
                     f"array of labels per output (a list in output order, or a dict by "
                     f"output name).")


def _shape_kind(y_true, y_pred):
    """Keras's shape rule: ("binary" | "sparse" | "categorical")."""
    t, p = _shape(y_true), _shape(y_pred)
    if p and p[-1] == 1:
        return "binary"
    if len(t) < len(p) or (t and t[-1] == 1 and p and p[-1] > 1):
        return "sparse"
    return "categorical"


def get_loss(identifier, y_true, y_pred):
    """A callable loss object for ``identifier`` ("crossentropy"/"ce" chosen by shapes)."""
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        identifier = {"binary": "binary_crossentropy",
                      "sparse": "sparse_categorical_crossentropy",
                      "categorical": "categorical_crossentropy"}[_shape_kind(y_true, y_pred)]
    return losses_module.get(identifier)


def get_metric(identifier, y_true, y_pred):
    """A Metric for ``identifier``; a string identifier also becomes the metric's name."""
    if identifier is None:
        return None
    metrics = metrics_module
    key = identifier.lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc"):
        metric = metrics.resolve_accuracy(_np(y_true), _np(y_pred))
    elif key in ("crossentropy", "ce"):
        metric = metrics.get({"binary": "binary_crossentropy",
                              "sparse": "sparse_categorical_crossentropy",
                              "categorical": "categorical_crossentropy"}[
            _shape_kind(y_true, y_pred)])
    else:
        metric = metrics.get(identifier)
    if isinstance(identifier, str):
        _rename(metric, identifier)
    return metric


def _rename(metric, name):
    try:
        metric.name = name
    except AttributeError:  # a read-only `name` property
        metric._name = name


class CompileLoss:
    """The compiled loss: ``weight_i * loss_i(y_true_i, y_pred_i, sample_weight_i)`` summed.

    Args:
        loss: a loss identifier, a list (one per output) or a dict (by output name).
        loss_weights: a float, a list or a dict of per-output coefficients.
        output_names: the model's output names (``model.output_names``), if known.
    """

    def __init__(self, loss, loss_weights=None, output_names=None):
        if loss_weights is not None and \
                not isinstance(loss_weights, (list, tuple, dict, float, int)):
            raise ValueError(f"Expected `loss_weights` argument to be a float (single output "
                             f"case) or a list, tuple, or dict (multiple output case). Received "
                             f"instead: loss_weights={loss_weights} of type "
                             f"{type(loss_weights)}")
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self.metrics = []  # one Mean per output loss when there are several
        self.last_updates = []  # (metric, loss tensor, batch) of the last call
        self._flat = []    # [(index into outputs, loss_fn, weight, name)]
        self._names = None

    def build(self, y_true, y_pred):
        names = output_names_for(y_pred, self.output_names)
        flat_true = align_y_true(y_true, y_pred, names)
        flat_pred = flatten(y_pred)
        losses = _per_output(self._user_loss, names, "loss")
        weights = _per_output(self._user_loss_weights, names, "loss_weights")
        self._flat = []
        for i, (ident, w) in enumerate(zip(losses, weights)):
            fn = get_loss(ident, flat_true[i], flat_pred[i])
            if fn is not None:
                name = names[i] or getattr(fn, "name", "output")
                self._flat.append((i, fn, None if w is None else float(w), name))
        if not self._flat:
            raise ValueError(f"No loss to compute: compile(loss=...) gives no loss for any of "
                             f"the model's outputs {names}.")
        if len(self._flat) > 1:
            mean = metrics_module.Mean
            self.metrics = [mean(name=f"{name}_loss") for _, _, _, name in self._flat]
        self._names = names
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The total loss, a scalar Tensor (differentiable in ``y_pred``)."""
        self.last_updates = []  # the metric updates below: a replayed step repeats them
        if not self.built:
            self.build(y_true, y_pred)
        if len(self._flat) == 1 and not isinstance(y_pred, (list, tuple, dict)) \
                and not isinstance(y_true, (list, tuple, dict)):
            _, fn, w, _ = self._flat[0]  # the common single-output case
            value = fn(y_true, y_pred, sample_weight)
            return value if w is None else value * w
        flat_true = align_y_true(y_true, y_pred, self._names)
        flat_pred = flatten(y_pred)
        if isinstance(sample_weight, (list, tuple, dict)):
            flat_sw = align_y_true(sample_weight, y_pred, self._names)
        else:
            flat_sw = [sample_weight] * len(flat_pred)
        total = None
        batch = _shape(flat_pred[0])[0] if _shape(flat_pred[0]) else 1
        for k, (i, fn, w, _) in enumerate(self._flat):
            value = fn(flat_true[i], flat_pred[i], flat_sw[i])
            if self.metrics:
                self.metrics[k].update_state(_np(value), sample_weight=batch)
                self.last_updates.append((self.metrics[k], value, batch))
            if w is not None:
                value = value * w
            total = value if total is None else total + value
        return total


class CompileMetrics:
    """The compiled metrics: per-output lists of Metric objects, built at the first batch.

    Args:
        metrics: a list of identifiers (single output); for several outputs a list with
            one entry (or list) per output, or a dict by output name.
        weighted_metrics: the same, but updated with the sample weights.
        output_names: the model's output names, if known.
    """

    def __init__(self, metrics, weighted_metrics=None, output_names=None):
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, (list, tuple, dict)):
                raise ValueError(f"Expected `{arg}` argument to be a list, tuple, or dict. "
                                 f"Received instead: {arg}={value!r} of type {type(value)}. "
                                 f"Write {arg}=[{value!r}].")
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self.output_names = output_names
        self.built = False
        self._plain = []     # per output: list of Metric
        self._weighted = []
        self._names = []     # (metric, display name) in result order

    @property
    def metrics(self):
        """Every Metric object, unweighted ones first."""
        return [m for m, _ in self._names]

    def _build_set(self, spec, names, flat_true, flat_pred, argument):
        n = len(names)
        if not spec:
            return [[] for _ in range(n)]
        if n == 1:
            entries = flatten(spec) if isinstance(spec, dict) else list(spec)
            return [[get_metric(m, flat_true[0], flat_pred[0]) for m in entries
                     if m is not None]]
        if isinstance(spec, (list, tuple)):
            if len(spec) != n:
                raise ValueError(
                    f"For a model with multiple outputs, when providing the `{argument}` "
                    f"argument as a list, it should have as many entries as the model has "
                    f"outputs. Received:\n{argument}={spec}\nof length {len(spec)} whereas the "
                    f"model has {n} outputs. Use a list of lists, or a dict by output name "
                    f"({names}).")
            per = list(spec)
        else:
            per = _per_output(spec, names, argument)
        out = []
        for i, entry in enumerate(per):
            entry = [] if entry is None else entry if isinstance(entry, (list, tuple)) else [entry]
            out.append([get_metric(m, flat_true[i], flat_pred[i]) for m in entry
                        if m is not None])
        return out

    def build(self, y_true, y_pred):
        names = output_names_for(y_pred, self.output_names)
        flat_true = align_y_true(y_true, y_pred, names)
        flat_pred = flatten(y_pred)
        self._plain = self._build_set(self._user_metrics, names, flat_true, flat_pred,
                                      "metrics")
        self._weighted = self._build_set(self._user_weighted, names, flat_true, flat_pred,
                                         "weighted_metrics")
        self._names = []
        seen = {}
        for group, weighted in ((self._plain, False), (self._weighted, True)):
            for i, ms in enumerate(group):
                prefix = f"{names[i]}_" if len(names) > 1 and names[i] else ""
                for m in ms:
                    name = prefix + m.name
                    if name in seen and weighted:
                        name = prefix + "weighted_" + m.name
                    if name in seen:
                        seen[name] += 1
                        name = f"{name}_{seen[name] - 1}"
                    else:
                        seen[name] = 1
                    self._names.append((m, name))
        self._out_names = names
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Update every metric with NumPy arrays (no tape involved)."""
        if not self.built:
            self.build(y_true, y_pred)
        flat_true = [_np(v) for v in align_y_true(y_true, y_pred, self._out_names)]
        flat_pred = [_np(v) for v in flatten(y_pred)]
        for ms, yt, yp in zip(self._plain, flat_true, flat_pred):
            for m in ms:
                m.update_state(yt, yp)
        if any(self._weighted):
            if isinstance(sample_weight, (list, tuple, dict)):
                flat_sw = [_np(v) for v in align_y_true(sample_weight, y_pred,
                                                        self._out_names)]
            else:
                flat_sw = [None if sample_weight is None else _np(sample_weight)] * \
                    len(flat_pred)
            for ms, yt, yp, sw in zip(self._weighted, flat_true, flat_pred, flat_sw):
                for m in ms:
                    m.update_state(yt, yp, sample_weight=sw)

    def reset_state(self):
        for m, _ in self._names:
            m.reset_state()

    def result(self):
        """``{name: value}`` in compile order (empty before the first batch)."""
        return {name: m.result() for m, name in self._names}

    def order_names(self):
        """Names for evaluate's list order: Keras lists the metrics' own names."""
        return [m.name for m, _ in self._names]
