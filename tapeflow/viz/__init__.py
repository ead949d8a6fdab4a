"""Figures of the course: training curves, optimizer paths, decision boundaries and more.

Needs matplotlib, the optional extra ``pip install "tapeflow[plot]"``; the data behind
each figure (e.g. :func:`optimizer_paths`) is computed without it.

Example:
    >>> from tapeflow.viz import optimizer_paths
    >>> paths = optimizer_paths("bowl", ["sgd"], steps=5)
    >>> paths["sgd"].shape
    (6, 2)
"""
from tapeflow.viz.figures import (  # noqa: F401
    plot_activations, plot_decision_boundary, plot_gradient_field, show_images)
from tapeflow.viz.history import plot_history  # noqa: F401
from tapeflow.viz.optimizer_paths import (  # noqa: F401
    FUNCTIONS, OPTIMIZERS, optimizer_paths, plot_optimizer_paths)
