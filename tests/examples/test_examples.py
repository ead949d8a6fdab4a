"""Every course example runs in ``--quick --synthetic`` mode and prints its lesson.

Each script runs in its own process from a temporary folder, with PYTHONPATH set to the
repository and the dataset caches pointed at an empty folder, so the random stand-in
data is used (no download, same result on every machine). Figures go to that folder.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")


def run_example(name, tmp_path, *flags):
    """Run ``examples/<name>.py --quick --synthetic *flags``; returns its stdout."""
    empty = tmp_path / "no-datasets"
    empty.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg", TAPEFLOW_HOME=str(empty),
               KERAS_HOME=str(empty), TAPEFLOW_SYSTEM_DATASETS=str(empty))
    done = subprocess.run([sys.executable, os.path.join(EXAMPLES, name + ".py"), "--quick",
                           "--synthetic", *flags], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def number(pattern, text):
    """The float captured by ``pattern``'s first group (the test fails if absent)."""
    match = re.search(pattern, text)
    assert match, f"no line matching {pattern!r} in:\n{text}"
    return float(match.group(1))


def assert_png(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", path
    assert os.path.getsize(path) > 10_000, f"{path} is suspiciously small"


def test_every_example_has_a_test():
    scripts = {f[:-3] for f in os.listdir(EXAMPLES) if f.endswith(".py") and f[0] != "_"}
    tested = {name[5:] for name in globals() if name.startswith("test_")}
    assert scripts <= tested, f"examples without a test: {sorted(scripts - tested)}"


def test_tensors(tmp_path):
    out = run_example("tensors", tmp_path)
    assert "dot(u, v) = 32.0" in out          # 1*4 + 2*5 + 3*6
    assert "(same values: True)" in out       # loop relu == tf.nn.relu
    assert "broadcast (32, 10) + (10,) -> (32, 10)" in out


def test_activations(tmp_path):
    out = run_example("activations", tmp_path, "--out", "act.png")
    assert re.search(r"relu\s+\[0\.0, 0\.0, 0\.0, 0\.0, 1\.0, 2\.0, 3\.0\]", out)
    # softmax([1, 2, 3]) = e^k / (e + e^2 + e^3) = 0.090, 0.245, 0.665
    assert "softmax([1, 2, 3]) = [0.09, 0.245, 0.665]" in out
    assert_png(tmp_path / "act.png")


def test_perceptron(tmp_path):
    out = run_example("perceptron", tmp_path, "--out", "perceptron.png")
    assert re.search(r"perceptron on AND: predicts \[0, 0, 0, 1\] -> learned", out)
    assert re.search(r"perceptron on OR : predicts \[0, 1, 1, 1\] -> learned", out)
    assert re.search(r"perceptron on XOR: .* cannot learn", out)
    assert "MLP on XOR: predicts [0, 1, 1, 0]" in out
    assert_png(tmp_path / "perceptron.png")


def test_five_ways(tmp_path):
    out = run_example("five_ways", tmp_path)
    differences = re.findall(r"max \|difference\| from raw tensors: (\S+)", out)
    assert len(differences) == 5
    assert max(map(float, differences)) <= 1e-6   # same weights, same numbers
    assert "Total params: 235,146" in out         # 784*256+256 + 256*128+128 + 128*10+10


def test_gradient_descent(tmp_path):
    out = run_example("gradient_descent", tmp_path)
    assert "d(x^2)/dx at 3 = 6.0" in out
    # (w^2 - 1)^2 + 0.3 w: local minimum near +0.96, global near -1.04
    assert abs(number(r"momentum=0\.0: ends at w=([-+.\d]+)", out) - 0.96) < 0.02
    assert abs(number(r"momentum=0\.9: ends at w=([-+.\d]+)", out) + 1.04) < 0.02


def test_gradient_fields(tmp_path):
    out = run_example("gradient_fields", tmp_path, "--out-dir", "figs")
    assert "f(1.0, 1.0) = 2.00, gradient = [2.0, 2.0]" in out    # d(x^2 + y^2) = (2x, 2y)
    assert "f(-1.0, 0.5) = 1.25, gradient = [-2.0, 1.0]" in out
    assert_png(tmp_path / "figs" / "gradient_field_waves.png")
    assert_png(tmp_path / "figs" / "gradient_field_quadratic.png")


def test_two_class(tmp_path):
    out = run_example("two_class", tmp_path, "--out", "two.png")
    assert number(r"after ([.\d]+)", out) >= 0.95
    assert_png(tmp_path / "two.png")


def test_optimizers(tmp_path):
    out = run_example("optimizers", tmp_path, "--out-dir", "figs")
    minima = out[out.index("local-minima"):out.index("saddle")]
    # plain SGD stays in the local minimum (x ~ +0.96); momentum rolls over to x < 0
    assert number(r"sgd\s+ends at \[([-.\d]+),", minima) > 0.5
    assert number(r"momentum\s+ends at \[([-.\d]+),", minima) < 0
    for function in ("bowl", "local-minima", "saddle", "rosenbrock"):
        assert_png(tmp_path / "figs" / f"optimizers_{function}.png")


def test_ch2_first_network(tmp_path):
    out = run_example("ch2_first_network", tmp_path)
    assert "using random stand-in data" in out
    assert number(r"test_acc: ([.\d]+)", out) >= 0.9


def test_ch8_convnet(tmp_path):
    out = run_example("ch8_convnet", tmp_path)
    assert "Total params: 104,202 (407.04 KB)" in out
    assert number(r"test_acc: ([.\d]+)", out) >= 0.9


def test_fashion_mnist_convnet(tmp_path):
    out = run_example("fashion_mnist_convnet", tmp_path)
    assert "data_augmentation (Sequential)  │ (None, 28, 28, 1)" in out
    assert "Total params: 104,202 (407.04 KB)" in out
    assert number(r"test_acc: ([.\d]+)", out) >= 0.5


def test_fashion_mnist(tmp_path):
    out = run_example("fashion_mnist", tmp_path, "--validation-split", "0.1", "--plot",
                      "history.png")
    assert number(r"test_acc: ([.\d]+)", out) >= 0.9
    assert len(re.findall(r"^predicted .* true ", out, re.M)) == 5
    assert_png(tmp_path / "history.png")


def test_mnist_custom_loop(tmp_path):
    out = run_example("mnist_custom_loop", tmp_path)
    assert number(r"epoch 1: .* test accuracy ([.\d]+)", out) >= 0.9


def test_save_and_load(tmp_path):
    out = run_example("save_and_load", tmp_path, "--path", "fashion.keras")
    assert "loaded model predicts the same: True" in out
    assert (tmp_path / "fashion.keras").stat().st_size > 100_000


def test_examples_describe_their_flags(tmp_path):
    out = run_example("fashion_mnist", tmp_path, "--help")
    for option in ("--quick", "--synthetic", "--epochs", "--validation-split", "--plot"):
        assert option in out
