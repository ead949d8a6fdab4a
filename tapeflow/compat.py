"""``tf.compat``: TensorFlow 1's API, which tapeflow (like TensorFlow 2's eager mode)
does not run. Its names exist so that TF1 code fails with the TF2 / Keras equivalent in
the message, as the course's "structural mapping to native TF2" slide shows:

    >>> import tapeflow as tf
    >>> tf.compat.v1.train.RMSPropOptimizer(learning_rate=0.01, decay=0.9)
    Traceback (most recent call last):
    ...
    NotImplementedError: tf.compat.v1.train.RMSPropOptimizer is TensorFlow 1's ... Use
    tf.keras.optimizers.RMSprop(learning_rate=..., rho=decay, momentum=..., epsilon=...) ...
"""
__all__ = ["v1"]

_TF2 = {
    "GradientDescentOptimizer": "tf.keras.optimizers.SGD(learning_rate=...)",
    "MomentumOptimizer": "tf.keras.optimizers.SGD(learning_rate=..., momentum=..., "
                         "nesterov=use_nesterov)",
    "AdagradOptimizer": "tf.keras.optimizers.Adagrad(learning_rate=..., "
                        "initial_accumulator_value=...)",
    "RMSPropOptimizer": "tf.keras.optimizers.RMSprop(learning_rate=..., rho=decay, "
                        "momentum=..., epsilon=...)",
    "AdamOptimizer": "tf.keras.optimizers.Adam(learning_rate=..., beta_1=beta1, "
                     "beta_2=beta2, epsilon=...)",
    "Session": "eager execution: run the ops directly and read values with .numpy()",
    "placeholder": "eager execution: pass NumPy arrays or tf.constant(...) directly",
    "global_variables_initializer": "nothing: tf.Variable(...) is initialised when made",
}


class _Namespace:
    """A ``tf.compat.v1`` namespace: every name raises with its TF2 equivalent."""

    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "train":
            return _Namespace(f"{self._path}.train")
        where = _TF2.get(name, "the TensorFlow 2 / Keras API (tf.keras, tf.GradientTape)")
        return _Unsupported(f"{self._path}.{name}", where)


class _Unsupported:
    def __init__(self, path, where):
        self._path, self._where = path, where

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(f"{self._path} is TensorFlow 1's graph-mode API, which "
                                  f"tapeflow does not run. Use {self._where} instead.")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Unsupported(f"{self._path}.{name}", self._where)


v1 = _Namespace("tf.compat.v1")
