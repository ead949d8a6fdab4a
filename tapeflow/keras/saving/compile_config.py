"""A model's ``compile_config``: what ``compile()`` was given, in Keras 3's form.

Keras writes ``{"optimizer": <optimizer dict>, "loss": ..., "loss_weights": ...,
"metrics": ..., "weighted_metrics": ..., "run_eagerly": ..., "steps_per_execution":
..., "jit_compile": ...}`` for a compiled model and ``{}`` for one that is not;
loading calls ``compile(**config)`` again and builds the optimizer so that its saved
state (iterations, learning rate, slots) can be restored. The trainer provides
``get_compile_config`` / ``compile_from_config``; these helpers also serve models
that lack them.

Example:
    >>> class NotCompiled:
    ...     pass
    >>> get_compile_config(NotCompiled())
    {}
"""
import inspect
import warnings

__all__ = ["get_compile_config", "compile_from_config", "build_optimizer"]


def get_compile_config(model):
    """Keras's ``compile_config`` of ``model`` ({} when it is not compiled)."""
    method = getattr(model, "get_compile_config", None)
    return (method() or {}) if callable(method) else {}


def compile_from_config(model, config, custom_objects=None):
    """``model.compile(**config)`` from a saved ``compile_config``, optimizer built."""
    from tapeflow.keras.saving.serialization import deserialize_keras_object
    method = getattr(model, "compile_from_config", None)
    if callable(method):
        method(config)
    else:
        kwargs = deserialize_keras_object(dict(config), custom_objects=custom_objects)
        accepted = _accepted_kwargs(model.compile)
        dropped = [k for k in kwargs if accepted is not None and k not in accepted]
        if dropped:
            warnings.warn(f"compile() of {type(model).__name__} does not take {dropped}; "
                          f"these compile settings were not restored.", stacklevel=3)
        model.compile(**{k: v for k, v in kwargs.items() if k not in dropped})
    build_optimizer(model)


def _accepted_kwargs(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return set(params)


def build_optimizer(model):
    """Create the optimizer's slot variables for the model's trainable variables."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "built", False):
        return
    if not getattr(optimizer, "built", False) and callable(getattr(optimizer, "build", None)):
        optimizer.build(list(model.trainable_variables))
