"""``Trainer``: compile / fit / evaluate / predict, mixed into ``keras.Model``.

Keras 3 semantics: the loss of a batch is the mean over the batch (after sample
weights) plus the model's regularization losses; the loss shown for an epoch is the
running mean of the batch losses weighted by batch size (the last, partial batch
included); metrics are running values over the epoch; validation figures get a
``val_`` prefix. ``train_step(data)`` is the whole training step, so a subclass can
override it as in Keras.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.utils.set_random_seed(0)
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]); y = x.sum(axis=1)
    >>> history = model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    >>> sorted(history.history), len(history.history["loss"])
    (['loss'], 2)
    >>> model.predict(x, verbose=0).shape
    (3, 1)
"""
import warnings

import numpy as np

from tapeflow.keras import data_adapter, fit_inputs
from tapeflow.keras import metrics as metrics_module
from tapeflow.keras import optimizers
from tapeflow.keras.callbacks.callback_list import CallbackList, pythonify_logs
from tapeflow.keras.compile_utils import CompileLoss, CompileMetrics
from tapeflow.keras.serialization_lib import deserialize_keras_object, serialize_keras_object
from tapeflow.keras.single_batch import SingleBatchMethods
from tapeflow.keras.trainer_metrics import MetricsMethods
from tapeflow.keras.traced_step import TracedTrainStep
from tapeflow.ops import math as math_ops
from tapeflow.tape import GradientTape

__all__ = ["Trainer"]

_EXAMPLE = ('model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", '
            'metrics=["accuracy"])')

_NO_BATCHES = ("The {what} given to `{method}` produced no batches: the dataset or "
               "generator is empty (or exhausted by an earlier epoch). Check its length, "
               "filters and `take`/`skip`, or add `.repeat()`.")


def _set(obj, name, value):
    """Set trainer state without a Layer's attribute tracking (it holds no weights)."""
    object.__setattr__(obj, name, value)


def _verbose(verbose):
    if verbose == "auto":  # kept in the callbacks' params, as Keras does; the bar shows 1
        return verbose
    if verbose in (0, 1, 2):
        return int(verbose)
    raise ValueError(f"verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line "
                     f"per epoch); got verbose={verbose!r}.")


class Trainer(MetricsMethods, SingleBatchMethods):
    """Mixin giving ``Model`` compile/fit/evaluate/predict (Keras 3's ``Trainer``).

    It needs no ``__init__`` call: its state lives in class-level defaults until
    ``compile`` sets it.
    """

    compiled = False
    optimizer = None
    loss = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False
    history = None
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None
    _compile_config = None
    _step_variables = None  # trainable variables collected once per epoch by fit
    _initial_epoch = None  # set by a callback in on_train_begin to resume (BackupAndRestore)
    run_eagerly = False
    train_function = None

    # --- compile --------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configure the model for training.

        Args:
            optimizer: name (``"rmsprop"``, ``"adam"``, ``"sgd"`` ...) or optimizer instance.
            loss: loss name, ``keras.losses`` object or function ``f(y_true, y_pred)``; a
                list (one per output) or dict (by output name) for multi-output models.
            metrics: list of metric names/objects (``["accuracy"]``); per output as a list of
                lists or a dict. ``"accuracy"`` picks binary / sparse categorical /
                categorical accuracy from the shapes of labels and predictions.
            loss_weights: float, list or dict of coefficients of the per-output losses.
            weighted_metrics: metrics updated with ``sample_weight`` / ``class_weight``.
            run_eagerly: run every training step eagerly, through the layers' ``call``.
                By default the step is traced and replayed (keras/traced_step.py), as
                Keras compiles it; Python side effects in ``call`` then run on the traced
                steps only.
            steps_per_execution, jit_compile, auto_scale_loss: accepted for compatibility.
        """
        output_names = getattr(self, "output_names", None)
        _set(self, "optimizer", optimizers.get(optimizer))
        _set(self, "loss", loss)
        _set(self, "_compile_loss",
             None if loss is None else CompileLoss(loss, loss_weights, output_names))
        _set(self, "_compile_metrics", None if metrics is None and weighted_metrics is None
             else CompileMetrics(metrics, weighted_metrics, output_names))
        _set(self, "_loss_tracker", metrics_module.Mean(name="loss"))
        _set(self, "_compile_config", dict(
            optimizer=self.optimizer, loss=loss, loss_weights=loss_weights, metrics=metrics,
            weighted_metrics=weighted_metrics, run_eagerly=run_eagerly,
            steps_per_execution=steps_per_execution, jit_compile=False))
        _set(self, "run_eagerly", bool(run_eagerly))
        _set(self, "train_function", None)
        _set(self, "compiled", True)
        self.stop_training = False

    def _assert_compiled(self, method):
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method}()`. "
                             f"For example:\n    {_EXAMPLE}")

    # --- the steps ------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the model's regularization / ``add_loss`` losses."""
        losses = []
        if self._compile_loss is not None:
            if y is None:
                raise ValueError("The model was compiled with a loss but got no targets: pass "
                                 "y=... to fit/evaluate, or yield (x, y) batches from the "
                                 "generator.")
            losses.append(self._compile_loss(y, y_pred, sample_weight))
        for extra in getattr(self, "losses", None) or ():
            if extra.array.ndim:
                extra = math_ops.reduce_sum(extra)
            if losses and extra.array.dtype != losses[0].array.dtype:
                extra = math_ops.cast(extra, losses[0].array.dtype)
            losses.append(extra)
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = losses[0]
        for extra in losses[1:]:
            total = total + extra
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics (NumPy, no tape) and return all current values."""
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # Keras-2 / TF2 spellings, kept so that custom train_step code of that era runs.
    def compiled_loss(self, y, y_pred, sample_weight=None, regularization_losses=None):
        """TF2's ``self.compiled_loss(...)``: the compiled loss (plus
        ``regularization_losses``), also recorded in the ``loss`` metric."""
        loss = self._compile_loss(y, y_pred, sample_weight)
        for extra in regularization_losses or ():
            loss = loss + (math_ops.reduce_sum(extra) if extra.array.ndim else extra)
        self._loss_tracker.update_state(loss.array,
                                        sample_weight=data_adapter.batch_size_of(y_pred))
        return loss

    @property
    def compiled_metrics(self):
        """TF2's ``self.compiled_metrics``: ``update_state(y, y_pred, sample_weight)``."""
        trainer = self

        class _CompiledMetrics:
            def update_state(self, y, y_pred, sample_weight=None):
                if trainer._compile_metrics is not None:
                    trainer._compile_metrics.update_state(y, y_pred, sample_weight)
        return _CompiledMetrics()

    def _build_compiled_metrics(self, data):
        """Before a custom step's first batch: build the compiled metrics (one inference
        forward pass) so that ``self.metrics`` lists them, as Keras's symbolic build does."""
        pending = [c for c in (self._compile_metrics, self._compile_loss)
                   if c is not None and not c.built]
        x, y, _ = data_adapter.unpack_x_y_sample_weight(data)
        if pending and y is not None:
            y_pred = self(x, training=False)
            for c in pending:
                c.build(y, y_pred)

    def train_step(self, data):
        """One training step on a batch ``(x, y[, sample_weight])``; returns the logs."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        variables = self._step_variables or self.trainable_variables
        grads = tape.gradient(loss, variables, buffers=self._gradient_buffers(variables)) \
            if variables else None
        return self._finish_train_step(x, y, sample_weight, y_pred, loss, grads, variables)

    def _finish_train_step(self, x, y, sample_weight, y_pred, loss, grads, variables,
                           batch_size=None):
        """The end of the default step (shared with its replay, keras/traced_step.py)."""
        self._loss_tracker.update_state(
            loss.array, sample_weight=batch_size or data_adapter.batch_size_of(x))
        if variables:
            self.optimizer.apply(grads, variables)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=3)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def make_train_function(self, force=False):
        """The per-batch function of fit and train_on_batch (Keras's name): the default
        ``train_step`` traced and replayed (keras/traced_step.py), or ``train_step``
        itself when it is overridden or ``compile(run_eagerly=True)``."""
        if self.train_function is None or force:
            custom = type(self).train_step is not Trainer.train_step
            _set(self, "train_function", self.train_step if custom or self.run_eagerly
                 else TracedTrainStep(self))
        return self.train_function

    def _gradient_buffers(self, variables):
        """One reusable gradient array per variable, so that a step allocates no big
        arrays (fresh ones cost page faults and fragment the heap: about 0.3 s per MNIST
        epoch of the chapter-2 network). The gradients live only inside train_step."""
        own = self.optimizer.gradient_buffers(variables)  # e.g. a packed flat gradient
        if own is not None:
            return own
        cached = getattr(self, "_grad_buffers", None)
        if cached is None or len(cached[0]) != len(variables) or \
                any(a is not b for a, b in zip(cached[0], variables)):
            cached = (list(variables), [np.empty_like(v.array) for v in variables])
            _set(self, "_grad_buffers", cached)
        return cached[1]

    def test_step(self, data):
        """One evaluation step (no gradients); returns the logs."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss.array, sample_weight=data_adapter.batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's output for one batch."""
        x, _, _ = data_adapter.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # --- fit ------------------------------------------------------------------------
    def _float_dtype(self):
        for attr in ("compute_dtype", "dtype"):
            try:
                d = getattr(self, attr, None)
                d = np.dtype(getattr(d, "name", d)) if d is not None else None
            except (TypeError, ValueError, AttributeError):
                continue
            if d is not None and d.kind == "f":
                return d
        return np.dtype(np.float32)

    def _fit_adapters(self, x, y, sample_weight, batch_size, shuffle, class_weight, steps,
                      validation_split, validation_data, validation_batch_size,
                      validation_steps):
        """The training adapter and the validation one (or None)."""
        if not 0.0 <= float(validation_split) < 1.0:
            raise ValueError(f"validation_split must be a float in [0, 1): the fraction of the "
                             f"training data held out for validation, e.g. 0.2; got "
                             f"validation_split={validation_split!r}.")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = fit_inputs.split_validation(
                x, y, sample_weight, validation_split, self._float_dtype())
        train = data_adapter.get_data_adapter(x, y, sample_weight, batch_size=batch_size,
                                              steps=steps, shuffle=shuffle,
                                              class_weight=class_weight,
                                              float_dtype=self._float_dtype())
        val = None if validation_data is None else fit_inputs.validation_adapter(
            validation_data, validation_batch_size or batch_size, validation_steps,
            self._float_dtype())
        return train, val

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` passes over the data; returns a ``History``.

        ``validation_split`` holds out the LAST fraction of the samples (before
        shuffling); ``validation_data`` (which wins over it) is ``(x_val, y_val)``,
        ``(x_val, y_val, sample_weight)`` or a generator. Shuffling follows
        ``keras.utils.set_random_seed``.
        """
        self._assert_compiled("fit")
        verbose = _verbose(verbose)
        train, val = self._fit_adapters(
            x, y, sample_weight, batch_size, shuffle, class_weight, steps_per_epoch,
            validation_split, validation_data, validation_batch_size, validation_steps)
        if not isinstance(validation_freq, (int, list, tuple)) or validation_freq == 0:
            raise ValueError(f"Expected `validation_freq` to be a positive int or a list of "
                             f"epochs. Received: validation_freq={validation_freq!r}")
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                     verbose=verbose, epochs=epochs, steps=train.num_batches,
                                     model=self)
        self.stop_training = False
        _set(self, "_initial_epoch", None)
        callbacks.on_train_begin()
        start = self._initial_epoch if self._initial_epoch is not None else initial_epoch
        training_logs = None
        for epoch in range(start, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs = self._train_epoch(train, callbacks)
            if logs is None:  # a generator had nothing left for this epoch
                if epoch == start:
                    raise ValueError(_NO_BATCHES.format(what="training data", method="fit"))
                break
            epoch_logs = self._metrics_or_logs(logs)
            if val is not None and _should_eval(epoch, validation_freq):
                val_logs = self.evaluate(callbacks=callbacks, return_dict=True, _adapter=val)
                epoch_logs.update(("val_" + k, v) for k, v in val_logs.items())
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        callbacks.on_train_end(logs=training_logs)
        return self.history

    def _train_epoch(self, adapter, callbacks):
        custom = type(self).train_step is not Trainer.train_step
        # Walking the layer tree for the variables costs tens of us per step: collect them
        # once per epoch (a callback may still change trainability between epochs).
        _set(self, "_step_variables", None if custom else self.trainable_variables)
        _set(self, "_epoch_attribute_metrics", self._attribute_metrics())  # the same walk
        try:
            return self._run_train_batches(adapter, callbacks, custom)
        finally:
            _set(self, "_step_variables", None)
            _set(self, "_epoch_attribute_metrics", None)

    def _run_train_batches(self, adapter, callbacks, custom):
        logs, train_function = None, self.make_train_function()
        if isinstance(train_function, TracedTrainStep):
            train_function.new_epoch()
        # the logs become Python floats for the callbacks that look at every batch (the
        # progress bar, a user's hook); with none, only the last batch's are converted
        per_batch = bool(callbacks.batch_callbacks("on_train_batch_end", "on_batch_end"))
        for step, data in enumerate(adapter.epoch()):
            if custom and step == 0:
                self._build_compiled_metrics(data)
            callbacks.on_train_batch_begin(step)
            logs = train_function(data)
            if per_batch:
                logs = pythonify_logs(logs)
                callbacks.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return logs if logs is None or per_batch else pythonify_logs(logs)

    # --- evaluate / predict -----------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics in test mode: the loss alone, ``[loss, *metrics]`` in compile
        order, or (``return_dict=True``) a dict."""
        self._assert_compiled("evaluate")
        verbose = _verbose(verbose)
        adapter = kwargs.pop("_adapter", None)
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        if adapter is None:
            adapter = data_adapter.get_data_adapter(x, y, sample_weight, batch_size=batch_size,
                                                    steps=steps, shuffle=False,
                                                    float_dtype=self._float_dtype())
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_progbar=verbose != 0, verbose=verbose,
                                     epochs=1, steps=adapter.num_batches, model=self)
        self.stop_evaluating = False
        callbacks.on_test_begin()
        self.reset_metrics()
        logs = None
        custom = type(self).test_step is not Trainer.test_step
        for step, data in enumerate(adapter.epoch()):
            if custom and step == 0:
                self._build_compiled_metrics(data)
            callbacks.on_test_batch_begin(step)
            logs = pythonify_logs(self.test_step(data))
            callbacks.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        if logs is None:
            raise ValueError(_NO_BATCHES.format(what="data", method="evaluate"))
        logs = self._metrics_or_logs(logs)
        callbacks.on_test_end(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x`` as NumPy array(s), computed in batches."""
        verbose = _verbose(verbose)
        adapter = data_adapter.get_data_adapter(x, batch_size=batch_size, steps=steps,
                                                shuffle=False, float_dtype=self._float_dtype())
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_progbar=verbose != 0, verbose=verbose,
                                     epochs=1, steps=adapter.num_batches, model=self)
        known = isinstance(adapter, data_adapter.ArrayDataAdapter) and steps is None
        outputs = data_adapter.OutputCollector(adapter.num_samples if known else None)
        self.stop_predicting = False
        callbacks.on_predict_begin()
        for step, data in enumerate(adapter.epoch()):
            callbacks.on_predict_batch_begin(step)
            batch_outputs = self.predict_step(data)
            outputs.add(batch_outputs)
            callbacks.on_predict_batch_end(step, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        if outputs.structure is None:
            raise ValueError(_NO_BATCHES.format(what="data", method="predict"))
        callbacks.on_predict_end()
        return outputs.result()

    # --- saving support -----------------------------------------------------------------
    def get_compile_config(self):
        """The ``compile`` arguments in Keras 3's serialized form ({} if not compiled)."""
        if not self.compiled or self._compile_config is None:
            return {}
        return serialize_keras_object(self._compile_config)

    def compile_from_config(self, config):
        """Compile from :meth:`get_compile_config`'s output (optimizer built if possible)."""
        self.compile(**deserialize_keras_object(dict(config)))
        if getattr(self, "built", False) and hasattr(self.optimizer, "build"):
            self.optimizer.build(self.trainable_variables)


def _should_eval(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq
