"""The optimizer base class: all the bookkeeping, none of the update rules.

Per ``apply`` (Keras 3's order): skip ``None`` gradients -> unscale
(``loss_scale_factor``) -> accumulate (``gradient_accumulation_steps``) -> clip
(``clipnorm`` | ``clipvalue`` | ``global_clipnorm``) -> decoupled weight decay
``w -= w * weight_decay * lr`` -> ``update_step`` for each variable -> moving
average (``use_ema``) -> constraints -> ``iterations += 1``.

Subclasses own only ``build`` (slot variables), ``update_step`` and ``get_config``.
``update_step(gradient, variable, learning_rate)`` receives a NumPy gradient, the
Variable and a float, and updates the variable (``variable.assign_sub(...)``, or in
place through ``variable.buffer``); ``self._get_variable_index(variable)`` indexes
the slot lists that ``build`` made. The built-in optimizers add their speed (packed
small models, two-thread halves of big variables, preallocated scratch) through the
:class:`~tapeflow.keras.optimizers.fast.FastUpdates` mixin, which overrides
``_backend_update_step`` and ``gradient_buffers``.

Example:
    >>> import tapeflow as tf
    >>> from tapeflow.keras.optimizers import SGD
    >>> w = tf.Variable([1.0, 2.0])
    >>> opt = SGD(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(tf.constant([1.0, -1.0]), w)])
    >>> w.numpy(), int(opt.iterations)
    (array([0.9, 2.1], dtype=float32), 1)
"""
import re
import warnings

import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.utils.naming import auto_name
from tapeflow.keras.optimizers.clipping import clip_gradients
from tapeflow.keras.optimizers import schedules
from tapeflow.tensor import Tensor, Variable, effect

__all__ = ["Optimizer"]


@keras_export("keras.optimizers")
class Optimizer:
    """Base class of Keras optimizers (see the module docstring for the step order).

    Args:
        learning_rate: a float, a ``LearningRateSchedule``, or a zero-argument callable.
        weight_decay: decoupled weight decay factor (``None``: off).
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients jointly to this global L2 norm.
        use_ema, ema_momentum, ema_overwrite_frequency: keep an exponential moving
            average of the weights (``finalize_variable_values`` copies it in).
        loss_scale_factor: gradients are divided by it before the update.
        gradient_accumulation_steps: update every N steps with the mean gradient.
        name: the optimizer's name.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if "lr" in kwargs:  # Keras 2 spelling, still common in course material
            warnings.warn("`lr` is deprecated; use `learning_rate`.", DeprecationWarning,
                          stacklevel=3)
            learning_rate = kwargs.pop("lr")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
                             f"be set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(f"`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps="
                             f"{gradient_accumulation_steps}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: "
                             f"ema_momentum={ema_momentum}")
        self.name = name or auto_name(type(self))
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema, self.ema_momentum = use_ema, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}
        self._exclude_ids, self._exclude_pattern = set(), None
        self._iterations = self._track(Variable(np.int64(0), trainable=False, name="iteration",
                                                path=f"{self.name}/iteration"))
        self._learning_rate = self._make_learning_rate(learning_rate)

    # --------------------------------------------------------------- learning rate
    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, Tensor)):
            return learning_rate
        if isinstance(learning_rate, Tensor):
            learning_rate = learning_rate.array
        if isinstance(learning_rate, (bool, str)) or np.ndim(learning_rate) != 0:
            raise ValueError(f"Argument `learning_rate` should be float, or an instance of "
                             f"LearningRateSchedule, or a callable (that takes in the current "
                             f"iteration value and returns the corresponding learning rate "
                             f"value). Received instead: learning_rate={learning_rate!r}")
        return self._track(Variable(np.float32(learning_rate), trainable=False,
                                    name="learning_rate", path=f"{self.name}/learning_rate"))

    @property
    def learning_rate(self):
        """The current learning rate: a Variable, or a schedule's value at this step."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return lr(self._iterations)
        if callable(lr) and not isinstance(lr, Variable):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        old = self._learning_rate
        if isinstance(learning_rate, schedules.LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, Tensor)):
            self._learning_rate = learning_rate
            if isinstance(old, Variable):
                self._variables.remove(old)
        elif isinstance(old, Variable):
            old.assign(float(np.asarray(getattr(learning_rate, "array", learning_rate))))
        elif isinstance(old, schedules.LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as "
                            "its `learning_rate` constructor argument, hence its learning rate "
                            "is not settable. If you need the learning rate to be settable, you "
                            "should instantiate the optimizer with a float `learning_rate` "
                            "argument.")
        else:
            self._learning_rate = self._make_learning_rate(learning_rate)

    def _current_learning_rate(self):
        lr = self.learning_rate
        return float(lr.array) if isinstance(lr, Tensor) else float(lr)

    # ------------------------------------------------------------------- variables
    @property
    def iterations(self):
        """How many times ``apply`` has run (an int64 Variable)."""
        if self.gradient_accumulation_steps:
            return Tensor(self._iterations.array // self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self):
        """iterations, learning_rate, then slot variables in the order built (Keras's
        order, which weight files store as ``optimizer/vars/<i>``)."""
        return self._variables[:]

    def _track(self, variable):
        self._variables.append(variable)
        return variable

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        """A new tracked, non-trainable optimizer variable (``"zeros"``/``"ones"``/number)."""
        fill = {"zeros": 0.0, "ones": 1.0}.get(initializer, initializer)
        value = np.full(tuple(shape), fill, dtype=np.dtype(dtype or "float32"))
        return self._track(Variable(value, trainable=False, name=name,
                                    path=f"{self.name}/{name}"))

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like ``reference_variable``, named ``<its path>_<name>``."""
        ref = getattr(reference_variable, "path", None) or reference_variable.name
        return self.add_variable(reference_variable.array.shape, initializer,
                                 reference_variable.array.dtype,
                                 f"{str(ref).replace('/', '_').replace(':', '_')}_{name or 'var'}")

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable; with a list of names, one list per name, created
        interleaved per variable (Keras's order: m0, v0, m1, v1, ...)."""
        names = [name] if isinstance(name, str) else list(name)
        inits = list(initializer) if isinstance(initializer, (list, tuple)) else \
            [initializer] * len(names)
        lists = tuple([] for _ in names)
        for variable in trainable_variables:
            for slots, slot_name, init in zip(lists, names, inits):
                slots.append(self.add_variable_from_reference(variable, slot_name, init))
        return lists[0] if isinstance(name, str) else lists

    def build(self, var_list):
        """Index the variables and create the base slots and scratch buffers.
        Subclasses call ``super().build(var_list)`` and then add their slots."""
        var_list = list(var_list)
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables = var_list[:]
        if self.use_ema:
            self._averages = [self.add_variable_from_reference(v, "average") for v in var_list]
        if self.gradient_accumulation_steps:
            self._accumulated = [self.add_variable_from_reference(v, "gradient_accumulator")
                                 for v in var_list]
        self.built = True

    def _get_variable_index(self, variable):
        """The position of ``variable`` in the built list (and in each slot list)."""
        return self._index[id(variable)]

    # ----------------------------------------------------------------------- apply
    @effect
    def apply_gradients(self, grads_and_vars):
        """Apply ``zip(grads, vars)``; ``None`` gradients are skipped. Returns iterations."""
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(list(grads), list(variables))
        return self._iterations

    @effect
    def apply(self, grads, trainable_variables=None):
        """Update ``trainable_variables`` (the built list when omitted) from ``grads``."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must "
                                 "already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            variables = self._trainable_variables
            if len(grads) != len(variables):
                raise ValueError(f"When passing `grads` as a list of gradient tensors, the "
                                 f"gradients must match the optimizer's variables one-to-one. "
                                 f"Received a list of {len(grads)} gradients, but the optimizer "
                                 f"is tracking {len(variables)} trainable variables.")
        else:
            variables = list(trainable_variables)
            if not self.built:
                self.build(variables)
                self.built = True
            self._check_known(variables)
        grads, variables = self._filter_empty(grads, variables)
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        if self.gradient_accumulation_steps:
            self._accumulate_and_update(grads, variables)
        else:
            self._update(grads, variables)
        if self.use_ema:
            self._update_moving_average()
        for v in variables:
            if getattr(v, "constraint", None) is not None:
                v.assign(v.constraint(v))
        count = self._iterations.array
        count[()] = count[()] + 1  # scalar arithmetic: an in-place ufunc on 0-d costs 1 us

    def _update(self, grads, variables):
        grads = self._clip_gradients(grads)
        lr = self._current_learning_rate()
        self._apply_weight_decay(variables, lr)
        self._backend_update_step(grads, variables, lr)

    def _backend_update_step(self, grads, variables, learning_rate):
        """Run ``update_step`` per variable (a fast path overrides this: fast.py)."""
        for g, v in zip(grads, variables):
            self.update_step(g, v, learning_rate)

    def gradient_buffers(self, variables):
        """Arrays the caller may write ``variables``' gradients into before ``apply``
        (one per variable), or None to let the caller choose (the default)."""
        return None

    def _owns_gradients(self, grads):
        """True for gradients written into this optimizer's own ``gradient_buffers``:
        they need no checks."""
        return False

    def update_step(self, gradient, variable, learning_rate):
        """Update ``variable`` from ``gradient`` (subclasses implement)."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def assign(self, variable, value):
        """``variable = value`` (Keras 3's helper for ``update_step``)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """``variable += value``."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """``variable -= value``."""
        variable.assign_sub(value)

    def _check_known(self, variables):
        for v in variables:
            if id(v) not in self._index:
                raise ValueError(
                    f"Unknown variable: {getattr(v, 'name', v)!r} (shape "
                    f"{tuple(np.shape(getattr(v, 'array', v)))}). This optimizer can only be "
                    f"called for the variables it was originally built with. When working with "
                    f"a new set of variables, you should recreate a new optimizer instance.")

    def _filter_empty(self, grads, variables):
        if self._owns_gradients(grads):
            return grads, variables  # fit's own gradient buffers: nothing to check
        kept_g, kept_v, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(v.name)
                continue
            arr = g if g.__class__ is np.ndarray else \
                g.array if isinstance(g, Tensor) else np.asarray(g)
            if arr.shape != v.array.shape:
                raise ValueError(f"Gradient for variable {v.name!r} has shape {arr.shape}, but "
                                 f"the variable has shape {v.array.shape}.")
            kept_g.append(arr if arr.dtype == v.array.dtype else arr.astype(v.array.dtype))
            kept_v.append(v)
        if not kept_g:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the "
                          f"loss. If using `model.compile()`, did you forget to provide a "
                          f"`loss` argument?", stacklevel=3)
        return kept_g, kept_v

    # -------------------------------------------------------------- clip and decay
    def _clip_gradients(self, grads):
        return clip_gradients(grads, self.clipnorm, self.global_clipnorm, self.clipvalue)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables (or those whose name contains one of ``var_names``) from
        weight decay. Call before the optimizer is built."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _uses_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        return not (self._exclude_pattern and self._exclude_pattern.search(variable.name))

    def _apply_weight_decay(self, variables, lr):
        if self.weight_decay is None:
            return
        factor = 1.0 - float(self.weight_decay) * lr
        for v in variables:
            if self._uses_weight_decay(v):
                np.multiply(v.buffer, factor, out=v.buffer)

    # ------------------------------------------------------- accumulation and EMA
    def _accumulate_and_update(self, grads, variables):
        steps = self.gradient_accumulation_steps
        accs = [self._accumulated[self._get_variable_index(v)].buffer for v in variables]
        if (int(self._iterations.array) + 1) % steps:
            for g, acc in zip(grads, accs):
                acc += g
            return
        self._update([(g + acc) / steps for g, acc in zip(grads, accs)], variables)
        for acc in accs:
            acc[...] = 0

    def _update_moving_average(self):
        momentum = self.ema_momentum if int(self.iterations) != 0 else 0.0
        for v, avg in zip(self._trainable_variables, self._averages):
            avg.buffer[...] *= momentum
            avg.buffer[...] += (1.0 - momentum) * v.array
        freq = self.ema_overwrite_frequency
        if freq and (int(self.iterations) + 1) % freq == 0:
            self.finalize_variable_values(self._trainable_variables)

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, overwrite the variables with their moving averages."""
        if self.use_ema:
            for v, avg in zip(var_list, self._averages):
                v.assign(avg.array)

    # ----------------------------------------------------------------- minimize
    def minimize(self, loss, var_list, tape=None):
        """Compute gradients of ``loss`` and apply them.

        Args:
            loss: a zero-argument callable returning the loss, or (with ``tape``) a Tensor.
            var_list: the variables (or a callable returning them).
            tape: the GradientTape that recorded ``loss``.
        """
        from tapeflow.tape import GradientTape
        if tape is None:
            if not callable(loss):
                raise ValueError("`tape` is required when a Tensor loss is passed to "
                                 "minimize(); otherwise pass a zero-argument callable.")
            with GradientTape() as tape:
                value = loss()
        else:
            value = loss() if callable(loss) and not isinstance(loss, Tensor) else loss
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(value, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # --------------------------------------------------------------- weights, config
    def get_weights(self):
        return [v.numpy() for v in self._variables]

    def set_weights(self, weights):
        """Assign values to :attr:`variables` (same order and shapes)."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet "
                             "been built. Please call `optimizer.build(trainable_variables)` "
                             "to create the optimizer weights before calling `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            if tuple(np.shape(weight)) != variable.buffer.shape:
                raise ValueError(f"Optimizer variable {variable.name!r} has shape "
                                 f"{variable.array.shape} not compatible with provided weight "
                                 f"shape {tuple(np.shape(weight))}.")
            variable.assign(weight)

    def save_own_variables(self, store):
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self._variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it "
                          f"has {len(self._variables)} variables whereas the saved optimizer "
                          f"has {len(store.keys())} variables.", stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(np.asarray(store[str(i)]))

    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr.array)
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"
