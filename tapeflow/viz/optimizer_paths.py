"""Optimizers' paths across 2-D landscapes (figures 5-21 to 5-28 of the course).

Each optimizer starts at the same point and minimises ``f(x, y)`` with tapeflow's own
optimizers and GradientTape, so the paths show exactly what ``model.fit`` would do.

Example:
    >>> paths = optimizer_paths("saddle", ["sgd", "adam"], steps=10, start=(1.0, 0.001))
    >>> bool(abs(paths["sgd"][5, 1]) < 0.01 < abs(paths["adam"][5, 1]))
    True
"""
import numpy as np

from tapeflow.viz._mpl import finish, pyplot

# name -> (f written with operators, so it works on tensors and arrays; start; view box)
FUNCTIONS = {
    "bowl": (lambda x, y: x * x + 4 * y * y, (-2.5, 1.5), (-3, 3, -2, 2)),
    "saddle": (lambda x, y: x * x - y * y, (1.0, 0.001), (-1.5, 1.5, -1.5, 1.5)),
    "local-minima": (lambda x, y: (x * x - 1) ** 2 + 0.3 * x + y * y, (1.6, 1.0),
                     (-2, 2, -1.5, 1.5)),
    "rosenbrock": (lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2, (-1.5, 2.0),
                   (-2, 2, -1, 3)),
}

# name -> (Keras optimizer class name, keyword arguments)
OPTIMIZERS = {
    "sgd": ("SGD", {"learning_rate": 0.05}),
    "momentum": ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    "adagrad": ("Adagrad", {"learning_rate": 0.5}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.05}),
    "adam": ("Adam", {"learning_rate": 0.1}),
}
# rosenbrock's steep, narrow valley needs its own learning rates
_RATES = {"rosenbrock": {"sgd": 0.001, "momentum": 0.0005, "adagrad": 0.3, "rmsprop": 0.01,
                         "adam": 0.05}}


def optimizer_paths(function="bowl", optimizers=("sgd", "momentum", "adagrad", "rmsprop",
                                                 "adam"), steps=50, start=None):
    """Run each optimizer on ``function``; return {name: array of shape (steps+1, 2)}.

    Args:
        function: one of ``FUNCTIONS`` ("bowl", "saddle", "local-minima", "rosenbrock").
        optimizers: names from ``OPTIMIZERS``.
        steps: number of updates.
        start: (x, y) start point (each function has a default).
    """
    import tapeflow as tf
    from tapeflow.keras import optimizers as keras_optimizers
    if function not in FUNCTIONS:
        raise ValueError(f"optimizer_paths: unknown function {function!r}; choose from "
                         f"{sorted(FUNCTIONS)}.")
    f, default_start, _ = FUNCTIONS[function]
    start = default_start if start is None else tuple(start)
    paths = {}
    for name in optimizers:
        if name not in OPTIMIZERS:
            raise ValueError(f"optimizer_paths: unknown optimizer {name!r}; choose from "
                             f"{sorted(OPTIMIZERS)}.")
        cls, kwargs = OPTIMIZERS[name]
        rate = _RATES.get(function, {}).get(name, kwargs["learning_rate"])
        kwargs = dict(kwargs, learning_rate=rate)
        opt = getattr(keras_optimizers, cls)(**kwargs)
        w = tf.Variable(np.asarray(start, np.float32))
        path = [w.numpy()]
        for _ in range(int(steps)):
            with tf.GradientTape() as tape:
                loss = f(w[0], w[1])
            opt.apply_gradients([(tape.gradient(loss, w), w)])
            path.append(w.numpy())
        paths[name] = np.stack(path)
    return paths


def plot_optimizer_paths(function="bowl", optimizers=("sgd", "momentum", "adagrad",
                                                      "rmsprop", "adam"),
                         steps=50, start=None, path=None):
    """Contours of ``function`` with one path per optimizer, start and end marked."""
    plt = pyplot()
    paths = optimizer_paths(function, optimizers, steps, start)
    f, _, (x0, x1, y0, y1) = FUNCTIONS[function]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    z = f(gx, gy)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    levels = np.quantile(z, np.linspace(0.0, 1.0, 25)) if function != "rosenbrock" else \
        np.logspace(-1, 3.5, 20)
    ax.contour(gx, gy, z, levels=np.unique(levels), cmap="viridis", linewidths=0.7)
    for name, p in paths.items():
        p = np.clip(p, [x0, y0], [x1, y1])
        line, = ax.plot(p[:, 0], p[:, 1], ".-", ms=3, lw=1.2, label=name)
        ax.plot(p[-1, 0], p[-1, 1], "*", ms=12, color=line.get_color())
    first = next(iter(paths.values()))[0]
    ax.plot(first[0], first[1], "ko", ms=7, label="start")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x", ylabel="y",
           title=f"Optimizer paths on the {function} ({steps} steps; * = end)")
    ax.legend(loc="best", fontsize=8)
    return finish(fig, path)
