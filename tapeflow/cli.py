"""The ``tapeflow`` command line (also ``python -m tapeflow``).

Subcommands: ``train``, ``evaluate``, ``predict``, ``summary``, ``plot``,
``datasets``; each lives in ``tapeflow.commands``, whose modules offer
``add_parser(subparsers)`` and set ``func`` on their parsers. ``main`` dispatches and
turns every error a user can cause (wrong arguments, a missing or unreadable file, data
not provisioned) into one ``tapeflow: error: ...`` line and an exit code: 2 for wrong
arguments, 1 when the command could not finish.

Example:
    >>> from tapeflow.cli import main
    >>> main(["train", "mnist", "--epochs", "0"])  # the error line goes to stderr
    2
"""

from __future__ import annotations

import argparse
import os
import sys


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit code 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``tapeflow`` argument parser with every subcommand registered."""
    from tapeflow.commands import datasets, model, plot, train

    parser = Parser(
        prog="tapeflow",
        description="tapeflow: the TensorFlow 2 / Keras programming model on NumPy. "
                    "Train and use the course's networks, draw its figures, manage its "
                    "datasets.",
        epilog="`tapeflow COMMAND --help` describes each command's options.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    train.add_parser(subparsers)
    model.add_parser(subparsers)
    plot.add_parser(subparsers)
    datasets.add_parser(subparsers)
    parser.set_defaults(func=lambda args: _usage(parser))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def main(argv=None) -> int:
    """Runs ``tapeflow`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Args:
        argv: Arguments without the program name, e.g. ``["datasets", "fetch", "mnist"]``.

    Returns:
        0 on success, 1 when the command failed, 2 on a usage error.

    Example:
        >>> main(["summary"])  # the model file is missing: a usage error
        2
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `tapeflow ... | head`: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as err:  # noqa: BLE001 - only the user-caused kinds, re-raised otherwise
        code = _exit_code(err)
        if code is None:
            raise
        print(f"tapeflow: error: {err}", file=sys.stderr)
        return code


def _exit_code(err):
    """2 or 1 for errors a user causes and can fix; None for bugs (keep the traceback)."""
    from tapeflow.commands.common import CommandError
    from tapeflow.keras.saving.errors import ModelFileError
    if isinstance(err, CommandError):
        return err.exit_code
    if isinstance(err, ModelFileError):
        return 2
    if isinstance(err, (OSError, ImportError)):  # file system, data not provisioned,
        return 1                                  # matplotlib / h5py not installed
    return None


if __name__ == "__main__":
    sys.exit(main())
