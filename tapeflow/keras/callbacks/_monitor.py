"""Which way is better for a monitored quantity: shared by EarlyStopping,
ReduceLROnPlateau and ModelCheckpoint."""
import operator

# Names whose value improves upwards / downwards, for metrics that do not say.
_UP = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "cosine_similarity",
       "r2", "true_positives", "true_negatives")
_DOWN = ("loss", "error", "mse", "mae", "mape", "msle", "crossentropy", "hinge", "poisson",
         "kl_divergence", "log_cosh", "false_positives", "false_negatives")


def _metric_direction(model, name):
    for metric in getattr(model, "metrics", None) or ():
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "_direction", None)
            if direction in ("up", "down"):
                return direction
    return None


def monitor_op(monitor, mode, model, callback_name):
    """``operator.lt`` (smaller is better) or ``operator.gt`` for ``monitor``.

    ``mode`` is "min", "max" or "auto"; "auto" reads a metric's ``_direction``, then
    its name ("loss" and errors go down, accuracies go up).
    """
    if mode == "min":
        return operator.lt
    if mode == "max":
        return operator.gt
    name = monitor[4:] if monitor.startswith("val_") else monitor
    direction = _metric_direction(model, name)
    if direction is None:
        if name == "loss" or name.endswith("_loss"):
            direction = "down"
        elif any(part in name for part in _UP):
            direction = "up"
        elif any(part in name for part in _DOWN):
            direction = "down"
    if direction is None:
        raise ValueError(
            f"{callback_name} callback received monitor={monitor} but Keras isn't able to "
            f"automatically determine whether that metric should be maximized or minimized. "
            f"Pass `mode='max'` in order to monitor based on the highest metric value, or "
            f"pass `mode='min'` in order to use the lowest value.")
    return operator.gt if direction == "up" else operator.lt
