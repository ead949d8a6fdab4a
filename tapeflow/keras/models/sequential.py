"""``keras.Sequential``: a plain stack of layers, each feeding the next.

The model is built (weights created, output shapes known) as soon as its input
shape is: from a ``keras.Input`` first layer, from ``input_shape=`` on the first
layer (Keras-2-era course code), from ``model.build(...)``, or on the first call.

Example:
    >>> from tapeflow import keras
    >>> network = keras.models.Sequential()
    >>> network.add(keras.layers.Dense(512, activation="relu", input_shape=(28 * 28,)))
    >>> network.add(keras.layers.Dense(10, activation="softmax"))
    >>> network.count_params()   # (784*512 + 512) + (512*10 + 10)
    407050
    >>> network.output_shape
    (None, 10)
"""
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_layer import InputLayer
from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.layers.serialization import deserialize, serialize
from tapeflow.keras._objects import dtype_policy
from tapeflow.keras.models.functional import adjust_input_rank, to_input_dtype
from tapeflow.keras.models.model import Model
from tapeflow.tensor import Tensor
from tapeflow.tape import flatten

__all__ = ["Sequential"]


def _known_input_shape(layer):
    """The input shape of a built model used as a layer (a tuple), else None."""
    if not isinstance(layer, Model) or isinstance(layer, InputLayer):
        return None
    try:
        shape = layer.input_shape
    except AttributeError:
        return None
    return shape if isinstance(shape, tuple) else None


@keras_export(["keras", "keras.models"])
class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: optional list of layers (a ``keras.Input(...)`` may come first).
        trainable: whether the weights are trained.
        name: the model's name (``"sequential"`` by default).
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        d = self.__dict__
        d["_layers"] = []
        d["_inputs"] = d["_outputs"] = None
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    # --- editing ------------------------------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Append a layer (or a ``keras.Input`` tensor) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None and \
                isinstance(layer._keras_history.operation, InputLayer):
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential "
                             f"model. Received: {layer!r:.100} (of type {type(layer)})")
        layers = self._layers
        if any(existing.name == layer.name for existing in layers):
            raise ValueError(f"All layers added to a Sequential model should have unique "
                             f"names. Name '{layer.name}' is already the name of a layer in "
                             f"this model. Update the `name` argument to pass a unique name.")
        if isinstance(layer, InputLayer) and layers and isinstance(layers[0], InputLayer):
            raise ValueError(f"Sequential model '{self.name}' has already been configured to "
                             f"use input shape {layers[0].batch_shape}. You cannot add a "
                             f"different Input layer to it.")
        if not layers and getattr(layer, "_input_shape_arg", None) is not None:
            layers.append(InputLayer(shape=layer._input_shape_arg))
        layers.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self._unbuild()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        if rebuild:
            self._maybe_rebuild()
        else:
            self._unbuild()
        return layer

    def _unbuild(self):
        d = self.__dict__
        d["built"] = False
        d["_inputs"] = d["_outputs"] = None
        d["train_function"] = None  # a traced step of the old stack must not replay

    def _maybe_rebuild(self):
        self._unbuild()
        layers = self._layers
        if len(layers) < 2 and not (layers and _known_input_shape(layers[0])):
            return
        if isinstance(layers[0], InputLayer):
            self.build(layers[0].batch_shape)
        elif _known_input_shape(layers[0]):
            # a built model used as the first layer defines the input shape
            self.build(layers[0].input_shape)

    # --- structure ---------------------------------------------------------------------------
    @property
    def layers(self):
        layers = self._layers
        return layers[1:] if layers and isinstance(layers[0], InputLayer) else list(layers)

    def _sublayers(self, scanned=None):
        return self.layers

    @property
    def inputs(self):
        return None if self._inputs is None else list(self._inputs)

    @property
    def outputs(self):
        return None if self._outputs is None else list(self._outputs)

    @property
    def input(self):
        return self._inputs[0] if self._inputs else self._node_attr("input_tensors", "input")

    @property
    def output(self):
        return self._outputs[0] if self._outputs else self._node_attr("outputs", "output")

    @property
    def input_shape(self):
        if not self._inputs:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape "
                                 f"yet: add a keras.Input(shape=...) first or build it.")
        return self._inputs[0].shape

    @property
    def output_shape(self):
        if not self._outputs:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape "
                                 f"yet: add a keras.Input(shape=...) first or build it.")
        return self._outputs[0].shape

    @property
    def output_names(self):
        return [self._layers[-1].name] if self._layers else []

    @property
    def input_names(self):
        return [self._layers[0].name] if self._layers else []

    # --- building and running ----------------------------------------------------------------
    def build(self, input_shape=None):
        """Build every layer for inputs of ``input_shape`` (batch axis first)."""
        if not self._layers:
            raise ValueError(f"Sequential model {self.name} cannot be built because it has no "
                             f"layers. Call `model.add(layer)`.")
        if input_shape is None:
            raise ValueError(f"Sequential model {self.name}: build() needs an input shape, "
                             f"e.g. model.build((None, 784)).")
        input_shape = tuple(None if d is None else int(d) for d in input_shape)
        layers = self._layers
        if isinstance(layers[0], InputLayer):
            if tuple(layers[0].batch_shape)[1:] != input_shape[1:]:
                raise ValueError(f"Sequential model '{self.name}' has already been configured "
                                 f"to use input shape {layers[0].batch_shape}. You cannot "
                                 f"build it with input_shape {input_shape}")
        else:
            layers.insert(0, InputLayer(batch_shape=(None,) + input_shape[1:],
                                        dtype=_first_dtype(layers[0])))
        x = layers[0].output
        for layer in layers[1:]:
            x = layer(x)
        d = self.__dict__
        d["_inputs"], d["_outputs"] = [layers[0].output], [x]
        d["_build_shapes"] = tuple(layers[0].batch_shape)
        d["built"] = True

    def _maybe_build(self, inputs):
        self.build(tuple(flatten(inputs)[0].shape))

    def call(self, inputs, training=None):
        x = inputs
        layers = self._layers
        start = 0
        if layers and isinstance(layers[0], InputLayer):
            start = 1
            want = layers[0].dtype
            if isinstance(x, Tensor):
                x = to_input_dtype(x, want)
                x = adjust_input_rank(x, layers[0].batch_shape, self.name)
        for layer in layers[start:]:
            x = layer(x)
        return x

    def compute_output_spec(self, inputs, training=None, **kwargs):
        x = inputs
        for layer in self.layers:
            x = layer._output_spec(x)
        return x

    def compute_output_shape(self, input_shape):
        return self.compute_output_spec(KerasTensor(input_shape)).shape

    # --- config --------------------------------------------------------------------------------
    def get_config(self):
        """``name``, ``trainable``, ``dtype``, ``layers`` (InputLayer included) and
        ``build_input_shape``, as Keras 3 writes them."""
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policy(self._policy.name),
                  "layers": [serialize(layer) for layer in self._layers]}
        if self._inputs:
            config["build_input_shape"] = tuple(self._layers[0].batch_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer_configs = config.pop("layers", [])
        build_shape = config.pop("build_input_shape", None)
        config.pop("dtype", None)
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in layer_configs:
            model.add(deserialize(layer_config, custom_objects=custom_objects), rebuild=False)
        if model._layers:
            model._maybe_rebuild()
        if not model.built and build_shape is not None:
            model.build(build_shape)
        return model

    def get_build_config(self):
        return {"input_shape": tuple(self._layers[0].batch_shape)} if self._inputs else None

    def build_from_config(self, config):
        if config and not self.built:
            self.build(config["input_shape"])


def _first_dtype(layer):
    """The input dtype Keras gives a Sequential built without an Input: the first
    layer's compute dtype (``"string"`` for TextVectorization, else float32)."""
    return "string" if layer.compute_dtype == "string" else "float32"
