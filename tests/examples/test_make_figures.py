"""``scripts/make_figures.py --quick --synthetic`` writes every course figure."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIGURES = ["perceptron", "activations", "two_class", "gradient_field_waves",
           "gradient_field_quadratic", "mnist_grid", "optimizers_bowl",
           "optimizers_local-minima", "optimizers_saddle", "optimizers_rosenbrock",
           "fashion_mnist_grid", "fashion_mnist_history"]


def test_make_figures_quick(tmp_path):
    empty = tmp_path / "no-datasets"
    empty.mkdir()
    env = dict(os.environ, TAPEFLOW_HOME=str(empty), KERAS_HOME=str(empty),
               TAPEFLOW_SYSTEM_DATASETS=str(empty))
    done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make_figures.py"),
                           "--quick", "--synthetic", "--out-dir", str(tmp_path / "figs")],
                          env=env, capture_output=True, text=True, timeout=180)
    log = (tmp_path / "figs" / "make_figures.log").read_text()
    assert done.returncode == 0, done.stdout + done.stderr + log[-3000:]
    for name in FIGURES:
        path = tmp_path / "figs" / f"{name}.png"
        assert path.read_bytes()[:4] == b"\x89PNG", name
        assert path.stat().st_size > 10_000, name
    assert "Traceback" not in log
