"""Regenerate every figure of the course into one folder.

Each figure is drawn by the course example (or ``tapeflow`` command) that teaches it, run
as its own process, so the figures show exactly what those scripts do:

    figure 5-4          perceptron.png                 examples/perceptron.py
    figure 5-5          activations.png                examples/activations.py
    figure 5-12         two_class.png                  examples/two_class.py
    figure 5-14         gradient_field_waves.png       examples/gradient_fields.py
    figure 5-15         gradient_field_quadratic.png   examples/gradient_fields.py
    figure 5-17         mnist_grid.png                 tapeflow datasets preview mnist
    figures 5-21..5-28  optimizers_bowl.png, optimizers_local-minima.png,
                        optimizers_saddle.png, optimizers_rosenbrock.png
                                                       examples/optimizers.py
    figure 5-32         fashion_mnist_grid.png         tapeflow datasets preview fashion_mnist
    section 5-6         fashion_mnist_history.png      examples/fashion_mnist.py (5 epochs)

    python scripts/make_figures.py [--out-dir figures] [--quick]
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def jobs(out, quick, synthetic):
    """(description, argv) per figure-drawing run; argv without the Python executable."""
    ex = lambda name: os.path.join(ROOT, "examples", name)  # noqa: E731
    flags = (["--quick"] if quick else []) + (["--synthetic"] if synthetic else [])
    data = ["--synthetic"] if synthetic else []
    epochs = "2" if quick else "5"  # a short fit: the curves still show a trend
    return [
        ("5-4 perceptron", [ex("perceptron.py"), *flags, "--out", f"{out}/perceptron.png"]),
        ("5-5 activations", [ex("activations.py"), *flags, "--out",
                             f"{out}/activations.png"]),
        ("5-12 two classes", [ex("two_class.py"), *flags, "--out", f"{out}/two_class.png"]),
        ("5-14, 5-15 gradient fields", [ex("gradient_fields.py"), *flags, "--out-dir", out]),
        ("5-17 MNIST", ["-m", "tapeflow", "datasets", "preview", "mnist", "--rows", "10",
                        "--cols", "20", "--no-labels", "--out", f"{out}/mnist_grid.png",
                        *data]),
        ("5-21..5-28 optimizers", [ex("optimizers.py"), *flags, "--out-dir", out]),
        ("5-32 Fashion-MNIST", ["-m", "tapeflow", "datasets", "preview", "fashion_mnist",
                                "--rows", "5", "--cols", "5", "--out",
                                f"{out}/fashion_mnist_grid.png", *data]),
        ("5-6 training history", [ex("fashion_mnist.py"), *flags, "--epochs", epochs,
                                  "--validation-split", "0.2", "--plot",
                                  f"{out}/fashion_mnist_history.png"]),
    ]


def run(description, argv, log):
    """Run one job; returns True when it succeeded (its output goes to ``log``)."""
    env = dict(os.environ, MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, stdout=log,
                          stderr=subprocess.STDOUT)
    status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    print(f"  {description:28s} {time.perf_counter() - start:5.1f} s  {status}", flush=True)
    return done.returncode == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Regenerate every figure of the course "
                                                 "into one folder.")
    parser.add_argument("--out-dir", default="figures",
                        help="folder for the PNG files (default: figures)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer steps and epochs, data subsets: seconds, not a minute")
    parser.add_argument("--synthetic", action="store_true",
                        help="random stand-in data instead of MNIST/Fashion-MNIST (tests)")
    args = parser.parse_args(argv)
    out = os.path.abspath(args.out_dir)
    os.makedirs(out, exist_ok=True)
    log_path = os.path.join(out, "make_figures.log")
    print(f"drawing the course's figures into {out} (log: {log_path})")
    with open(log_path, "w") as log:
        failed = [d for d, job in jobs(out, args.quick, args.synthetic)
                  if not run(d, job, log)]
    expected = ["perceptron", "activations", "two_class", "gradient_field_waves",
                "gradient_field_quadratic", "mnist_grid", "optimizers_bowl",
                "optimizers_local-minima", "optimizers_saddle", "optimizers_rosenbrock",
                "fashion_mnist_grid", "fashion_mnist_history"]
    for name in expected:
        path = os.path.join(out, name + ".png")
        if os.path.exists(path):
            print(f"  {os.path.join(args.out_dir, name + '.png')}  "
                  f"({os.path.getsize(path) // 1024} KB)")
        else:
            failed.append(f"{name}.png not written")
    if failed:
        print(f"failed: {', '.join(failed)}; see {log_path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
