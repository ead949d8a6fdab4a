"""``tapeflow train`` and ``tapeflow evaluate``: the course's two MNIST-style networks.

``mnist`` is chapter 2's first network (Chollet, *Deep Learning with Python*):
784 -> Dense(512, relu) -> Dense(10, softmax), rmsprop, categorical cross-entropy on
one-hot labels, 5 epochs of batch 128. ``fashion_mnist`` is TensorFlow's "basic
classification" tutorial: Flatten -> Dense(128, relu) -> Dense(10) logits, adam,
``SparseCategoricalCrossentropy(from_logits=True)``, 10 epochs of batch 32.
``--model convnet`` trains chapter 8's intro convnet instead on either data set: three
3x3 Conv2D (32, 64, 128 filters, relu) with 2x2 MaxPooling2D between them, Flatten,
Dense(10, softmax); rmsprop, sparse categorical cross-entropy, 5 epochs of batch 64.

Example:
    >>> model = build_model("fashion_mnist", hidden=(16,), optimizer="adam")
    >>> [layer.__class__.__name__ for layer in model.layers]
    ['Flatten', 'Dense', 'Dense']
    >>> build_model("mnist", (), "rmsprop", model="convnet").count_params()
    104202
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tapeflow.commands import common

PRESETS = {
    "mnist": {"epochs": 5, "batch_size": 128, "optimizer": "rmsprop", "hidden": (512,)},
    "fashion_mnist": {"epochs": 10, "batch_size": 32, "optimizer": "adam", "hidden": (128,)},
}
CONVNET = {"epochs": 5, "batch_size": 64, "optimizer": "rmsprop"}
OPTIMIZER_NAMES = "sgd, rmsprop, adam, adamw, adagrad, nadam, adamax"


def add_parser(subparsers):
    """Registers ``train`` and ``evaluate``."""
    _add_train(subparsers)
    _add_evaluate(subparsers)


def _add_train(subparsers):
    p = subparsers.add_parser(
        "train", help="train the course's network on MNIST or Fashion-MNIST",
        description="Train chapter 2's network (mnist: Dense(512, relu), Dense(10, "
                    "softmax), rmsprop, categorical cross-entropy, 5 epochs of batch "
                    "128) or the TensorFlow tutorial's (fashion_mnist: Flatten, "
                    "Dense(128, relu), Dense(10) logits, adam, sparse categorical "
                    "cross-entropy from logits, 10 epochs of batch 32), then report "
                    "the test accuracy.",
        epilog="examples:\n  tapeflow train mnist\n"
               "  tapeflow train fashion_mnist --epochs 5 --plot history.png "
               "--save fashion.keras\n  tapeflow train mnist --hidden 256,128 "
               "--optimizer adam --quick",
        formatter_class=common.HelpFormatter)
    p.add_argument("dataset", type=common.dataset_name, metavar="{mnist,fashion_mnist}",
                   help="the data set (and with it the network and its defaults)")
    p.add_argument("--model", choices=("mlp", "convnet"), default="mlp",
                   help="mlp: the data set's Dense network (default); convnet: chapter 8's "
                        "intro convnet (Conv2D/MaxPooling2D, rmsprop, 5 epochs of batch 64)")
    _add_hyperparameters(p)
    p.add_argument("--save", metavar="MODEL.keras",
                   help="save the trained model to this .keras file")
    p.add_argument("--plot", metavar="HISTORY.png",
                   help="draw the loss and accuracy per epoch into this PNG (needs "
                        "matplotlib)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                   help="0 silent, 1 progress bar, 2 one line per epoch (default: 1)")
    p.add_argument("--quick", action="store_true",
                   help="a few seconds' run: 2000 training and 500 test samples, 1 epoch "
                        "unless --epochs is given")
    common.add_synthetic_flag(p)
    p.set_defaults(func=run_train)


def _add_hyperparameters(p):
    """The options that change the network or its training."""
    p.add_argument("--epochs", type=common.positive_int,
                   help="passes over the training set (default: 5 for mnist, 10 for "
                        "fashion_mnist, 1 with --quick)")
    p.add_argument("--batch-size", type=common.positive_int,
                   help="samples per gradient step (default: 128 for mnist, 32 for "
                        "fashion_mnist)")
    p.add_argument("--optimizer", type=_optimizer_name,
                   help=f"one of {OPTIMIZER_NAMES} (default: rmsprop for mnist, adam for "
                        f"fashion_mnist)")
    p.add_argument("--learning-rate", type=common.positive_float,
                   help="the optimizer's learning rate (default: its Keras default, "
                        "0.001 for rmsprop and adam)")
    p.add_argument("--hidden", type=common.int_list, metavar="SIZES",
                   help="hidden Dense(relu) layer sizes, e.g. 512 or 256,128 (default: 512 "
                        "for mnist, 128 for fashion_mnist)")
    p.add_argument("--validation-split", type=float, default=0.0, metavar="FRACTION",
                   help="hold out this last fraction of the training set to report "
                        "val_loss and val_accuracy each epoch (default: 0)")
    p.add_argument("--seed", type=int,
                   help="seed weights and shuffling for a reproducible run (default: none)")


def _add_evaluate(subparsers):
    p = subparsers.add_parser(
        "evaluate", help="test accuracy of a saved model on a data set's test split",
        description="Load a .keras model and report its loss and accuracy on the test "
                    "split (10,000 images) of MNIST or Fashion-MNIST.",
        epilog="example:\n  tapeflow evaluate model.keras --dataset mnist",
        formatter_class=common.HelpFormatter)
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by tapeflow or Keras")
    p.add_argument("--dataset", type=common.dataset_name, default="mnist",
                   metavar="{mnist,fashion_mnist}", help="the test data (default: mnist)")
    p.add_argument("--batch-size", type=common.positive_int, default=32,
                   help="samples per batch (default: 32)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                   help="0 silent, 1 progress bar, 2 one summary line (default: 1)")
    p.add_argument("--quick", action="store_true", help="only the first 500 test samples")
    common.add_synthetic_flag(p)
    p.set_defaults(func=run_evaluate)


def _optimizer_name(text):
    from tapeflow.keras import optimizers
    try:
        optimizers.get(text.lower())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer {text!r}; expected one of {OPTIMIZER_NAMES}") from None
    return text.lower()


def build_model(dataset, hidden, optimizer, learning_rate=None, model="mlp"):
    """The compiled network of ``dataset``'s preset with ``hidden`` relu layers, or the
    intro convnet (``model="convnet"``)."""
    from tapeflow import keras
    layers = keras.layers
    opt = keras.optimizers.get(optimizer)
    if learning_rate is not None:
        opt.learning_rate = learning_rate
    if model == "convnet":
        return _convnet(keras, opt)
    if dataset == "mnist":  # chapter 2: flattened input, softmax output, one-hot labels
        model = keras.Sequential([keras.Input((28 * 28,))]
                                 + [layers.Dense(n, activation="relu") for n in hidden]
                                 + [layers.Dense(10, activation="softmax")])
        model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
        return model
    model = keras.Sequential([keras.Input((28, 28)), layers.Flatten()]
                             + [layers.Dense(n, activation="relu") for n in hidden]
                             + [layers.Dense(10)])
    model.compile(optimizer=opt,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _convnet(keras, optimizer):
    """Chapter 8's intro convnet, compiled (104,202 parameters)."""
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(128, 3, activation="relu"), layers.Flatten(),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def prepare(dataset, images, labels, model="mlp"):
    """Scale to [0, 1] float32; chapter 2 also flattens and one-hot encodes; the
    convnet adds a channel axis."""
    x = images.astype(np.float32) / 255.0
    if model == "convnet":
        return x[..., None], labels
    if dataset != "mnist":
        return x, labels
    from tapeflow.keras.utils import to_categorical
    return x.reshape(len(x), 28 * 28), to_categorical(labels, 10)


def run_train(args):
    """``tapeflow train``: fit, report test accuracy, optionally save and plot."""
    preset = CONVNET if args.model == "convnet" else PRESETS[args.dataset]
    if args.model == "convnet" and args.hidden:
        raise common.CommandError("--hidden sets the Dense layers of --model mlp; the "
                                  "convnet's layers are fixed", exit_code=2)
    epochs = args.epochs or (1 if args.quick else preset["epochs"])
    batch_size = args.batch_size or preset["batch_size"]
    if not 0.0 <= args.validation_split < 1.0:
        raise common.CommandError(f"--validation-split must be in [0, 1), got "
                                  f"{args.validation_split}", exit_code=2)
    if args.save and not args.save.endswith(".keras"):
        raise common.CommandError(f"--save needs a .keras file name, got {args.save!r}",
                                  exit_code=2)
    if args.plot:  # before training: a missing extra should not cost a run
        from tapeflow.viz import _mpl
        _mpl.pyplot()
    (x_train, y_train), (x_test, y_test) = common.load_data(
        args.dataset, quick=args.quick, synthetic=args.synthetic)
    if args.seed is not None:
        from tapeflow.keras.utils import set_random_seed
        set_random_seed(args.seed)
    model = build_model(args.dataset, args.hidden or preset.get("hidden", ()),
                        args.optimizer or preset["optimizer"], args.learning_rate, args.model)
    x_train, y_train = prepare(args.dataset, x_train, y_train, args.model)
    x_test, y_test = prepare(args.dataset, x_test, y_test, args.model)
    print(f"training on {len(x_train)} {args.dataset} images: {_plural(epochs, 'epoch')} of batch "
          f"{batch_size}, {type(model.optimizer).__name__}")
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_split=args.validation_split, verbose=args.verbose)
    seconds = time.perf_counter() - start
    results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    done = len(history.history.get("loss", ())) or epochs
    print(f"trained {_plural(done, 'epoch')} in {seconds:.1f} s ({seconds / done:.2f} s/epoch)")
    print(f"test accuracy: {results['accuracy']:.4f}  test loss: {results['loss']:.4f}")
    if args.save:
        model.save(args.save)
        print(f"model saved to {args.save}")
    if args.plot:
        from tapeflow.viz import plot_history
        plot_history(history, path=args.plot)
        print(f"history plot written to {args.plot}")
    return 0


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def run_evaluate(args):
    """``tapeflow evaluate``: the model's loss and metrics on the test split."""
    model = common.load_model(args.model)
    _, (images, labels) = common.load_data(args.dataset, quick=args.quick,
                                           synthetic=args.synthetic)
    x = common.model_inputs(model, images.astype(np.float32) / 255.0)
    _check_outputs(model, x[:1])
    print(f"evaluating {args.model} on {len(x)} {args.dataset} test images")
    results = {}
    if getattr(model, "compiled", False) and model.loss is not None:
        y = labels
        if common.uses_one_hot_labels(model):
            from tapeflow.keras.utils import to_categorical
            y = to_categorical(labels, 10)
        results = model.evaluate(x, y, batch_size=args.batch_size, verbose=args.verbose,
                                 return_dict=True)
    if "accuracy" not in results:  # not compiled, or compiled without the metric
        predictions = model.predict(x, batch_size=args.batch_size, verbose=0)
        results["accuracy"] = float(np.mean(predictions.argmax(axis=-1) == labels))
    for name, value in results.items():
        print(f"test {name}: {value:.4f}")
    return 0


def _check_outputs(model, x):
    """Fail clearly unless the model maps an image to 10 class scores."""
    out = np.asarray(model.predict(x, verbose=0))
    if out.ndim != 2 or out.shape[-1] != 10:
        raise common.CommandError(
            f"model {model.name!r} outputs shape {(None,) + out.shape[1:]}, but a "
            f"classifier of this data set needs 10 class scores per image")
