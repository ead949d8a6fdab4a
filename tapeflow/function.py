"""``tf.function``: trace a Python function, then replay it as a straight-line program.

For each input signature (the structure of the arguments, the shapes and dtypes of
their tensors and arrays, the values of their Python scalars) the decorated function
runs eagerly under a :class:`tapeflow.trace.Trace`, which records every op call, every
``GradientTape.gradient`` call (from the tape's own backward plan) and every *effect*
(``optimizer.apply_gradients``, a metric's ``update_state`` / ``result``, a Variable's
``assign``, ``tf.print``). When two consecutive traces are the same computation, later
calls replay the program: the forwards, the VJPs and the effects, in order, as one
generated Python function (see :func:`tapeflow.autograph.to_code`), skipping the layer
calls, argument checks and tape bookkeeping around them. A custom train step
(GradientTape + ``optimizer.apply_gradients`` + metric updates) then runs at ``fit``'s
speed.

Python side effects behave as TensorFlow documents: a ``print`` runs while tracing
only (the first two calls of a signature), ``tf.print`` at every call. A function that
cannot be replayed (it looked at a tensor's value in Python, drew NumPy random numbers,
or computed something else that changes between calls outside the ops) runs eagerly
and says why once, in a warning that names the op or value.

Example:
    >>> import tapeflow as tf
    >>> v = tf.Variable(1.0)
    >>> @tf.function
    ... def step(x):
    ...     with tf.GradientTape() as tape:
    ...         loss = (v * x - 3.0) ** 2
    ...     v.assign_sub(0.1 * tape.gradient(loss, v))
    ...     return loss
    >>> [round(float(step(tf.constant(2.0))), 4) for _ in range(4)]
    [1.0, 0.04, 0.0016, 0.0001]
    >>> step.experimental_get_tracing_count()
    1
"""
import functools
import inspect
import warnings
import weakref

import numpy as np

from tapeflow.config import FUNCTIONS_EAGERLY
from tapeflow.function_program import (build_function_program, same_function_program,
                                        structure_of)
from tapeflow.ops.math import cast
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import STATE, Tensor, Variable, convert_to_tensor, effect
from tapeflow.tensor_shape import TensorSpec
from tapeflow.trace import Trace

__all__ = ["function", "Function", "ConcreteFunction", "TensorSpec", "py_function",
           "numpy_function"]

_MAX_TRACES = 3        # traced calls per signature before giving up on a replay
_MAX_SIGNATURES = 16   # beyond this many signatures, new ones run eagerly


class _Signature:
    """What is known about one input signature: traces so far, the program, or why not."""

    __slots__ = ("traces", "last", "program", "why")

    def __init__(self):
        self.traces, self.last, self.program, self.why = 0, None, None, None


class Function:
    """A traced-and-replayed Python function: what ``tf.function`` returns.

    Args:
        python_function: the function to trace.
        input_signature: optional list of :class:`TensorSpec` (nested like the
            arguments): calls are checked against it.
        reduce_retracing, jit_compile, autograph, experimental_*: accepted, as in
            TensorFlow; tapeflow replays one program per concrete signature.
    """

    def __init__(self, python_function, input_signature=None, name=None):
        self.python_function = python_function
        self.input_signature = None if input_signature is None else list(input_signature)
        self.name = name or getattr(python_function, "__name__", "function")
        self._signatures = {}
        self._warned = set()
        self._bound = weakref.WeakKeyDictionary()
        self._latest = None
        self._called = False  # variables may be created only while the first call traces
        self._concrete = []
        functools.update_wrapper(self, python_function)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        bound = self._bound.get(obj)
        if bound is None:
            bound = self._bound[obj] = Function(
                self.python_function.__get__(obj, objtype), self.input_signature, self.name)
        return bound

    def experimental_get_tracing_count(self):
        """How many input signatures have been traced, as in TensorFlow."""
        return len(self._signatures)

    def get_concrete_function(self, *args, **kwargs):
        """A :class:`ConcreteFunction`: this function with its non-tensor arguments fixed
        to the values given here and its tensor arguments (tensors, variables or
        ``tf.TensorSpec``) checked against the specs given here at every call."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        concrete = ConcreteFunction(self, args, kwargs)
        self._concrete.append(concrete)
        return concrete

    def pretty_printed_concrete_signatures(self, verbose=True):
        """One line per input signature traced so far (and per concrete function)."""
        lines = [f"{self.name}{_describe(key)}" for key in self._signatures]
        lines += [c.pretty_printed_signature(verbose) for c in self._concrete]
        return "\n\n".join(lines)

    def program_code(self):
        """The source of the latest replayed program (None before one exists)."""
        return None if self._latest is None else self._latest.source

    def __call__(self, *args, **kwargs):
        if FUNCTIONS_EAGERLY[0]:  # tf.config.run_functions_eagerly(True)
            return self.python_function(*args, **kwargs)
        if not kwargs and self.input_signature is None and not STATE.recorders:
            sig = self._signatures.get(_flat_key(args))
            if sig is not None and sig.program is not None:  # the common replay
                return sig.program.run([a if a.__class__ is np.ndarray else a._value
                                        for a in args])
        if self.input_signature is not None:
            args = _check_signature(self.name, self.input_signature, args, kwargs)
        args, kwargs = _tensors_in(args), _tensors_in(kwargs)
        leaves = flatten((args, kwargs))
        key = _key((args, kwargs), leaves)
        if key is None:
            return _tensor_outputs(self.python_function(*args, **kwargs))
        if STATE.recorders:  # an outer tape or trace records the ops: they must run
            if any(hasattr(r, "_watched") and not r._paused for r in STATE.recorders):
                self._warn("called while a GradientTape records outside it (the tape "
                           "needs the function's ops)", key)
            return _tensor_outputs(self.python_function(*args, **kwargs))
        sig = self._signatures.get(key)
        if sig is None:
            if len(self._signatures) >= _MAX_SIGNATURES:
                self._warn("more than 16 input signatures", key)
                return _tensor_outputs(self.python_function(*args, **kwargs))
            sig = self._signatures[key] = _Signature()
        feeds = [t for t in leaves if t.__class__ is Tensor]
        if sig.program is not None:
            return sig.program.run([t._value for t in feeds])
        if sig.why is not None:
            return _tensor_outputs(self.python_function(*args, **kwargs))
        return self._trace(sig, key, args, kwargs, feeds)

    def _trace(self, sig, key, args, kwargs, feeds):
        sig.traces += 1
        outer = STATE.no_new_variables  # TF: variables are created by the first call only
        STATE.no_new_variables = outer or self._called
        try:
            with Trace(effects=True) as trace:
                result = _tensor_outputs(self.python_function(*args, **kwargs))
        finally:
            STATE.no_new_variables, self._called = outer, True
        program = None if trace.escaped else build_function_program(trace, feeds, result)
        if program is not None and sig.last is not None and \
                same_function_program(sig.last, program):
            sig.program, sig.last = program, None
            self._latest = program
        elif trace.escaped and sig.traces > 1 or sig.traces >= _MAX_TRACES:
            sig.why = trace.escaped or (
                "two traced calls computed different programs (a constant computed "
                "outside the ops, such as a NumPy value or a new tf.constant array, or a "
                "Python branch changed between calls)" if program is not None else
                "its result is not made of tensors computed inside it")
            sig.last = None
            self._warn(sig.why, key)
        else:
            sig.last = program
        return result

    def _warn(self, why, key):
        if why in self._warned:
            return
        self._warned.add(why)
        warnings.warn(f"tf.function {self.name!r} runs eagerly (no replay) for inputs "
                      f"{_describe(key)}: {why}.", RuntimeWarning, stacklevel=4)


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_relax_shapes=None, name=None, **kwargs):
    """Decorate a function (or method) so that it is traced once per input signature
    and then replayed as a straight-line program (see the module docstring).

    Example:
        >>> import tapeflow as tf
        >>> @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        ... def double(x):
        ...     return x * 2.0
        >>> double(tf.constant([1.0, 2.0])).numpy()
        array([2., 4.], dtype=float32)
    """
    if func is None:
        return lambda f: Function(f, input_signature, name)
    return Function(func, input_signature, name)


_NUMBERS = (bool, int, float, np.generic, np.ndarray)


def _tensor_outputs(result):
    """TensorFlow returns a tf.function's Python numbers and arrays as tensors."""
    if result is None or isinstance(result, Tensor):
        return result
    leaves = flatten(result)
    if not any(isinstance(leaf, _NUMBERS) for leaf in leaves):
        return result
    return pack_like(result, [convert_to_tensor(leaf) if isinstance(leaf, _NUMBERS) else leaf
                              for leaf in leaves])


def _spec_of(value):
    if isinstance(value, TensorSpec):
        return value
    if isinstance(value, (Tensor, np.ndarray)):
        return TensorSpec(value.shape, getattr(value.dtype, "name", value.dtype))
    return None


class ConcreteFunction:
    """``Function.get_concrete_function(...)``: one signature of a ``tf.function``.

    Tensor arguments (given as tensors, variables or ``tf.TensorSpec``) are the inputs,
    passed positionally in order or by name; the other (Python) arguments keep the values
    given when it was made, and passing one again is a ``TypeError``, as in TensorFlow.

    Example:
        >>> import tapeflow as tf
        >>> @tf.function
        ... def pow(a, b):
        ...     return a ** b
        >>> square = pow.get_concrete_function(a=tf.TensorSpec(None, tf.float32), b=2)
        >>> float(square(tf.constant(10.0)))
        100.0
        >>> square.structured_input_signature
        ((TensorSpec(shape=None, dtype=tf.float32, name='a'), 2), {})
    """

    def __init__(self, function, args, kwargs):
        self.function = function
        params = inspect.signature(function.python_function).bind(*args, **kwargs)
        params.apply_defaults()
        self._arguments = dict(params.arguments)
        self._specs = {n: _spec_of(v) for n, v in self._arguments.items()}
        self._inputs = [n for n, spec in self._specs.items() if spec is not None]
        self.structured_outputs = None

    @property
    def structured_input_signature(self):
        """``(positional, keyword)`` of the specs (named after their arguments) and fixed
        Python values."""
        named = [TensorSpec(None if s._any_rank else s.shape, s.dtype, n)
                 if s is not None else self._arguments[n] for n, s in self._specs.items()]
        return tuple(named), {}

    def __call__(self, *args, **kwargs):
        name = self.function.name
        if len(args) > len(self._inputs):
            raise TypeError(f"ConcreteFunction {name}: takes {len(self._inputs)} tensor "
                            f"arguments ({', '.join(self._inputs)}); got {len(args)}.")
        given = dict(zip(self._inputs, args))
        for key, value in kwargs.items():
            if key not in self._inputs or key in given:
                raise TypeError(f"ConcreteFunction {name}: unexpected argument {key!r} "
                                f"(its tensor arguments are {self._inputs}; Python "
                                f"arguments keep the values given to get_concrete_function).")
            given[key] = value
        call = dict(self._arguments)
        for key in self._inputs:
            if key not in given:
                raise TypeError(f"ConcreteFunction {name}: missing tensor argument {key!r}.")
            value = given[key]
            tensor = value if isinstance(value, Tensor) else convert_to_tensor(value)
            if not self._specs[key].is_compatible_with(tensor):
                raise TypeError(f"ConcreteFunction {name}: argument {key!r} is a "
                                f"{tensor.dtype.name} tensor of shape {tuple(tensor.shape)}; "
                                f"this concrete function takes {self._specs[key]}.")
            call[key] = value
        result = self.function(**call)
        self.structured_outputs = pack_like(
            result, [_spec_of(t) or t for t in flatten(result)])
        return result

    @property
    def graph(self):
        raise AttributeError("ConcreteFunction.graph: tapeflow builds no tf.Graph; "
                             "tf.autograph.to_code(f) shows the program a tf.function "
                             "replays.")

    def pretty_printed_signature(self, verbose=True):
        """Its input parameters and (after a call) its output type, as TensorFlow shows."""
        lines = ["Input Parameters:"] + [
            f"  {n} (POSITIONAL_OR_KEYWORD): {s if s is not None else 'Literal[%r]' % v}"
            for (n, s), v in zip(self._specs.items(), self._arguments.values())]
        return "\n".join(lines + ["Output Type:", f"  {self.structured_outputs}"])

    def __repr__(self):
        return f"ConcreteFunction {self.function.name}\n" + self.pretty_printed_signature()

    __str__ = __repr__


def _outputs(result, Tout, fn_name):
    """``result`` as tensors of the dtypes ``Tout`` (a list for a list ``Tout``)."""
    if Tout is None:
        return None
    many = isinstance(Tout, (list, tuple))
    values = list(result) if many and isinstance(result, (list, tuple)) else [result]
    dtypes_ = list(Tout) if many else [Tout]
    if len(values) != len(dtypes_):
        raise ValueError(f"{fn_name}: the function returned {len(values)} values where Tout "
                         f"names {len(dtypes_)} dtypes.")
    out = [cast(v if isinstance(v, Tensor) else convert_to_tensor(np.asarray(v)), d)
           for v, d in zip(values, dtypes_)]
    return out if many else out[0]


@effect
def py_function(func, inp, Tout, name=None):  # noqa: N803 - TensorFlow's argument name
    """``tf.py_function``: call ``func`` on the tensors ``inp`` and return its results as
    tensors of the dtypes ``Tout`` (a list for a list). Inside a ``tf.function`` it runs
    at every call; gradients flow through the tapeflow ops ``func`` uses.

    Example:
        >>> import tapeflow as tf
        >>> [y] = tf.py_function(lambda x: x.numpy() * 2, [tf.constant([1, 2])], [tf.float32])
        >>> y.numpy()
        array([2., 4.], dtype=float32)
    """
    if isinstance(inp, dict):
        return _outputs(func(**inp), Tout, "tf.py_function")
    return _outputs(func(*[convert_to_tensor(x) for x in inp]), Tout, "tf.py_function")


@effect
def numpy_function(func, inp, Tout, stateful=True, name=None):  # noqa: N803
    """``tf.numpy_function``: call ``func`` on the NumPy values of ``inp`` and return its
    results as tensors of the dtypes ``Tout`` (no gradient).

    Example:
        >>> import tapeflow as tf
        >>> tf.numpy_function(lambda x: x + 1, [tf.constant([1, 2])], tf.int64).numpy()
        array([2, 3])
    """
    arrays = [x.array.copy() if isinstance(x, Tensor) else np.asarray(x) for x in inp]
    return _outputs(func(*arrays), Tout, "tf.numpy_function")


def _tensors_in(structure):
    """Arrays (and tensors) among the arguments become tensors, as tf.function does."""
    if isinstance(structure, np.ndarray):
        return convert_to_tensor(structure)
    if isinstance(structure, dict):
        return {k: _tensors_in(v) for k, v in structure.items()}
    if type(structure) in (list, tuple):
        return type(structure)(_tensors_in(v) for v in structure)
    return structure


def _key(structure, leaves):
    """Hashable structure + shapes/dtypes of tensors + Python values, or None."""
    key = [structure_of(structure)]
    for leaf in leaves:
        if leaf.__class__ is Tensor:
            key.append((leaf._value.shape, leaf._value.dtype.str))
        elif isinstance(leaf, Variable):
            key.append(("variable", id(leaf)))
        elif leaf is None or isinstance(leaf, (bool, int, float, str, np.generic)):
            key.append((type(leaf).__name__, leaf))
        else:
            try:
                hash(leaf)
            except TypeError:
                return None
            key.append(("object", id(leaf)))
    return tuple(key)


_FLAT_STRUCTURES = {}


def _flat_key(args):
    """:func:`_key` of ``(args, {})`` when every argument is an array or a Tensor (the
    usual train step), computed without flattening; None otherwise (``None`` is never
    a key: the slow path makes the keys)."""
    key = _FLAT_STRUCTURES.get(len(args))
    if key is None:
        key = _FLAT_STRUCTURES[len(args)] = (structure_of((tuple(args), {})),)
    for a in args:
        if a.__class__ is Tensor:
            a = a._value
        elif a.__class__ is not np.ndarray or a.dtype.kind not in "biufc":
            return None
        key += ((a.shape, a.dtype.str),)
    return key


def _describe(key):
    parts = []
    for item in key[1:]:
        if isinstance(item[0], tuple):
            parts.append(f"tensor{item[0]} {np.dtype(item[1]).name}")
        else:
            parts.append(f"{item[0]} {item[1]!r}"[:40])
    return "(" + ", ".join(parts) + ")"


def _check_signature(name, signature, args, kwargs):
    """``args`` (+ keyword arguments in order) checked against ``input_signature``."""
    if kwargs:
        args = args + tuple(kwargs.values())
        kwargs.clear()
    expected = _spec_text(signature)
    received = _spec_text(list(args))
    if len(args) != len(signature) or structure_of(list(args)) != structure_of(signature):
        raise TypeError(f"tf.function {name!r}: the arguments do not match its "
                        f"input_signature: expected {expected}, received {received}.")
    for spec, value in zip(flatten(signature), flatten(list(args))):
        if not isinstance(value, (Tensor, np.ndarray, int, float, list)):
            raise TypeError(f"tf.function {name!r}: expected a tensor for {spec}, received "
                            f"{type(value).__name__} {value!r:.40}.")
        tensor = convert_to_tensor(value, dtype=spec.dtype) if not isinstance(
            value, Tensor) else value
        if not spec.is_compatible_with(tensor):
            raise ValueError(f"tf.function {name!r}: an argument does not match its "
                             f"input_signature: expected {expected}, received {received}.")
    return args


def _spec_text(structure):
    def one(x):
        if isinstance(x, TensorSpec):
            return f"TensorSpec{tuple(x.shape)} {x.dtype.name}"
        if isinstance(x, (Tensor, np.ndarray)):
            return f"tensor{tuple(x.shape)} {x.dtype.name}"
        if isinstance(x, (list, tuple)):
            return "[" + ", ".join(one(y) for y in x) + "]"
        if isinstance(x, dict):
            return "{" + ", ".join(f"{k!r}: {one(v)}" for k, v in x.items()) + "}"
        return f"{type(x).__name__} {x!r:.20}"
    return one(structure)


def to_code(func, recursive=True, experimental_optional_features=None):
    """The code tapeflow runs for ``func``: the generated straight-line program of a
    traced :class:`Function` (after two calls), else the Python source, as
    ``tf.autograph.to_code`` shows what TensorFlow converted.

    Example:
        >>> import tapeflow as tf
        >>> @tf.function
        ... def f(x):
        ...     return tf.square(x) + 1.0
        >>> _ = [f(tf.constant([1.0, 2.0])) for _ in range(3)]
        >>> print(tf.autograph.to_code(f).splitlines()[0])
        def replay(feeds):
    """
    if isinstance(func, Function) and func.program_code() is not None:
        return func.program_code()
    target = func.python_function if isinstance(func, Function) else func
    return inspect.getsource(target)
