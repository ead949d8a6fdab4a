"""Helpers of the Layer contract: the call context, dtype policy, call signatures,
build wrapping and Keras 3's automatic config of simple custom layers.

Example:
    >>> DTypePolicy("float32")
    <DTypePolicy "float32">
"""
import functools
import inspect
import threading

from tapeflow.keras._objects import policy_name
from tapeflow.keras.api_export import keras_export
from tapeflow.tape import flatten

__all__ = ["call_context", "DTypePolicy", "call_info", "is_default_build", "shape_struct",
           "unique", "init_state", "wrap_build", "auto_config", "KERAS3_ADD_WEIGHT",
           "KERAS2_ADD_WEIGHT"]


class _CallContext(threading.local):
    """Who is calling whom right now, in this thread: the ``training`` flag of the
    outermost call propagates to nested layers, and each outermost call gets a fresh id
    that tags the losses it produces. ``batch_unknown``: set while ``Model.build(shape)``
    runs the model on stand-in zeros, so that layers record a batch size of None."""

    def __init__(self):
        self.training, self.depth, self.call_id = None, 0, 0
        self.batch_unknown = False


call_context = _CallContext()


@keras_export(["keras", "keras.mixed_precision"])
class DTypePolicy:
    """The dtype a layer computes in and stores its variables in (one name here)."""

    def __init__(self, name="float32"):
        self.name = policy_name(name)
        self.compute_dtype = self.variable_dtype = self.name

    def get_config(self):
        return {"name": self.name}

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


@functools.lru_cache(maxsize=None)
def call_info(cls):
    """(passes ``training``, its default, accepts ``mask``, takes ``**kwargs``)."""
    params = inspect.signature(cls.call).parameters
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
    training = "training" in params or var_kw
    default = params["training"].default if "training" in params else None
    if default is inspect.Parameter.empty:
        default = None
    return training, default, "mask" in params or var_kw


def is_default_build(cls):
    return getattr(cls.build, "_default_build", False)


def shape_struct(x, batch_none=False):
    """The shape of every tensor in ``x``, in ``x``'s structure."""
    def one(t):
        s = tuple(t.shape)
        return (None,) + s[1:] if batch_none and s else s
    if isinstance(x, (list, tuple)):
        return [one(t) for t in flatten(x)]
    if isinstance(x, dict):
        return {k: one(t) for k, t in x.items()}
    return one(x)


def unique(items):
    seen, out = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


def init_state(layer):
    d = layer.__dict__
    if "_tracked" in d:
        return
    d.update(_tracked=[], _own_trainable=[], _own_non_trainable=[], _regularized=[],
             _losses=[], _loss_call_id=None, _last_call_id=None, _inbound_nodes=[],
             _build_shapes=None, built=False, _input_spec=None)
    d.setdefault("_trainable", True)
    d.setdefault("activity_regularizer", None)


def wrap_build(build):
    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        d = self.__dict__
        if "_tracked" not in d:
            raise RuntimeError(f"{type(self).__name__}.build() was called before "
                               f"Layer.__init__: call super().__init__() first in __init__.")
        shape = args[0] if args else kwargs.get("input_shape")
        if shape is not None and d.get("_build_shapes") is None:
            d["_build_shapes"] = shape
        build(self, *args, **kwargs)
        d["built"] = True
    wrapper._wrapped = True
    wrapper._default_build = getattr(build, "_default_build", False)
    return wrapper


_SIMPLE = (type(None), bool, int, float, str)
KERAS3_ADD_WEIGHT = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer",
                      "constraint", "aggregation", "overwrite_with_gradient", "name")
KERAS2_ADD_WEIGHT = ("name", "shape", "dtype", "initializer", "regularizer", "trainable",
                      "constraint")


def auto_config(layer):
    args, kwargs = layer._init_args
    try:
        bound = inspect.signature(type(layer).__init__).bind(None, *args, **kwargs)
    except TypeError:
        bound = None
    values = {}
    if bound is not None:
        for name, value in list(bound.arguments.items())[1:]:
            param = inspect.signature(type(layer).__init__).parameters[name]
            if param.kind is param.VAR_KEYWORD:
                values.update(value)
            elif param.kind is not param.VAR_POSITIONAL:
                values[name] = value
    values = {k: v for k, v in values.items() if k not in ("name", "trainable", "dtype")}
    if all(isinstance(v, _SIMPLE) or (isinstance(v, (list, tuple)) and all(
            isinstance(e, _SIMPLE) for e in v)) for v in values.values()):
        return values
    raise NotImplementedError(
        f"Layer {type(layer).__name__} has arguments {list(values)} in `__init__()` that "
        f"are not plain values, and therefore must override `get_config()`.")
