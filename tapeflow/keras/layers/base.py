"""The Keras layer contract: ``__init__`` validates, ``build`` makes weights, ``call`` computes.

``layer(x)`` converts NumPy input (float64 included) to float32 tensors, builds the
layer on first use from the input's shape, checks ``input_spec`` and runs ``call``.
Called on KerasTensors (from ``keras.Input``) it computes only output shapes and
records a graph node for the Functional API.

Sub-layers and variables assigned as attributes, or held in lists and dicts, are
tracked automatically, so ``weights`` and ``trainable_variables`` find them.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.backend.clear_session()
    >>> class Scale(keras.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones",
    ...                                  name="w")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> layer = Scale()
    >>> layer(np.array([[1.0, 2.0]])).numpy()
    array([[1., 2.]], dtype=float32)
    >>> [w.path for w in layer.weights]
    ['scale/w']
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.keras import build_limits
from tapeflow.keras._objects import dtype_policy
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.layer_call import LayerCallMixin
from tapeflow.keras.layers.layer_utils import (KERAS2_ADD_WEIGHT, KERAS3_ADD_WEIGHT,
                                               DTypePolicy, auto_config, call_context,
                                               init_state, is_default_build, unique,
                                               wrap_build)
from tapeflow.keras.metrics.base import Metric
from tapeflow.keras.utils.naming import auto_name
from tapeflow.tensor import Tensor, Variable

__all__ = ["Layer", "DTypePolicy", "call_context"]


def _trackable(value):
    if isinstance(value, (Layer, Variable, Metric)):
        return True
    if type(value) in (list, tuple):
        return not value or any(isinstance(v, (Layer, Variable, Metric, list, tuple, dict))
                                for v in value)
    if type(value) is dict:
        return not value or any(isinstance(v, (Layer, Variable, Metric, list, tuple, dict))
                                for v in value.values())
    return False


def _collect_metrics(value, out):
    if isinstance(value, Metric):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect_metrics(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_metrics(v, out)


def _collect(value, layers, variables):
    if isinstance(value, Layer):
        layers.append(value)
    elif isinstance(value, Variable):
        variables.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, layers, variables)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, layers, variables)


@keras_export(["keras.layers", "keras"])
class Layer(LayerCallMixin):
    """Base class of all layers (and, through ``Model``, of all models).

    ``layer(x)`` itself (input conversion, checks, ``training`` propagation, output
    specs) comes from ``LayerCallMixin`` in ``layer_call.py``.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: a unique name; by default the snake_case class name made unique
            (``dense``, ``dense_1`` ...).
        dtype: the dtype of weights and computations (``"float32"``).
        activity_regularizer: a regularizer applied to the layer's output.
        input_shape / input_dim: Keras-2-era hint for the first layer of a
            Sequential model (``Dense(512, input_shape=(784,))``).
    """

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Keras 3 remembers the constructor arguments so that simple custom layers
        # serialise without writing get_config.
        object.__setattr__(obj, "_init_args", (args, kwargs))
        return obj

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_wrapped", False):
            cls.build = wrap_build(build)

    def __init__(self, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        kwargs.pop("batch_size", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}:"
                             f" {kwargs}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Argument `name` must be a string and cannot contain character "
                             f"`/`. Received: name={name!r} (of type {type(name)})")
        init_state(self)
        d = self.__dict__
        d["name"] = name or auto_name(self)
        d["_trainable"] = bool(trainable)
        d["_policy"] = DTypePolicy(dtype)
        d["_np_dtype"] = dtypes.as_dtype(d["_policy"].compute_dtype)._np
        d["autocast"] = bool(autocast)
        if input_dim is not None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            input_shape = tuple(batch_input_shape)[1:]
        d["_input_shape_arg"] = None if input_shape is None else tuple(
            input_shape if isinstance(input_shape, (list, tuple)) else (input_shape,))
        from tapeflow.keras import regularizers
        d["activity_regularizer"] = regularizers.get(activity_regularizer)

    # --- attribute tracking -------------------------------------------------------------
    def __setattr__(self, name, value):
        if _trackable(value):
            d = self.__dict__
            if "_tracked" not in d:
                init_state(self)
            if name not in d["_tracked"]:
                d["_tracked"].append(name)
            if isinstance(value, Variable):
                self._track_variable(value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        tracked = self.__dict__.get("_tracked")
        if tracked and name in tracked:
            tracked.remove(name)
        object.__delattr__(self, name)

    def _track_variable(self, v):
        own = self.__dict__["_own_trainable"] + self.__dict__["_own_non_trainable"]
        if not any(v is w for w in own):
            (self._own_trainable if v.trainable else self._own_non_trainable).append(v)

    def _scan(self):
        """(layers, variables) held by tracked attributes, in assignment order."""
        layers, variables = [], []
        d = self.__dict__
        for name in d.get("_tracked", ()):
            _collect(d.get(name), layers, variables)
        return layers, variables

    def _sublayers(self, scanned=None):
        """Direct sub-layers, in the order they were assigned (``scanned``: the layers
        of a ``_scan()`` already made; models that keep their own list ignore it)."""
        return unique(self._scan()[0] if scanned is None else scanned)

    def _own_metrics(self):
        """Metrics held by this layer's own attributes, in assignment order."""
        out, d = [], self.__dict__
        for name in d.get("_tracked", ()):
            _collect_metrics(d.get(name), out)
        return unique(out)

    @property
    def metrics(self):
        """Metric objects assigned as attributes of this layer and its sub-layers (as in
        Keras 3, where a layer or model tracks ``self.tracker = keras.metrics.Mean()``).

        Example:
            >>> from tapeflow import keras
            >>> class Counted(keras.layers.Layer):
            ...     def __init__(self):
            ...         super().__init__()
            ...         self.calls = keras.metrics.Sum(name="calls")
            >>> [m.name for m in Counted().metrics]
            ['calls']
        """
        return unique(m for layer in self._flatten_layers() for m in layer._own_metrics())

    def _flatten_layers(self, include_self=True, recursive=True):
        out = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._sublayers()))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._sublayers()))
        return out

    # --- properties -----------------------------------------------------------------------
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self.__dict__["_trainable"] = value
        for v in self._own_trainable:
            v.trainable = value
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def dtype(self):
        return self._policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._policy.variable_dtype

    @property
    def dtype_policy(self):
        return self._policy

    @property
    def path(self):
        return self.name

    @property
    def weights(self):
        """All weights: this layer's own (trainable first), then its sub-layers'."""
        layers, variables = self._scan()
        own = self._own_trainable + self._own_non_trainable + variables
        for layer in self._sublayers(layers):
            own.extend(layer.weights)
        return unique(own)

    variables = weights

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    non_trainable_variables = non_trainable_weights

    @property
    def losses(self):
        """Losses of the last call (``add_loss``, activity regularizers) plus the
        weight regularization penalties, recomputed from the current weights."""
        cid = self._last_call_id
        layers = self._flatten_layers()
        out = []
        if cid is not None:
            for layer in layers:
                if layer._loss_call_id == cid:
                    out.extend(layer._losses)
        regs = [(v, r) for layer in layers for v, r in layer._regularized]
        if regs:
            live = {id(v) for v in self.trainable_weights}
            out.extend(r(v) for v, r in regs if id(v) in live)
        return out

    def add_loss(self, loss):
        """Add a scalar loss (a Tensor) to this call's ``losses``."""
        ctx = call_context
        cid = ctx.call_id if ctx.depth else self._last_call_id
        d = self.__dict__
        if d["_loss_call_id"] != cid:
            d["_losses"] = []
            d["_loss_call_id"] = cid
        for item in (loss if isinstance(loss, (list, tuple)) else [loss]):
            d["_losses"].append(item if isinstance(item, Tensor) else Tensor(
                np.asarray(item, np.float32)))

    @property
    def input_spec(self):
        return self.__dict__.get("_input_spec")

    @input_spec.setter
    def input_spec(self, value):
        self.__dict__["_input_spec"] = value

    # --- weights ----------------------------------------------------------------------------
    def add_weight(self, *args, **kwargs):
        """Create a weight Variable owned by this layer (path ``"<layer>/<name>"``).

        Keras 3's arguments ``(shape=None, initializer=None, dtype=None, trainable=True,
        autocast=True, regularizer=None, constraint=None, aggregation="none",
        overwrite_with_gradient=False, name=None)``; a first positional string is
        read in Keras 2's order ``(name, shape, dtype, initializer, regularizer,
        trainable, constraint)``. ``initializer`` is a name ("zeros", "glorot_uniform"
        ...), an Initializer or a callable ``(shape, dtype) -> array``; by default
        glorot_uniform for floats.
        """
        order = KERAS3_ADD_WEIGHT
        if args and isinstance(args[0], str):
            order = KERAS2_ADD_WEIGHT
        for key, value in zip(order, args):
            if key in kwargs:
                raise TypeError(f"add_weight() got multiple values for argument {key!r}.")
            kwargs[key] = value
        unknown = set(kwargs) - set(KERAS3_ADD_WEIGHT)
        if unknown:
            raise TypeError(f"add_weight() got unexpected keyword arguments {sorted(unknown)}.")
        return self._add_weight(**kwargs)

    def _add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                    autocast=True, regularizer=None, constraint=None, aggregation="none",
                    overwrite_with_gradient=False, name=None):
        from tapeflow.keras import constraints, initializers, regularizers
        shape = () if shape is None else tuple(int(s) for s in shape)
        dtype = dtypes.as_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or "variable"
        build_limits.charge(shape, dtype._np, f"layer {self.name!r} weight {name!r}")
        value = init(shape, dtype=dtype.name)
        v = Variable(value.array if isinstance(value, Tensor) else np.asarray(value),
                     trainable=trainable, name=name, dtype=dtype, path=f"{self.name}/{name}",
                     constraint=constraints.get(constraint))
        (self._own_trainable if trainable else self._own_non_trainable).append(v)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularized.append((v, regularizer))
        return v

    def get_weights(self):
        """Copies of the weights as NumPy arrays, in ``weights`` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Assign NumPy arrays to the weights, checking count and shapes first."""
        own = self.weights
        weights = list(weights)
        expected = [tuple(v.shape) for v in own]
        received = [tuple(np.shape(w)) for w in weights]
        if len(weights) != len(own):
            raise ValueError(
                f"You called `set_weights(weights)` on layer \"{self.name}\" with a weight "
                f"list of length {len(weights)}, but the layer was expecting {len(own)} "
                f"weights. Expected shapes: {expected}; received shapes: {received}.")
        for v, w, want, got in zip(own, weights, expected, received):
            if want != got:
                raise ValueError(
                    f"Layer \"{self.name}\" weight shape {want} is not compatible with "
                    f"provided weight shape {got} (weight '{v.path}'). Expected shapes: "
                    f"{expected}; received shapes: {received}.")
        for v, w in zip(own, weights):
            v.assign(w)

    def count_params(self):
        """The number of scalars in all weights (the layer must be built)."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but "
                             f"the layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`, or call it on data.")
        return int(sum(int(np.prod(v.shape, dtype=np.int64)) for v in self.weights))

    # --- build / call -------------------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the weights for inputs of ``input_shape`` (the default makes none)."""
        self.__dict__["built"] = True

    build._default_build = True
    build._wrapped = True

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` "
                                  f"method implemented.")

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape`` (``None`` = unknown size)."""
        raise NotImplementedError

    # --- graph connectivity -------------------------------------------------------------------
    def _node_attr(self, attr, what):
        nodes = self._inbound_nodes
        if not nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has "
                                 f"no defined {what}.")
        values = getattr(nodes[0], attr)
        return values[0] if isinstance(values, list) and len(values) == 1 else values

    @property
    def input(self):
        return self._node_attr("input_tensors", "input")

    @property
    def output(self):
        return self._node_attr("outputs", "output")

    # --- config ---------------------------------------------------------------------------------
    def get_config(self):
        """``name``, ``trainable`` and ``dtype`` (Keras 3's DTypePolicy dict); layers
        add their own arguments."""
        from tapeflow.keras import regularizers
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policy(self._policy.name)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        cls = type(self)
        if cls.get_config is Layer.get_config and cls.__init__ is not Layer.__init__:
            config.update(auto_config(self))
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer from ``get_config()``'s dict."""
        return cls(**config)

    def get_build_config(self):
        """``{"input_shape": ...}`` for layers with their own ``build`` (as Keras 3.15
        writes it; weightless layers without one get no build config)."""
        shapes = self.__dict__.get("_build_shapes")
        if shapes is None or is_default_build(type(self)):
            return None
        return {"input_shape": shapes}

    def build_from_config(self, config):
        if config and not self.built:
            shape = config.get("input_shape")
            self.__dict__["_build_shapes"] = shape
            self.build(shape)

    def __repr__(self):
        return (f"<{type(self).__name__} name={self.__dict__.get('name')}, "
                f"built={self.__dict__.get('built', False)}>")
