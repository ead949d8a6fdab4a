"""The call path of ``Layer``: what ``layer(x)`` does around ``call``.

``LayerCallMixin`` is a base of ``Layer`` (import ``Layer`` from
``tapeflow.keras.layers.base``, not this mixin). It converts inputs (NumPy and
float64 to float32 tensors), checks ``input_spec``, builds on first use, propagates
``training`` through nested calls with ``call_context``, adds activity-regularizer
losses, and on KerasTensors computes output specs and records a Functional node.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.backend.clear_session()
    >>> class Probe(keras.layers.Layer):
    ...     def call(self, inputs, training=None):
    ...         return inputs * (2.0 if training else 1.0)
    >>> probe = Probe()
    >>> out = probe(np.array([[1.0, 2.0]]), training=True)
    >>> out.dtype.name, out.numpy()
    ('float32', array([[2., 4.]], dtype=float32))
    >>> probe(keras.Input((3,))).shape
    (None, 3)
"""
import numpy as np

from tapeflow.keras.layers.input_spec import assert_input_compatibility
from tapeflow.keras.layers.keras_tensor import (KerasTensor, Node, any_keras_tensor, no_tape,
                                                zeros_like_spec)
from tapeflow.keras.layers.layer_utils import (call_context, call_info, is_default_build,
                                               shape_struct)
from tapeflow.ops import math as math_ops
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import Tensor

__all__ = ["LayerCallMixin"]


class LayerCallMixin:
    """``__call__`` and its helpers; relies on ``Layer`` for ``call``, ``build``,
    ``compute_output_shape``, ``add_loss`` and the state set by ``Layer.__init__``."""

    _keeps_input_dtype = False

    def compute_output_spec(self, inputs, *args, **kwargs):
        """KerasTensors for the outputs: from ``compute_output_shape`` when a layer
        defines it, otherwise by running ``call`` on zeros (batch size 1)."""
        try:
            shapes = self.compute_output_shape(shape_struct(inputs))
        except NotImplementedError:
            return self._output_spec_by_running(inputs, *args, **kwargs)
        first = flatten(inputs)[0]
        dtype = first.dtype if self._keeps_input_dtype else self.compute_dtype
        if isinstance(shapes, list) and shapes and isinstance(shapes[0], (list, tuple)):
            return [KerasTensor(s, dtype) for s in shapes]
        return KerasTensor(shapes, dtype)

    def _output_spec_by_running(self, inputs, *args, **kwargs):
        def zeros(structure):  # KerasTensors (also in other arguments) become zeros
            return pack_like(structure, [Tensor(zeros_like_spec(t)) if isinstance(
                t, KerasTensor) else t for t in flatten(structure)])
        batch_unknown = any(isinstance(t, KerasTensor) and t.shape and t.shape[0] is None
                            for t in flatten((inputs, args, kwargs)))
        with no_tape():
            out = self(zeros(inputs), *zeros(list(args)), **zeros(kwargs))

        def spec(t):
            shape = tuple(t.shape)
            if batch_unknown and shape:
                shape = (None,) + shape[1:]
            return KerasTensor(shape, t.dtype.name)
        return pack_like(out, [spec(t) for t in flatten(out)])

    def _maybe_build(self, inputs):
        # the shapes of the first call, batch size included, as Keras records them (its
        # summary() and build_config show them for the layers of a subclassed model)
        shapes = shape_struct(inputs, batch_none=call_context.batch_unknown)
        self.__dict__["_build_shapes"] = shapes
        if not is_default_build(type(self)):
            self.build(shapes)

    def _check_inputs(self, inputs):
        spec = self.__dict__.get("_input_spec")
        if spec is not None:
            leaves = flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
            assert_input_compatibility(  # an array's shape tuple: no TensorShape to build
                spec, [t.array.shape if isinstance(t, Tensor) else tuple(t.shape)
                       for t in leaves], self.name)

    def _convert_input(self, x):
        if isinstance(x, Tensor):
            v = x.array
            if self.autocast and v.dtype.kind == "f" and v.dtype != self._np_dtype:
                return math_ops.cast(x, self._np_dtype)
            return x
        if isinstance(x, KerasTensor):
            return x
        if isinstance(x, (list, tuple)) and any(
                isinstance(v, (Tensor, np.ndarray, KerasTensor, dict)) for v in x):
            # a list of arrays is several inputs; a nested list of numbers is one array
            return type(x)(self._convert_input(v) for v in x)
        if isinstance(x, dict):
            return {k: self._convert_input(v) for k, v in x.items()}
        arr = np.asarray(x)
        if arr.dtype.kind == "f" or arr.dtype == object:
            arr = arr.astype(self._np_dtype, copy=False)
        elif arr.dtype.kind in "iu" and not isinstance(x, np.ndarray):
            arr = arr.astype(np.int32 if arr.dtype.itemsize <= 4 else np.int64, copy=False)
        return Tensor(arr)

    def _split_inputs(self, args, kwargs):
        if "name" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__} was called before Layer.__init__ ran: "
                               f"call super().__init__() first in __init__.")
        if args:
            return args[0], args[1:]
        if "inputs" in kwargs:
            return kwargs.pop("inputs"), ()
        raise TypeError(f'Layer "{self.name}" was called without inputs; call it as layer(x).')

    def _call_kwargs(self, kwargs):
        """Resolve ``training`` (explicit, else the enclosing call's, else the default)."""
        has_training, default, has_mask = call_info(type(self))
        training = kwargs.pop("training", None)
        if training is None:
            training = call_context.training if call_context.training is not None else default
        if has_training:
            kwargs["training"] = training
        if not has_mask:
            kwargs.pop("mask", None)
        return training

    def __call__(self, *args, **kwargs):
        inputs, rest = self._split_inputs(args, kwargs)
        if type(inputs) is not Tensor:
            if any_keras_tensor(inputs):
                return self._symbolic_call(inputs, rest, kwargs)
            inputs = self._convert_input(inputs)
        elif self.autocast and inputs.array.dtype != self._np_dtype and \
                inputs.array.dtype.kind == "f":
            inputs = math_ops.cast(inputs, self._np_dtype)
        d = self.__dict__
        if d["_input_spec"] is not None:
            self._check_inputs(inputs)
        if not d["built"]:
            self._maybe_build(inputs)
        training = self._call_kwargs(kwargs)
        ctx = call_context
        if ctx.depth == 0:
            ctx.call_id += 1  # a new outermost call: losses of earlier calls are stale
        d["_last_call_id"] = ctx.call_id
        saved, ctx.training = ctx.training, training
        ctx.depth += 1
        try:
            outputs = self.call(inputs, *rest, **kwargs)
        finally:
            ctx.depth -= 1
            ctx.training = saved
        d["built"] = True
        if d["activity_regularizer"] is not None:
            for out in flatten(outputs):
                self.add_loss(d["activity_regularizer"](out))
        return outputs

    def _symbolic_call(self, inputs, rest, kwargs):
        self._check_inputs(inputs)
        if not self.built:
            self._maybe_build(inputs)
        outputs = self.compute_output_spec(inputs, *rest, **kwargs)
        self.__dict__["built"] = True
        Node(self, (inputs,) + tuple(rest), kwargs, outputs)
        return outputs

    def _output_spec(self, inputs, *args, **kwargs):
        """Output KerasTensors without recording a node (used inside models)."""
        self._check_inputs(inputs)
        if not self.built:
            self._maybe_build(inputs)
        out = self.compute_output_spec(inputs, *args, **kwargs)
        self.__dict__["built"] = True
        return out
