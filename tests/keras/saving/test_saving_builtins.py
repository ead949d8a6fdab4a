"""Every built-in a namespace exports can be written and read back by name.

The names come from one table (``tapeflow.keras.api_export``, filled by
``@keras_export`` on each class): a class reachable as ``keras.layers.X`` (or
``keras.losses.X`` ...) must be in that table, and must round-trip through
``keras.models.model_from_config`` / ``keras.<kind>.deserialize`` and
``keras.saving.deserialize_keras_object``. This is the test that once failed with
"Unknown layer" for a layer exported from ``keras.layers`` but never registered.
"""
import inspect

import pytest

import tapeflow.keras.saving.loading  # noqa: F401  (imports every built-in package)
from tapeflow import keras
from tapeflow.keras import api_export
from tapeflow.keras.api_export import keras_export

# Constructor arguments for built-ins that have required ones. A new built-in with
# required arguments adds a line here.
ARGS = {
    "Dense": {"units": 3}, "Reshape": {"target_shape": (2, 2)}, "Activation": {
        "activation": "relu"}, "Dropout": {"rate": 0.5}, "Lambda": None,
    "InputLayer": {"shape": (4,)}, "Rescaling": {"scale": 0.5}, "Permute": {"dims": (2, 1)},
    "RepeatVector": {"n": 2}, "Conv1D": {"filters": 2, "kernel_size": 3},
    "Conv2D": {"filters": 2, "kernel_size": 3}, "Conv1DTranspose": {"filters": 2,
    "kernel_size": 3}, "Conv2DTranspose": {"filters": 2, "kernel_size": 3},
    "SeparableConv2D": {"filters": 2, "kernel_size": 3}, "DepthwiseConv2D": {
        "kernel_size": 3}, "Embedding": {"input_dim": 5, "output_dim": 2},
    "SpatialDropout1D": {"rate": 0.5}, "SpatialDropout2D": {"rate": 0.5},
    "GaussianDropout": {"rate": 0.5}, "GaussianNoise": {"stddev": 0.1},
    "Resizing": {"height": 4, "width": 4}, "CenterCrop": {"height": 4, "width": 4},
    "RandomCrop": {"height": 4, "width": 4}, "RandomRotation": {"factor": 0.1},
    "RandomZoom": {"height_factor": 0.1}, "RandomTranslation": {
        "height_factor": 0.1, "width_factor": 0.1}, "RandomContrast": {"factor": 0.1},
    "RandomBrightness": {"factor": 0.1}, "CategoryEncoding": {"num_tokens": 4},
    "Constant": {"value": 2.0}, "MaxNorm": {}, "ExponentialDecay": {
        "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    "PiecewiseConstantDecay": {"boundaries": [10], "values": [0.1, 0.01]},
    "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "MeanMetricWrapper": None, "LossFunctionWrapper": None,
    "AveragePooling1D": {"pool_size": 2}, "AveragePooling2D": {"pool_size": 2},
    "AveragePooling3D": {"pool_size": 2}, "MaxPooling3D": {"pool_size": 2},
}
# Abstract bases: exported (configs may name them) but not useful to build bare.
BASES = {"Layer", "Loss", "Metric", "Optimizer", "Initializer", "Regularizer", "Constraint",
         "LearningRateSchedule", "InputSpec", "Model", "Sequential", "Functional"}
# tapeflow's own helpers reachable from a namespace, with no Keras name to save under.
TAPEFLOW_ONLY = {"AutoCrossentropy"}
KINDS = {"keras.layers": keras.layers, "keras.losses": keras.losses,
         "keras.metrics": keras.metrics, "keras.optimizers": keras.optimizers,
         "keras.optimizers.schedules": keras.optimizers.schedules,
         "keras.initializers": keras.initializers, "keras.regularizers": keras.regularizers,
         "keras.constraints": keras.constraints}


def _namespace_classes(module, namespace):
    for name, obj in sorted(vars(namespace).items()):
        if inspect.isclass(obj) and obj.__module__.startswith("tapeflow.") and \
                hasattr(obj, "get_config") and not name.startswith("_") and \
                name not in TAPEFLOW_ONLY:
            yield module, name, obj


NAMESPACE_CLASSES = [c for module, ns in KINDS.items() for c in _namespace_classes(module, ns)]


@pytest.mark.parametrize("module, name, cls", NAMESPACE_CLASSES,
                         ids=[f"{m}.{n}" for m, n, _ in NAMESPACE_CLASSES])
def test_every_namespace_class_is_exported(module, name, cls):
    info = api_export.export_info(cls)
    assert info is not None, (
        f"{module}.{name} is reachable from the namespace but not exported: decorate "
        f"the class with @keras_export({module!r}) where it is defined.")
    assert api_export.public_object(info[0], cls.__name__) is cls


def _roundtrip_cases():
    for module in KINDS:
        for name, cls in sorted(api_export.public_names(module).items()):
            if inspect.isclass(cls) and name == cls.__name__ and name not in BASES and \
                    ARGS.get(name, {}) is not None:
                yield module, name, cls


CASES = list(_roundtrip_cases())


def _build(name, cls):
    try:
        return cls(**ARGS.get(name, {}))
    except TypeError as err:
        pytest.fail(f"{name}() needs arguments ({err}); add them to ARGS in {__file__}.")


@pytest.mark.parametrize("module, name, cls", CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_builtin_round_trips_by_name(module, name, cls):
    obj = _build(name, cls)
    saved = keras.saving.serialize_keras_object(obj)
    assert (saved["module"], saved["class_name"]) == (module, name)
    again = keras.saving.deserialize_keras_object(saved)
    assert type(again) is cls
    assert keras.saving.serialize_keras_object(again)["config"] == saved["config"]
    if module == "keras.layers":
        assert type(keras.models.model_from_config(keras.layers.serialize(obj))) is cls
    else:
        kind = KINDS[module]
        assert type(kind.deserialize(kind.serialize(obj))) is cls


@pytest.fixture
def probe_layer():
    @keras_export("keras.layers")
    class RoundTripProbe(keras.layers.Layer):
        def call(self, inputs):
            return inputs
    yield RoundTripProbe
    api_export._TABLE["keras.layers"].pop("RoundTripProbe")
    api_export._INFO.pop(RoundTripProbe)


def test_decorator_alone_makes_a_layer_loadable(probe_layer):
    model = keras.Sequential([keras.Input((2,)), probe_layer(name="probe")])
    config = keras.layers.serialize(model)
    assert config["config"]["layers"][1]["module"] == "keras.layers"
    again = keras.models.model_from_config(config)
    assert type(again.layers[-1]) is probe_layer
    assert type(keras.saving.deserialize_keras_object(config).layers[-1]) is probe_layer


def test_unknown_layer_error_lists_the_exported_layers():
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'.*Dense"):
        keras.models.model_from_config({"class_name": "Nope", "config": {}})
