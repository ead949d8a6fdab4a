"""The course figures, checked as data first and as PNG files second."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.viz import FUNCTIONS, OPTIMIZERS, optimizer_paths

pytest.importorskip("matplotlib")


def test_saddle_sgd_hugs_the_x_axis_while_adam_leaves_it():
    paths = optimizer_paths("saddle", ["sgd", "adam"], steps=10, start=(1.0, 0.001))
    # SGD: y grows by (1 + 2 lr) = 1.1 per step, so 0.001 * 1.1**5 = 0.0016 after 5 steps
    assert abs(paths["sgd"][5, 1]) == pytest.approx(0.001 * 1.1 ** 5, rel=1e-3)
    # Adam's normalised step moves y by about lr = 0.1 per step from the first step on
    assert abs(paths["adam"][5, 1]) > 0.3


def test_every_optimizer_ends_closer_to_the_bowls_minimum():
    paths = optimizer_paths("bowl", steps=50)
    assert set(paths) == set(OPTIMIZERS)
    for name, p in paths.items():
        assert np.linalg.norm(p[-1]) < 0.2 * np.linalg.norm(p[0]), name


def test_momentum_escapes_the_local_minimum_plain_sgd_does_not():
    paths = optimizer_paths("local-minima", ["sgd", "momentum"], steps=100)
    assert paths["sgd"][-1, 0] > 0.5           # stays in the right-hand (local) basin
    assert paths["momentum"][-1, 0] < -0.5     # rolls over into the global one


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="choose from"):
        optimizer_paths("nope")
    with pytest.raises(ValueError, match="choose from"):
        optimizer_paths("bowl", ["lbfgs"])


def _nontrivial_png(path):
    import matplotlib.image as mpimg
    assert path.exists() and path.stat().st_size > 10_000
    img = mpimg.imread(str(path))
    assert img.std() > 0.05                    # not a blank canvas


def test_figures_render_to_nontrivial_pngs(tmp_path):
    from tapeflow import viz
    viz.plot_optimizer_paths("saddle", steps=20, path=tmp_path / "paths.png")
    viz.plot_activations(path=tmp_path / "act.png")
    viz.plot_gradient_field(lambda x, y: x ** 2 + y ** 2, path=tmp_path / "field.png")
    rng = np.random.default_rng(0)
    viz.show_images(rng.integers(0, 255, (8, 28, 28)), labels=np.arange(8), rows=2, cols=4,
                    path=tmp_path / "grid.png")
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1, "sigmoid")])
    x = rng.normal(size=(40, 2)).astype("float32")
    viz.plot_decision_boundary(model, x, (x[:, 0] > 0).astype(int), path=tmp_path / "db.png")
    model.compile("sgd", "binary_crossentropy")
    history = model.fit(x, (x[:, 0] > 0).astype("float32"), epochs=3, verbose=0,
                        validation_split=0.25)
    viz.plot_history(history, path=tmp_path / "hist.png")
    for name in ["paths", "act", "field", "grid", "db", "hist"]:
        _nontrivial_png(tmp_path / f"{name}.png")


def test_functions_are_written_for_tensors_and_arrays():
    for f, start, box in FUNCTIONS.values():
        assert np.isfinite(float(f(tf.constant(start[0]), tf.constant(start[1]))))
        assert np.shape(f(np.zeros(3), np.zeros(3))) == (3,)
