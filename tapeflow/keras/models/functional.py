"""Functional models: ``keras.Model(inputs, outputs)`` over a graph of layer calls.

The graph is mapped once when the model is created; calling the model then runs a
precomputed list of steps (a loop over layers, no graph walking).

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.backend.clear_session()   # restart automatic names at "dense"
    >>> inputs = keras.Input(shape=(4,))
    >>> hidden = keras.layers.Dense(5, activation="relu")(inputs)
    >>> outputs = keras.layers.Dense(3, activation="softmax")(hidden)
    >>> model = keras.Model(inputs, outputs)
    >>> [layer.name for layer in model.layers]
    ['input_layer', 'dense', 'dense_1']
    >>> model(np.ones((2, 4))).shape
    TensorShape([2, 3])
"""
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.models import functional_config
from tapeflow.keras.models.graph import compile_plan, fill, map_graph
from tapeflow.keras.models.model import Model
from tapeflow.ops import array as array_ops
from tapeflow.ops import math as math_ops
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import Tensor

__all__ = ["Functional", "adjust_input_rank"]


def to_input_dtype(x, dtype):
    """``x`` cast to an input's dtype; string inputs (object arrays of bytes) pass as
    they are (a ``TextVectorization`` first layer reads them).

    Example:
        >>> import numpy as np
        >>> to_input_dtype(Tensor(np.array([1, 2])), "float32").dtype
        tf.float32
    """
    if dtype == "string":
        return x
    return math_ops.cast(x, dtype) if x.array.dtype.name != dtype else x


def adjust_input_rank(x, ref_shape, model_name):
    """``x`` fitted to an input of shape ``ref_shape`` by Keras 3's rule.

    One rank short and the input ends in 1: a trailing axis is added (``(n,)`` data for
    an ``Input((1,))`` model, as in TF's "basic regression" tutorial); one rank over and
    ``x`` ends in 1: that axis is squeezed. Other rank mismatches are errors.

    Example:
        >>> import numpy as np
        >>> adjust_input_rank(Tensor(np.zeros(3)), (None, 1), "model").shape
        TensorShape([3, 1])
    """
    rank, ref_rank = len(x.shape), len(ref_shape)
    if rank == ref_rank:
        return x
    if rank == ref_rank + 1 and x.shape[-1] == 1:
        return array_ops.squeeze(x, axis=-1)
    if rank == ref_rank - 1 and ref_shape[-1] == 1:
        return array_ops.expand_dims(x, axis=-1)
    hint = " A tf.data.Dataset must be batched: add .batch(32)." \
        if rank == ref_rank - 1 else ""
    raise ValueError(f'Invalid input shape for model "{model_name}": expected shape '
                     f'{tuple(ref_shape)}, but the input has the incompatible shape '
                     f'{tuple(x.shape)}. Reshape the data to {tuple(ref_shape)} (None is '
                     f'the batch axis).{hint}')



def _check_keras_tensors(struct, what):
    for x in flatten(struct):
        if not isinstance(x, KerasTensor):
            raise ValueError(
                f"All `{what}` values must be KerasTensors (from keras.Input(...) and layers "
                f"called on them). Received: {what}={struct!r:.200} including invalid value "
                f"{x!r:.80} of type {type(x)}. To run a model on data, build it first and "
                f"then call model(data).")


def _unpack_singleton(x):
    return x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x


@keras_export(["keras.src.models.functional", "keras.models"], registered_name="Functional")
class Functional(Model):
    """A model defined by its input and output KerasTensors.

    Args:
        inputs: a KerasTensor, or a list/tuple/dict of them, from ``keras.Input``.
        outputs: the KerasTensor(s) computed from the inputs by calling layers.
        name: the model's name (``"functional"`` by default).
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name, **kwargs)
        _check_keras_tensors(inputs, "inputs")
        _check_keras_tensors(outputs, "outputs")
        if isinstance(inputs, dict):
            inputs = {k: inputs[k] for k in inputs}
        flat_in, flat_out = flatten(inputs), flatten(outputs)
        graph = map_graph(flat_in, flat_out)
        steps, n_slots, out_slots = compile_plan(flat_in, flat_out, graph.nodes)
        d = self.__dict__
        d.update(_inputs_struct=inputs, _outputs_struct=outputs, _inputs=flat_in,
                 _outputs=flat_out, _graph=graph, _operations=graph.operations, _steps=steps,
                 _n_slots=n_slots, _output_slots=out_slots,
                 _node_ids={id(n) for nodes in graph.nodes_by_depth.values() for n in nodes})
        d["built"] = True
        d["_build_shapes"] = None
        if not trainable:
            self.trainable = False

    # --- structure -----------------------------------------------------------------------------
    def _sublayers(self, scanned=None):
        return list(self._operations)

    @property
    def layers(self):
        return list(self._operations)

    @property
    def operations(self):
        return list(self._operations)

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        return _unpack_singleton([t.shape for t in self._inputs])

    @property
    def output_shape(self):
        return _unpack_singleton([t.shape for t in self._outputs])

    @property
    def input_names(self):
        return [t._keras_history.operation.name for t in self._inputs]

    @property
    def output_names(self):
        return [t._keras_history.operation.name for t in self._outputs]

    # --- running -------------------------------------------------------------------------------
    def _flatten_inputs(self, inputs):
        struct, want = self._inputs_struct, self._inputs
        if isinstance(inputs, dict):
            names = list(struct) if isinstance(struct, dict) else [t.name for t in want]
            missing = [k for k in names if k not in inputs]
            if missing:
                raise ValueError(f'Model "{self.name}" expects inputs named {names}; the dict '
                                 f'passed lacks {missing} (keys received: {list(inputs)}).')
            flat = flatten({k: inputs[k] for k in names}) if isinstance(struct, dict) else \
                [inputs[k] for k in names]
        elif isinstance(inputs, (list, tuple)):
            flat = list(inputs)
        else:
            flat = [inputs]
        if len(flat) != len(want):
            raise ValueError(f'Model "{self.name}" expects {len(want)} input(s), but it received '
                             f'{len(flat)} input tensors. Pass a list of {len(want)} arrays in '
                             f'the order {[t.name for t in want]}.')
        for i, (x, spec) in enumerate(zip(flat, want)):
            flat[i] = x = to_input_dtype(x, spec.dtype)
            flat[i] = adjust_input_rank(x, spec.shape, self.name)
        return flat

    def call(self, inputs, training=None):
        return self._run(self._flatten_inputs(inputs), symbolic=False)

    def _run(self, flat, symbolic):
        slots = [None] * self._n_slots
        slots[:len(flat)] = flat
        for layer, single, template, kwargs, outs in self._steps:
            call = layer._output_spec if symbolic else layer
            if single is not None:
                y = call(slots[single], **kwargs)
            else:
                y = call(*fill(template, slots), **kwargs)
            if len(outs) == 1 and isinstance(y, (Tensor, KerasTensor)):
                slots[outs[0]] = y
            else:
                for s, v in zip(outs, flatten(y)):
                    slots[s] = v
        result = pack_like(self._outputs_struct, [slots[i] for i in self._output_slots]) \
            if isinstance(self._outputs_struct, (list, tuple, dict)) \
            else slots[self._output_slots[0]]
        return _unpack_singleton(result)

    def compute_output_spec(self, inputs, training=None, **kwargs):
        flat = flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(f'Model "{self.name}" expects {len(self._inputs)} input(s), but '
                             f'it received {len(flat)}.')
        return self._run(flat, symbolic=True)

    def compute_output_shape(self, input_shape):
        several = isinstance(input_shape, list) and input_shape and \
            isinstance(input_shape[0], (list, tuple))
        specs = [KerasTensor(s) for s in (input_shape if several else [input_shape])]
        out = self.compute_output_spec(specs)
        return _unpack_singleton([t.shape for t in flatten(out)])

    def build(self, input_shape=None):
        self.__dict__["built"] = True

    # --- config --------------------------------------------------------------------------------
    def get_config(self):
        """Keras 3's Functional config: layers with inbound nodes, input/output layers."""
        return functional_config.get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return functional_config.from_config(cls, config, custom_objects)

    def get_build_config(self):
        return {"input_shape": None}  # what Keras 3.15 writes for Functional models

