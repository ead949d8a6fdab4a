"""A model's metrics, mixed into ``Trainer``: the list ``model.metrics``, their reset,
their results as a dict and as ``evaluate``'s list.

``model.metrics`` follows Keras 3: the loss tracker, the compiled metrics, the per-output
loss trackers, then Metric objects held as attributes of the model or its layers (a
custom ``train_step``'s ``self.tracker = keras.metrics.Mean(name="loss")``), so that
``fit`` and ``evaluate`` reset them too.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> class Counting(keras.Sequential):
    ...     def __init__(self, *args, **kwargs):
    ...         super().__init__(*args, **kwargs)
    ...         self.seen = keras.metrics.Sum(name="seen")
    ...     def test_step(self, data):
    ...         self.seen.update_state(float(len(data[0])))
    ...         return {"seen": self.seen.result()}
    >>> model = Counting([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(loss="mse")
    >>> [m.name for m in model.metrics]
    ['loss', 'seen']
    >>> x, y = np.ones((8, 2)), np.ones((8, 1))
    >>> [model.evaluate(x, y, verbose=0, return_dict=True) for _ in range(2)]
    [{'seen': 8.0}, {'seen': 8.0}]
"""
from tapeflow.keras.callbacks.callback_list import pythonify_logs
from tapeflow.keras.layers.layer_utils import unique

__all__ = ["MetricsMethods"]


def _add_results(out, metrics):
    """Each metric's result into ``out`` by name (a dict result merged in, as Keras)."""
    for metric in metrics:
        result = metric.result()
        if isinstance(result, dict):
            out.update(result)
        else:
            out[metric.name] = result
    return out


class MetricsMethods:
    """``metrics``, ``metrics_names``, ``reset_metrics``, ``get_metrics_result``."""

    @property
    def metrics(self):
        """Keras 3's order: the loss tracker, the compiled metrics, the per-output loss
        trackers, then Metric objects held as attributes of the model or its layers."""
        out = [] if self._loss_tracker is None else [self._loss_tracker]
        if self._compile_metrics is not None:
            out.extend(self._compile_metrics.metrics)
        if self._compile_loss is not None:
            out.extend(self._compile_loss.metrics)
        return out + self._attribute_metrics()

    def _attribute_metrics(self):
        """``self.tracker = keras.metrics.Mean()`` in the model or its layers (a nested
        model's own trackers stay its own, as in Keras)."""
        return unique(m for layer in self._flatten_layers()
                      if layer is self or not isinstance(layer, MetricsMethods)
                      for m in layer._own_metrics())

    @property
    def metrics_names(self):
        names = [] if self._loss_tracker is None else ["loss"]
        if self._compile_metrics is not None:
            names.extend(name for _, name in self._compile_metrics._names)
        if self._compile_loss is not None:
            names.extend(m.name for m in self._compile_loss.metrics)
        return names

    def reset_metrics(self):
        """Reset every metric's running state (done at each epoch's start)."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """``{"loss": ..., "accuracy": ..., ...}``: the metrics' current values.

        A subclass that overrides the ``metrics`` property (a custom ``train_step``'s
        trackers) gets those metrics' results, as Keras iterates ``self.metrics``.
        """
        if type(self).metrics is not MetricsMethods.metrics:
            return _add_results({}, self.metrics)
        out = {}
        if self._loss_tracker is not None:
            out["loss"] = self._loss_tracker.result()
        if self._compile_metrics is not None and self._compile_metrics.built:
            out.update(self._compile_metrics.result())
        if self._compile_loss is not None:
            out.update((m.name, m.result()) for m in self._compile_loss.metrics)
        attribute_metrics = self.__dict__.get("_epoch_attribute_metrics")
        if attribute_metrics is None:  # outside fit's epochs (fit walks the tree once)
            attribute_metrics = self._attribute_metrics()
        return _add_results(out, attribute_metrics)

    def _metrics_or_logs(self, logs):
        """The metrics' values, unless a custom step returned other keys."""
        results = pythonify_logs(self.get_metrics_result())
        if isinstance(logs, dict) and set(logs) != set(results):
            return logs
        return results

    def _flatten_metrics_in_order(self, logs):
        """Keras's list order: loss, compiled metrics, per-output losses, the rest sorted."""
        names = ["loss"]
        if self._compile_metrics is not None and self._compile_metrics.built:
            names += self._compile_metrics.order_names()
        if self._compile_loss is not None:
            names += [m.name for m in self._compile_loss.metrics]
        results = [logs[n] for n in dict.fromkeys(names) if n in logs]
        results += [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results
