"""``keras.Model``: a layer with training (from Trainer) and model utilities.

Three ways to make one, as in Keras:

* Functional: ``keras.Model(inputs, outputs)`` (returns a :class:`Functional`);
* Sequential: ``keras.Sequential([...])``;
* subclassing: ``class MyModel(keras.Model)`` with layers created in ``__init__``
  and the forward pass in ``call`` (a subclass given ``(inputs, outputs)`` instead
  becomes a Functional subclass, as in Keras).

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> class TwoLayers(keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = keras.layers.Dense(5, activation="relu")
    ...         self.out = keras.layers.Dense(3, activation="softmax")
    ...     def call(self, inputs):
    ...         return self.out(self.hidden(inputs))
    >>> model = TwoLayers()
    >>> model(np.ones((2, 4))).shape
    TensorShape([2, 3])
    >>> model.count_params()   # (4*5 + 5) + (5*3 + 3)
    43
"""
import inspect
import json

import numpy as np

from tapeflow.keras import build_limits
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer, call_context
from tapeflow.keras.layers.keras_tensor import no_tape
from tapeflow.keras.serialization_lib import serialize_keras_object
from tapeflow.keras.trainer import Trainer
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import Tensor

__all__ = ["Model"]


def _functional_args(args, kwargs):
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or \
        ("inputs" in kwargs and "outputs" in kwargs)


def _inject_functional(cls, functional):
    """Put ``functional`` where ``Model`` stands among ``cls``'s bases (Keras's
    ``inject_functional_model_class``), so that the subclass runs its layer graph."""
    if cls is Model:
        return functional
    if cls is object or issubclass(cls, functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base, functional) for base in cls.__bases__)
    return cls


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer))
                                                for d in x)


@keras_export(["keras", "keras.models"])
class Model(Trainer, Layer):
    """A layer that groups layers, with ``compile``/``fit``/``evaluate``/``predict``.

    Args:
        name: the model's name (``"my_model"`` for ``class MyModel`` by default).
        trainable: whether its weights are trained.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_args(args, kwargs):
            from tapeflow.keras.models.functional import Functional
            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _functional_args(args, kwargs):
            # A subclass built like a Functional, as in Keras's guide to customizing fit():
            # class CustomModel(keras.Model) overriding train_step, then
            # CustomModel(inputs, outputs). Keras makes the class a Functional subclass.
            from tapeflow.keras.models.functional import Functional
            _inject_functional(type(self), Functional)
            Functional.__init__(self, *args, **kwargs)
            return
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}: keras.Model.__init__ got {args!r:.60} "
                f"{sorted(kwargs)}: it takes both inputs and outputs, as keras.Model(inputs, "
                f"outputs), or else only name/trainable, with the forward pass in call().")
        Layer.__init__(self, **kwargs)

    # --- structure -------------------------------------------------------------------------
    @property
    def layers(self):
        """The model's layers (for a subclassed model: those assigned in ``__init__``)."""
        return self._sublayers()

    inputs = None
    outputs = None
    output_names = None

    def get_layer(self, name=None, index=None):
        """A layer by ``name`` or by ``index`` in ``model.layers``."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(layers)} layers.")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[layer.name for layer in layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print the table of layers, output shapes and parameter counts (Keras 3 format)."""
        from tapeflow.keras.models.summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    # --- building ----------------------------------------------------------------------------
    def _zeros_for_build(self, shape):
        shape = [1 if d is None else int(d) for d in shape]
        build_limits.charge(shape, self._np_dtype, f"model {self.name!r} build input")
        return Tensor(np.zeros(shape, self._np_dtype))

    def build(self, input_shape=None):
        """Build a subclassed model by running ``call`` once on zeros of ``input_shape``."""
        if input_shape is None:
            raise ValueError(f'Model "{self.name}": build() needs an input shape, e.g. '
                             f'model.build(input_shape=(None, 784)).')
        if _is_shape(input_shape):
            dummy = self._zeros_for_build(input_shape)
        else:
            dummy = [self._zeros_for_build(s) for s in input_shape]
        ctx = call_context
        saved, ctx.batch_unknown = ctx.batch_unknown, True
        try:
            with no_tape():
                self(dummy)
        except Exception as err:
            raise ValueError(f'Model "{self.name}" could not be built by calling it on zeros '
                             f'of shape {input_shape}: {err}. Call the model on a batch of '
                             f'real data instead.') from err
        finally:
            ctx.batch_unknown = saved
        self.__dict__["_build_shapes"] = input_shape

    build._default_build = True

    # --- inference -----------------------------------------------------------------------------
    def _predict_batches(self, x, batch_size=32):
        """Run the model on ``x`` in batches with ``training=False``; NumPy outputs.

        ``x`` is an array, a Tensor, or a list/tuple/dict of them (several inputs).
        Outputs keep the model's output structure, concatenated over batches.
        """
        leaves = [v.array if isinstance(v, Tensor) else np.asarray(v) for v in flatten(x)]
        if not leaves:
            raise ValueError("predict() got no input data.")
        n = leaves[0].shape[0]
        batch_size = int(batch_size or 32)
        results, structure = [], None
        for start in range(0, n, batch_size):
            batch = pack_like(x, [v[start:start + batch_size] for v in leaves]) \
                if isinstance(x, (list, tuple, dict)) else leaves[0][start:start + batch_size]
            out = self(batch, training=False)
            structure = out
            results.append([t.numpy() for t in flatten(out)])
        if structure is None:
            raise ValueError("predict() got an empty input (0 samples).")
        merged = [np.concatenate([r[i] for r in results], axis=0)
                  for i in range(len(results[0]))]
        return pack_like(structure, merged) if isinstance(structure, (list, tuple, dict)) \
            else merged[0]

    # --- saving (delegates to the file formats of tapeflow.keras.saving) ---------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save architecture, weights and compile state as a Keras 3 ``.keras`` file."""
        from tapeflow.keras.saving import keras_file
        return keras_file.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Save the weights to a ``.weights.h5`` file (Keras 3 layout)."""
        from tapeflow.keras.saving import saving_api
        return saving_api.save_weights(self, filepath, overwrite=overwrite,
                                       max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights saved by ``save_weights`` (or from a ``.keras`` file)."""
        from tapeflow.keras.saving import saving_api
        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def export(self, filepath, format="onnx", verbose=False, **kwargs):
        """Export for inference elsewhere; tapeflow writes ONNX (``format="onnx"``)."""
        if format != "onnx":
            raise ValueError(f"tapeflow can export only format='onnx' (TensorFlow "
                             f"SavedModels need TensorFlow); got format={format!r}.")
        from tapeflow.keras.saving import onnx_export
        return onnx_export.export_onnx(self, filepath, verbose=verbose, **kwargs)

    def to_json(self, **kwargs):
        """The model's Keras 3 config (as in ``config.json``) as a JSON string."""
        return json.dumps(serialize_keras_object(self), **kwargs)

    # --- config ----------------------------------------------------------------------------------
    def get_config(self):
        """Subclassed models: ``name``/``trainable`` plus plain constructor arguments."""
        from tapeflow.keras.layers.layer_utils import auto_config
        config = {"name": self.name, "trainable": self.trainable}
        try:
            config.update(auto_config(self))
        except NotImplementedError:
            pass
        params = inspect.signature(type(self).__init__).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            for key in ("name", "trainable"):
                if key not in params:
                    config.pop(key)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from its config; a Functional config gives a Functional model."""
        if {"layers", "input_layers", "output_layers"} <= set(config):
            from tapeflow.keras.models import functional_config
            from tapeflow.keras.models.functional import Functional
            target = Functional if cls is Model else cls
            return functional_config.from_config(target, config, custom_objects)
        return cls(**config)


def _fallback_predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """Predictions for ``x`` as NumPy arrays, in batches of ``batch_size`` (32)."""
    return self._predict_batches(x, batch_size=batch_size or 32)


# Until the Trainer mixin provides predict (with its progress bar), keep a plain one.
if not hasattr(Trainer, "predict"):
    Model.predict = _fallback_predict
