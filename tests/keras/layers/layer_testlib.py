"""One helper that checks a layer the way Keras's own ``run_layer_test`` does.

:func:`run_layer_test` builds the layer from ``init_kwargs`` and checks, in one go:

1. the output shape on real data (and on a KerasTensor: the same shape with
   ``None`` as batch size, and a Functional model gives the same numbers);
2. the weight shapes (and how many are trainable);
3. the config round-trip: ``from_config(get_config())`` and
   ``layers.deserialize(layers.serialize(...))`` through JSON give an equal config
   and, with the same weights, identical outputs;
4. gradients: one ``GradientTape`` step reaches every trainable weight (and the
   input) with a finite, non-None gradient.
"""
import json
import os

import numpy as np

import tapeflow as tf
from tapeflow.tape import flatten
from tapeflow import keras


KERAS3_FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                               "fixtures", "keras3")


def keras_layer_outputs():
    """What Keras 3.15.1 computed for the layer fixtures (``layers_expected.json``, made
    by scripts/make_keras_layer_fixtures.py)."""
    with open(os.path.join(KERAS3_FIXTURES, "layers_expected.json")) as f:
        return json.load(f)


def _random_input(shape, rng, dtype="float32"):
    if isinstance(shape, list):
        return [_random_input(s, rng, dtype) for s in shape]
    return rng.standard_normal(shape).astype(dtype)


def _as_json(config):
    return json.loads(json.dumps(config))


def _outputs(layer, x, **kwargs):
    y = layer(x, **kwargs)
    return [t.numpy() for t in flatten(y)] if isinstance(y, (list, tuple)) \
        else [y.numpy()]


def _check_shapes(layer, x, expected_output_shape):
    y = layer(x)
    shape = [tuple(t.shape) for t in y] if isinstance(y, (list, tuple)) else tuple(y.shape)
    assert shape == expected_output_shape, (shape, expected_output_shape)
    return y


def _check_weights(layer, expected_trainable, expected_non_trainable, weight_shapes):
    assert len(layer.trainable_weights) == expected_trainable, layer.trainable_weights
    assert len(layer.non_trainable_weights) == expected_non_trainable
    if weight_shapes is not None:
        assert [tuple(w.shape) for w in layer.weights] == [tuple(s) for s in weight_shapes]
    for w in layer.weights:
        assert w.path == f"{layer.name}/{w.name}", w.path


def _check_config(layer, cls, x, custom_objects):
    config = layer.get_config()
    assert {"name", "trainable", "dtype"} <= set(config), config
    assert config["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                               "config": {"name": "float32"}, "registered_name": None}
    clone = cls.from_config(config) if custom_objects is None else \
        keras.layers.deserialize({"class_name": cls.__name__, "config": config},
                                 custom_objects=custom_objects)
    assert _as_json(clone.get_config()) == _as_json(config)
    serialized = _as_json(keras.layers.serialize(layer))
    assert serialized["module"] == "keras.layers" or custom_objects is not None
    assert serialized["class_name"] == cls.__name__
    again = keras.layers.deserialize(serialized, custom_objects=custom_objects)
    assert _as_json(again.get_config()) == _as_json(config)
    for other in (clone, again):
        other(x)
        other.set_weights(layer.get_weights())
        for a, b in zip(_outputs(layer, x), _outputs(other, x)):
            np.testing.assert_array_equal(a, b)


def _check_gradients(layer, x, check_input_gradient):
    leaves = [tf.constant(v) for v in (x if isinstance(x, list) else [x])]
    inputs = leaves if isinstance(x, list) else leaves[0]
    with tf.GradientTape() as tape:
        tape.watch(leaves)
        y = layer(inputs, training=True)
        loss = tf.add_n([tf.reduce_sum(tf.square(t)) for t in flatten(y)])
    grads = tape.gradient(loss, [leaves, layer.trainable_weights])
    for w, g in zip(layer.trainable_weights, grads[1]):
        assert g is not None, f"no gradient reaches {w.path}"
        assert g.shape == w.shape and np.all(np.isfinite(g.numpy())), w.path
    if check_input_gradient:
        for g in grads[0]:
            assert g is not None and np.all(np.isfinite(g.numpy()))


def _check_symbolic(layer_factory, x, expected_output_shape, reference):
    specs = [keras.Input(shape=v.shape[1:]) for v in x] if isinstance(x, list) \
        else keras.Input(shape=x.shape[1:])
    layer = layer_factory()
    out = layer(specs)
    none_batch = (lambda s: (None,) + tuple(s)[1:])
    want = [none_batch(s) for s in expected_output_shape] \
        if isinstance(expected_output_shape, list) else none_batch(expected_output_shape)
    got = [t.shape for t in out] if isinstance(out, (list, tuple)) else out.shape
    assert got == want, (got, want)
    model = keras.Model(specs, out)
    layer.set_weights(reference.get_weights())
    for a, b in zip(_outputs(model, x), _outputs(reference, x)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def run_layer_test(cls, init_kwargs=None, input_shape=(2, 3), expected_output_shape=None,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   expected_weight_shapes=None, input_data=None, custom_objects=None,
                   check_input_gradient=True, run_symbolic=True, seed=0):
    """Check output shape, weights, config round-trip and gradients of one layer."""
    init_kwargs = dict(init_kwargs or {})
    rng = np.random.default_rng(seed)
    x = input_data if input_data is not None else _random_input(input_shape, rng)
    layer = cls(**init_kwargs)
    _check_shapes(layer, x, expected_output_shape)
    _check_weights(layer, expected_num_trainable_weights, expected_num_non_trainable_weights,
                   expected_weight_shapes)
    _check_config(layer, cls, x, custom_objects)
    if expected_num_trainable_weights or check_input_gradient:
        _check_gradients(layer, x, check_input_gradient)
    if run_symbolic:
        _check_symbolic(lambda: cls(**init_kwargs), x, expected_output_shape, layer)
    return layer
