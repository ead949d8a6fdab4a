"""``tapeflow summary`` and ``tapeflow predict``: look inside a saved model, use it.

Example:
    >>> print(bar(0.5, width=10))
    █████
"""

from __future__ import annotations


import numpy as np

from tapeflow.commands import common, image


def add_parser(subparsers):
    """Registers ``summary`` and ``predict``."""
    p = subparsers.add_parser(
        "summary", help="print a saved model's layers, shapes and parameter counts",
        description="Load a .keras (or legacy .h5) model and print Keras's summary table "
                    "and how it was compiled.")
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by tapeflow or Keras")
    p.set_defaults(func=run_summary)

    p = subparsers.add_parser(
        "predict", help="classify 28x28 (or larger) grayscale images with a saved model",
        description="Classify image files with a saved model. Each image is read as "
                    "grayscale, padded to a square, shrunk to 28x28 by area averaging "
                    "and, if its background is light (dark ink on white paper), inverted "
                    "so the digit is bright on black like MNIST. Prints the class and "
                    "every class's probability (softmax is applied when the model outputs "
                    "logits).",
        epilog="example:\n  tapeflow predict model.keras digit.png",
        formatter_class=common.HelpFormatter)
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by tapeflow or Keras")
    p.add_argument("images", nargs="+", metavar="IMAGE",
                   help="PNG files (other formats when Pillow is installed)")
    p.add_argument("--dataset", type=common.dataset_name, default="mnist",
                   metavar="{mnist,fashion_mnist}",
                   help="names the classes: digits for mnist, clothing for fashion_mnist "
                        "(default: mnist)")
    p.add_argument("--invert", choices=("auto", "yes", "no"), default="auto",
                   help="make the ink bright on black: auto inverts images with a light "
                        "background (default: auto)")
    p.set_defaults(func=run_predict)


def run_summary(args):
    """``tapeflow summary``: Keras's table plus the compile settings."""
    model = common.load_model(args.model)
    model.summary()
    if getattr(model, "compiled", False):
        loss = model.loss if isinstance(model.loss, str) else (
            getattr(model.loss, "name", None) or type(model.loss).__name__)
        print(f"compiled with optimizer={type(model.optimizer).__name__}, loss={loss}")
    else:
        print("not compiled (saved without its training configuration)")
    return 0


def run_predict(args):
    """``tapeflow predict``: class and probabilities of each image."""
    model = common.load_model(args.model)
    digits = [image.to_mnist(image.read_image(path), invert=args.invert)
              for path in args.images]  # read all first: a bad file fails before work
    x = common.model_inputs(model, np.stack([d for d, _ in digits]))
    outputs = np.asarray(model.predict(x, verbose=0))
    if outputs.ndim != 2 or outputs.shape[-1] != 10:
        raise common.CommandError(f"model {model.name!r} outputs shape "
                                  f"{(None,) + outputs.shape[1:]}, expected 10 class scores")
    probabilities, from_logits = common.as_probabilities(outputs)
    names = common.CLASS_NAMES[args.dataset]
    width = max(len(name) for name in names)
    for path, (_, inverted), p in zip(args.images, digits, probabilities):
        best = int(p.argmax())
        print(f"{path}: {names[best]} (probability {p[best]:.3f})"
              + ("  [inverted: light background]" if inverted else ""))
        for k, (name, value) in enumerate(zip(names, p)):
            mark = "<-" if k == best else ""
            print(f"  {name:>{width}} {value:6.3f} {bar(value):20s} {mark}".rstrip())
    if from_logits:
        print("(the model outputs logits; softmax applied to get probabilities)")
    return 0


def bar(fraction, width=20):
    """A text bar of ``fraction`` (0..1) of ``width`` characters."""
    return "█" * int(round(float(fraction) * width))
