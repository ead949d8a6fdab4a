"""The ``tapeflow`` command: help, usage errors, and train -> evaluate/summary/predict.

Commands run in-process through ``tapeflow.cli.main`` (``--synthetic`` gives learnable
stand-in data, so nothing depends on the datasets being provisioned); a few run as
``python -m tapeflow`` to check the real exit code and stderr.
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import pytest

from tapeflow.cli import build_parser, main
from tapeflow.commands import common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    """``tapeflow *argv`` in-process; returns (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_png(path, min_bytes=10_000):
    data = open(path, "rb").read()
    assert data[:8] == PNG and len(data) > min_bytes, (path, len(data))


# --- help -------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, options", [
    ([], ["train", "evaluate", "summary", "predict", "plot", "datasets"]),
    (["train"], ["--epochs", "--batch-size", "--optimizer", "--learning-rate", "--hidden",
                 "--validation-split", "--seed", "--save", "--plot", "--verbose", "--quick",
                 "{mnist,fashion_mnist}"]),
    (["evaluate"], ["MODEL.keras", "--dataset", "--batch-size", "--verbose", "--quick"]),
    (["summary"], ["MODEL.keras"]),
    (["predict"], ["MODEL.keras", "IMAGE", "--dataset", "--invert"]),
    (["plot"], ["optimizers", "activations"]),
    (["plot", "optimizers"], ["--function", "rosenbrock", "--optimizers", "--steps", "--out"]),
    (["plot", "activations"], ["--names", "--out"]),
    (["datasets"], ["fetch", "info", "preview"]),
    (["datasets", "fetch"], ["--no-mirrors", "--no-packages", "--quiet"]),
    (["datasets", "preview"], ["--out", "--split", "--rows", "--cols", "--start",
                               "--no-labels"]),
])
def test_help_lists_every_option(capsys, argv, options):
    code, out, _ = run(capsys, *argv, "--help")
    assert code == 0
    for option in options:
        assert option in out, f"{option} missing from `tapeflow {' '.join(argv)} --help`"
    assert "--synthetic" not in out  # a hidden flag for tests


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_option_has_a_description():
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{parser.prog}: {action.dest} has no help text"


# --- usage errors -------------------------------------------------------------------------
@pytest.mark.parametrize("argv, fragment", [
    (["nosuchcommand"], "invalid choice"),
    (["train"], "required"),
    (["train", "cifar10"], "unknown dataset 'cifar10'"),
    (["train", "mnist", "--epochs", "0"], "expected a positive integer, got '0'"),
    (["train", "mnist", "--hidden", "256,x"], "layer sizes"),
    (["train", "mnist", "--optimizer", "sgdd"], "unknown optimizer 'sgdd'"),
    (["train", "mnist", "--learning-rate", "-1"], "expected a positive number, got '-1'"),
    (["train", "mnist", "--save", "model.h5"], "--save needs a .keras file name"),
    (["train", "mnist", "--validation-split", "1.5", "--synthetic"], "validation-split"),
    (["evaluate", "missing.keras"], "no model file 'missing.keras'"),
    (["summary", "missing.keras"], "no model file"),
    (["predict", "missing.keras"], "required: IMAGE"),
    (["plot", "optimizers", "--function", "cube"], "invalid choice: 'cube'"),
    (["plot", "optimizers", "--optimizers", "sgd,nope"], "unknown optimizer 'nope'"),
    (["plot", "activations", "--names", "relu,wavy"], "unknown activation 'wavy'"),
    (["datasets", "preview", "cifar"], "unknown dataset"),
    (["datasets", "preview", "mnist", "--rows", "-1"], "positive integer"),
])
def test_bad_arguments_give_one_line_and_exit_2(capsys, tmp_path, monkeypatch, argv,
                                                fragment):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("tapeflow") and fragment in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["train", "mnist", "--epochs", "x"],
                                  ["summary", "nothing.keras"]])
def test_python_dash_m_exit_code_and_stderr(tmp_path, argv):
    done = subprocess.run([sys.executable, "-m", "tapeflow", *argv], cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "error:" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_unprovisioned_dataset_is_exit_1_with_the_fix(capsys, monkeypatch):
    from tapeflow.keras.datasets import mnist, sources

    def unavailable():
        raise sources.DatasetUnavailableError(mnist.SPEC, [], list(mnist.SPEC.files))

    monkeypatch.setattr(mnist, "load_data", unavailable)
    code, _, err = run(capsys, "train", "mnist", "--quick")
    assert code == 1
    assert err.startswith("tapeflow: error: mnist: could not find verified data")
    assert "tapeflow datasets fetch mnist" in err and "Traceback" not in err


# --- train, then use the saved model ------------------------------------------------------
@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """An mnist (softmax) and a fashion_mnist (logits) model trained on stand-in data."""
    folder = tmp_path_factory.mktemp("cli")
    outputs = {}
    for dataset in ("mnist", "fashion_mnist"):
        model = folder / f"{dataset}.keras"
        argv = ["train", dataset, "--quick", "--synthetic", "--seed", "1", "--verbose", "0",
                "--save", str(model), "--plot", str(folder / f"{dataset}.png")]
        if dataset == "mnist":
            argv += ["--hidden", "64,32", "--epochs", "2"]
        code = main(argv)
        assert code == 0
        outputs[dataset] = model
    return folder, outputs


def test_train_reports_test_accuracy_and_saves(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "mnist", "--quick", "--synthetic", "--hidden", "32",
                       "--save", tmp_path / "m.keras", "--plot", tmp_path / "h.png")
    assert code == 0
    assert "training on 2000 mnist images: 1 epoch of batch 128, RMSprop" in out
    assert "━" in out  # Keras's progress bar
    accuracy = float(out.split("test accuracy: ")[1].split()[0])
    assert accuracy >= 0.9  # the stand-in classes are bands at different rows
    assert os.path.getsize(tmp_path / "m.keras") > 10_000
    assert_png(tmp_path / "h.png")


def test_train_convnet(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "mnist", "--model", "convnet", "--quick",
                       "--synthetic", "--verbose", "0", "--seed", "0", "--save",
                       tmp_path / "c.keras")
    assert code == 0
    assert "training on 2000 mnist images: 1 epoch of batch 64, RMSprop" in out
    assert float(out.split("test accuracy: ")[1].split()[0]) >= 0.9
    code, out, _ = run(capsys, "evaluate", tmp_path / "c.keras", "--quick", "--synthetic",
                       "--verbose", "0")
    assert code == 0 and float(out.split("test accuracy: ")[1].split()[0]) >= 0.9
    code, _, err = run(capsys, "train", "mnist", "--model", "convnet", "--hidden", "32")
    assert code == 2 and "--hidden sets the Dense layers" in err


def test_train_presets():
    from tapeflow.commands.train import PRESETS, build_model
    assert PRESETS["mnist"] == {"epochs": 5, "batch_size": 128, "optimizer": "rmsprop",
                                "hidden": (512,)}
    assert PRESETS["fashion_mnist"] == {"epochs": 10, "batch_size": 32, "optimizer": "adam",
                                        "hidden": (128,)}
    chapter2 = build_model("mnist", (512,), "rmsprop")
    assert chapter2.count_params() == 784 * 512 + 512 + 512 * 10 + 10  # 407,050
    assert chapter2.loss == "categorical_crossentropy"
    tutorial = build_model("fashion_mnist", (128,), "adam", learning_rate=0.01)
    assert tutorial.count_params() == 784 * 128 + 128 + 128 * 10 + 10  # 101,770
    assert tutorial.loss.get_config()["from_logits"] is True
    assert float(tutorial.optimizer.learning_rate) == pytest.approx(0.01)


def test_evaluate_saved_model(capsys, trained):
    folder, models = trained
    code, out, _ = run(capsys, "evaluate", models["mnist"], "--dataset", "mnist",
                       "--synthetic", "--quick", "--verbose", "0")
    assert code == 0
    assert "on 500 mnist test images" in out
    assert float(out.split("test accuracy: ")[1].split()[0]) >= 0.9
    assert "test loss: " in out
    assert_png(folder / "mnist.png")


def test_summary_of_saved_model(capsys, trained):
    _, models = trained
    code, out, _ = run(capsys, "summary", models["fashion_mnist"])
    assert code == 0
    assert "(Flatten)" in out and "101,770" in out  # 784*128+128 + 128*10+10
    assert "compiled with optimizer=Adam" in out


def _white_paper_digit(label, path, scale=3):
    """A stand-in sample drawn dark on white paper, ``scale`` times bigger, as a PNG."""
    from matplotlib import image as mpimg
    images, labels = common.synthetic_data(50, seed=5)
    sample = images[list(labels).index(label)] / 255.0
    mpimg.imsave(path, 1.0 - np.kron(sample, np.ones((scale, scale))), cmap="gray",
                 vmin=0, vmax=1)


def test_predict_image_file(capsys, trained, tmp_path):
    _, models = trained
    _white_paper_digit(3, tmp_path / "three.png")
    code, out, _ = run(capsys, "predict", models["mnist"], tmp_path / "three.png")
    assert code == 0
    assert "three.png: 3 (probability" in out and "[inverted: light background]" in out
    probabilities = [float(line.split()[1]) for line in out.splitlines()[1:11]]
    assert sum(probabilities) == pytest.approx(1.0, abs=0.01)
    assert "softmax applied" not in out  # the chapter-2 model ends in a softmax


def test_predict_applies_softmax_to_logits(capsys, trained, tmp_path):
    _, models = trained
    _white_paper_digit(7, tmp_path / "seven.png", scale=2)
    code, out, _ = run(capsys, "predict", models["fashion_mnist"], tmp_path / "seven.png",
                       "--dataset", "fashion_mnist")
    assert code == 0
    assert "seven.png: Sneaker (probability" in out  # class 7 of Fashion-MNIST
    assert "(the model outputs logits; softmax applied" in out


@pytest.mark.parametrize("content, fragment", [(b"not an image", "cannot read"),
                                               (None, "no image file")])
def test_predict_bad_image_is_exit_2(capsys, trained, tmp_path, content, fragment):
    _, models = trained
    path = tmp_path / "image.png"
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(capsys, "predict", models["mnist"], path)
    assert code == 2 and fragment in err and len(err.splitlines()) == 1


def test_model_that_does_not_fit_the_data_is_exit_1(capsys, tmp_path):
    from tapeflow import keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(10)])
    model.save(tmp_path / "small.keras")
    code, _, err = run(capsys, "evaluate", tmp_path / "small.keras", "--synthetic", "--quick")
    assert code == 1
    assert "takes inputs of shape (None, 3)" in err and "Traceback" not in err


def test_not_a_model_file_is_exit_2(capsys, tmp_path):
    (tmp_path / "notes.keras").write_text("hello")
    code, _, err = run(capsys, "summary", tmp_path / "notes.keras")
    assert code == 2 and "not a valid `.keras` file" in err


# --- figures ------------------------------------------------------------------------------
def test_plot_optimizers(capsys, tmp_path):
    code, out, _ = run(capsys, "plot", "optimizers", "--function", "local-minima",
                       "--optimizers", "sgd,momentum", "--steps", "100",
                       "--out", tmp_path / "paths.png")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[1:3]}
    # SGD settles in the local minimum near x = +0.96, momentum rolls on to x = -1.04
    assert "ends at (+0.960," in lines["sgd"] and "ends at (-1.0" in lines["momentum"]
    assert_png(tmp_path / "paths.png")


def test_plot_activations(capsys, tmp_path):
    code, out, _ = run(capsys, "plot", "activations", "--names", "relu,sigmoid",
                       "--out", tmp_path / "act.png")
    assert code == 0 and "figure written to" in out
    assert_png(tmp_path / "act.png")


def test_plot_into_missing_folder_is_exit_1(capsys, tmp_path):
    code, _, err = run(capsys, "plot", "activations", "--out", tmp_path / "no" / "a.png")
    assert code == 1 and err.startswith("tapeflow: error:") and "Traceback" not in err


@pytest.mark.parametrize("extra", [[], ["--no-labels", "--rows", "3", "--cols", "5"]])
def test_datasets_preview(capsys, tmp_path, extra):
    code, out, _ = run(capsys, "datasets", "preview", "fashion_mnist", "--synthetic",
                       "--out", tmp_path / "grid.png", *extra)
    assert code == 0 and "fashion_mnist train images [0:" in out
    assert_png(tmp_path / "grid.png", min_bytes=5_000)


def test_train_plot_without_matplotlib_fails_before_training(capsys, monkeypatch, tmp_path):
    import builtins
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", "mnist", "--synthetic", "--quick",
                         "--plot", "history.png")
    assert code == 1 and 'pip install "tapeflow[plot]"' in err
    assert "accuracy" not in out and not (tmp_path / "history.png").exists()
