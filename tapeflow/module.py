"""``tf.Module``: a named container that finds the variables and modules it holds.

As in TensorFlow, attributes are walked in sorted name order, through lists, tuples
and dicts (dicts in sorted key order), into nested modules; each variable and module
is listed once. Keras layers held by a module contribute their weights.

Example:
    >>> import tapeflow as tf
    >>> class Dense(tf.Module):
    ...     def __init__(self, in_features, out_features, name=None):
    ...         super().__init__(name=name)
    ...         self.w = tf.Variable(tf.ones([in_features, out_features]), name="w")
    ...         self.b = tf.Variable(tf.zeros([out_features]), name="b")
    ...     def __call__(self, x):
    ...         return tf.nn.relu(x @ self.w + self.b)
    >>> class MLP(tf.Module):
    ...     def __init__(self, name=None):
    ...         super().__init__(name=name)
    ...         self.layers = [Dense(3, 2), Dense(2, 1)]
    ...         self.scale = tf.Variable(2.0, trainable=False)
    >>> mlp = MLP(name="mlp")
    >>> mlp.name, len(mlp.variables), len(mlp.trainable_variables), len(mlp.submodules)
    ('mlp', 5, 4, 2)
"""
import re

from tapeflow.tensor import Variable

__all__ = ["Module"]


class _NameScope:
    """``with module.name_scope:``: a scope named after the module (names only)."""

    def __init__(self, name):
        self.name = name + "/"

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        return False


class Module:
    """Base class of objects that own variables: ``variables``, ``trainable_variables``,
    ``submodules``, ``name`` and ``name_scope``, found by walking the attributes.

    Args:
        name: the module's name (the snake_case class name by default); it must be a
            valid Python identifier, as in TensorFlow.
    """

    def __init__(self, name=None):
        if name is None:
            name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()
        elif not str(name).isidentifier():
            raise ValueError(f"tf.Module: {name!r} is not a valid module name; module names "
                             f"must be valid Python identifiers (e.g. 'dense_1').")
        self._name = name
        self._scope = _NameScope(name)

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        """A context manager naming the module's scope."""
        return self._scope

    @property
    def variables(self):
        """Every Variable this module and its submodules hold, each once."""
        return tuple(_walk(self, lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self):
        """The trainable ones among :attr:`variables`."""
        return tuple(v for v in self.variables if v.trainable)

    @property
    def non_trainable_variables(self):
        return tuple(v for v in self.variables if not v.trainable)

    @property
    def submodules(self):
        """Every module nested in this one (not itself), each once."""
        return tuple(_walk(self, lambda x: isinstance(x, Module), variables=False))

    @classmethod
    def with_name_scope(cls, method):
        """Decorator for methods that should run in the module's name scope."""
        return method

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"


def _walk(module, keep, variables=True):
    """Depth-first, attributes in sorted order: the leaves ``keep`` selects."""
    seen, found = {id(module)}, []

    def visit(value):
        if isinstance(value, Variable):
            if id(value) not in seen:
                seen.add(id(value))
                if keep(value):
                    found.append(value)
            return
        if isinstance(value, dict):
            for key in sorted(value, key=str):
                visit(value[key])
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)
        elif isinstance(value, Module):
            if id(value) in seen:
                return
            seen.add(id(value))
            if keep(value):
                found.append(value)
            for key in sorted(vars(value)):
                visit(vars(value)[key])
        elif variables and _is_layer(value) and id(value) not in seen:
            seen.add(id(value))
            for v in value.weights:
                visit(v)

    for key in sorted(vars(module)):
        visit(vars(module)[key])
    return found


def _is_layer(value):
    """A Keras layer (or model): it has a ``weights`` list of variables."""
    return hasattr(type(value), "trainable_weights") and hasattr(value, "weights")
