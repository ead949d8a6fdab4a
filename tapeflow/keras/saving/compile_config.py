"""A model's ``compile_config``: what ``compile()`` was given, in Keras 3's form.

Keras writes ``{"optimizer": <optimizer dict>, "loss": ..., "loss_weights": ...,
"metrics": ..., "weighted_metrics": ..., "run_eagerly": ..., "steps_per_execution":
..., "jit_compile": ...}`` for a compiled model and ``{}`` for one that is not;
loading calls ``compile(**config)`` again and builds the optimizer so that its saved
state (iterations, learning rate, slots) can be restored.

Example:
    >>> class NotCompiled:
    ...     pass
    >>> get_compile_config(NotCompiled())
    {}
"""
import inspect
import warnings

__all__ = ["get_compile_config", "compile_from_config", "build_optimizer"]

_KEYS = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
         "run_eagerly", "steps_per_execution", "jit_compile")


def _compile_args(model):
    """The arguments compile() received, from wherever the trainer keeps them."""
    for attr in ("_compile_config", "_compile_args", "compile_args"):
        stored = getattr(model, attr, None)
        if stored is None:
            continue
        if hasattr(stored, "config") and isinstance(stored.config, dict):
            stored = stored.config
        if isinstance(stored, dict):
            return dict(stored)
    args = {}
    for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
        value = getattr(model, key if key != "metrics" else "_compile_metrics_arg", None)
        if key == "loss":
            value = getattr(model, "loss", None)
            value = None if callable(value) and not _is_loss_object(value) and \
                not inspect.isfunction(value) else value
        args[key] = value
    return args


def _is_loss_object(value):
    return hasattr(value, "get_config") and hasattr(value, "call")


def get_compile_config(model):
    """Keras's ``compile_config`` of ``model`` ({} when it is not compiled)."""
    method = getattr(type(model), "get_compile_config", None)
    if callable(method):
        return model.get_compile_config() or {}
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        return {}
    args = _compile_args(model)
    config = {
        "optimizer": getattr(model, "optimizer", None) or args.get("optimizer"),
        "loss": args.get("loss"),
        "loss_weights": args.get("loss_weights"),
        "metrics": args.get("metrics"),
        "weighted_metrics": args.get("weighted_metrics"),
        "run_eagerly": bool(args.get("run_eagerly") or False),
        "steps_per_execution": int(args.get("steps_per_execution") or 1),
        "jit_compile": False,
    }
    return config


def compile_from_config(model, config, custom_objects=None):
    """``model.compile(**config)`` from a saved ``compile_config``, optimizer built."""
    from tapeflow.keras.saving.serialization import deserialize_keras_object
    method = getattr(type(model), "compile_from_config", None)
    if callable(method):
        model.compile_from_config(config)
    else:
        kwargs = deserialize_keras_object(dict(config), custom_objects=custom_objects)
        accepted = _accepted_kwargs(model.compile)
        dropped = [k for k in kwargs if accepted is not None and k not in accepted]
        kwargs = {k: v for k, v in kwargs.items() if accepted is None or k in accepted}
        if any(config.get(k) not in (None, False, 1, "auto") for k in dropped):
            warnings.warn(f"compile() of {type(model).__name__} does not take "
                          f"{dropped}; these compile settings were not restored.",
                          stacklevel=3)
        model.compile(**kwargs)
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
    if getattr(optimizer, "built", False):
        return
    build = getattr(optimizer, "build", None)
    if callable(build):
        build(list(model.trainable_variables))
