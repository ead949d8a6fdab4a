"""TensorFlow and Keras names tapeflow does not provide yet, and what to use instead.

Every public namespace (``tf``, ``tf.keras``, ``tf.keras.layers`` ...) ends its
module ``__getattr__`` with :func:`attribute_error`, so a missing name raises an
``AttributeError`` (a :class:`NotProvidedError`) that says tapeflow does not
provide it yet and, where there is one, what to use instead, rather than
Python's "Did you mean" pointing at one of tapeflow's internal modules.

:data:`NOT_YET` is the table of known TensorFlow / Keras names that are missing,
by namespace, each with its alternative (or ``None``). When tapeflow gains one of
them, delete its entry (a name that exists is never reported anyway: module
``__getattr__`` only runs for names the module lacks; ``scripts/make_docs.py``
also skips it). The page ``docs/what_runs.md`` is generated from this table and
the public namespaces.

Example:
    >>> import tapeflow as tf
    >>> tf.saved_model
    Traceback (most recent call last):
    ...
    tapeflow._missing.NotProvidedError: tapeflow does not provide tf.saved_model yet. Instead: model.save('x.keras') and tf.keras.models.load_model('x.keras').
    >>> hasattr(tf, "no_such_name")
    False
"""

__all__ = ["NOT_YET", "NotProvidedError", "attribute_error", "display_name"]

_SAVE = "model.save('x.keras') and tf.keras.models.load_model('x.keras')"
_EAGER = "ordinary Python: tapeflow always runs eagerly"
_DENSE = "dense tensors (pad or mask to a rectangular shape)"

NOT_YET = {
    "tf": {
        "saved_model": _SAVE,
        "train": "model.save_weights('x.weights.h5') / tf.keras.callbacks.ModelCheckpoint "
                 "for checkpoints, tf.keras.optimizers for optimizers",
        "lite": "model.export('m.onnx', format='onnx') for deployment",
        "distribute": "no strategy scope (tapeflow runs on one CPU)",
        "estimator": "tf.keras models with compile() / fit()",
        "feature_column": "tf.keras.layers.Normalization and NumPy preprocessing",
        "sparse": _DENSE, "SparseTensor": _DENSE,
        "ragged": _DENSE, "RaggedTensor": _DENSE,
        "signal": "NumPy's np.fft on t.numpy() (no gradient)",
        "audio": None, "tpu": None, "xla": None,
        "while_loop": _EAGER + " (a while loop)", "cond": _EAGER + " (an if statement)",
        "case": _EAGER + " (if / elif)",
        "scan": "a Python loop", "vectorized_map": "vectorised ops",
        "TensorArray": "a Python list, then tf.stack",
        "control_dependencies": _EAGER + " (statements run in order)",
        "Graph": _EAGER,
        "gradients": "tf.GradientTape", "hessians": None,
        "recompute_grad": None,
        "bitwise": None,
        "sets": None, "lookup": None, "queue": None, "profiler": None,
        "debugging": "Python asserts on t.numpy()", "errors": None, "sysconfig": None,
        "experimental": None,
    },
    "tf.keras": {
        "mixed_precision": "float32, tapeflow's only training precision",
        "export": "model.export('m.onnx', format='onnx')",
        "distribution": "no distribution (tapeflow runs on one CPU)",
        "quantizers": None, "dtype_policies": None, "visualization": None,
        "wrappers": None, "legacy": None,
    },
    "tf.keras.layers": {
        **{name: None for name in (
            "LSTM", "GRU", "SimpleRNN", "RNN", "LSTMCell", "GRUCell", "SimpleRNNCell",
            "Bidirectional", "ConvLSTM2D", "Conv3D", "Conv3DTranspose", "MaxPooling3D",
            "AveragePooling3D", "MultiHeadAttention", "Attention", "AdditiveAttention",
            "Hashing",
            "CategoryEncoding", "Discretization", "PReLU", "Masking", "UnitNormalization", "GroupNormalization",
            "Cropping1D", "Cropping3D", "ZeroPadding1D", "ZeroPadding3D", "UpSampling1D",
            "UpSampling3D", "Conv1DTranspose", "Dot", "ActivityRegularization")},
        "TimeDistributed": "the layer applied to a batch reshaped to (-1, ...) and back",
        "GaussianNoise": "tf.random.normal added in a custom layer's call",
        "GaussianDropout": "tf.keras.layers.Dropout",
        "AlphaDropout": "tf.keras.layers.Dropout",
        "SpatialDropout1D": "tf.keras.layers.Dropout",
        "SpatialDropout2D": "tf.keras.layers.Dropout",
    },
    "tf.keras.applications": {
        **{name: "tf.keras.applications.VGG16 or MobileNetV2 (the two provided), or the "
                 "network built from tf.keras.layers" for name in (
            "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
            "ResNet152V2", "InceptionV3", "InceptionResNetV2", "Xception", "MobileNet",
            "MobileNetV3Small", "MobileNetV3Large", "DenseNet121", "DenseNet169",
            "DenseNet201", "NASNetMobile", "NASNetLarge", "EfficientNetB0", "EfficientNetB1",
            "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5",
            "EfficientNetB6", "EfficientNetB7", "EfficientNetV2B0", "EfficientNetV2S",
            "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge")},
        **{name: "tf.keras.applications.vgg16 or mobilenet_v2 (the two provided)"
           for name in ("vgg19", "resnet", "resnet50", "resnet_v2", "inception_v3",
                        "inception_resnet_v2", "xception", "mobilenet", "mobilenet_v3",
                        "densenet", "nasnet", "efficientnet", "efficientnet_v2",
                        "convnext")},
    },
    "tf.keras.optimizers": {
        "Adadelta": "tf.keras.optimizers.Adagrad", "Ftrl": None, "Lion": None, "Lamb": None,
        "Adafactor": None, "LossScaleOptimizer": None,
    },
    "tf.keras.losses": {name: None for name in ("CosineSimilarity", "Tversky", "Dice",
                                                "CTC")},
    "tf.keras.metrics": {name: None for name in (
        "F1Score", "FBetaScore", "MeanIoU", "IoU", "PrecisionAtRecall", "RecallAtPrecision",
        "SensitivityAtSpecificity", "SpecificityAtSensitivity", "R2Score")},
    "tf.keras.callbacks": {"RemoteMonitor": None, "SwapEMAWeights": None},
}


class NotProvidedError(NotImplementedError, AttributeError):
    """A TensorFlow / Keras name tapeflow does not provide yet.

    An ``AttributeError`` (so ``hasattr`` and ``getattr(..., default)`` work) and a
    ``NotImplementedError`` (what it means).
    """


def display_name(module_name):
    """``tapeflow.keras.layers`` -> ``tf.keras.layers`` (as course code spells it)."""
    return "tf" + module_name[len("tapeflow"):] if module_name.startswith("tapeflow") \
        else module_name


def attribute_error(module_name, name):
    """The error for ``<module>.<name>``, a name the module lacks (raise it).

    Args:
        module_name: the module's ``__name__`` (``"tapeflow.keras.layers"``).
        name: the attribute asked for.
    """
    where = display_name(module_name)
    if name.startswith("__"):
        return AttributeError(f"module {module_name!r} has no attribute {name!r}")
    table = NOT_YET.get(where, {})
    if name in table:
        instead = f" Instead: {table[name]}." if table[name] else ""
        return NotProvidedError(f"tapeflow does not provide {where}.{name} yet.{instead}")
    return AttributeError(
        f"module {module_name!r} has no attribute {name!r}: tapeflow does not provide "
        f"{where}.{name} (it rebuilds part of TensorFlow 2 and Keras 3; dir({where}) "
        f"lists what it has and docs/what_runs.md what it does not yet).")
