"""The ``tapeflow`` command line.

Subcommands so far: ``datasets`` (``fetch``, ``info``). Each subcommand module offers
``add_parser(subparsers)`` and sets ``func`` on its parser; ``main`` dispatches, so
``train``, ``plot`` ... can be added the same way.

Example:
    >>> from tapeflow.cli import main
    >>> main(["datasets", "info", "mnist"])  # doctest: +SKIP
    0
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    """The ``tapeflow`` argument parser with every subcommand registered."""
    from tapeflow.keras.datasets import commands as datasets_commands

    parser = argparse.ArgumentParser(
        prog="tapeflow",
        description="tapeflow: the TensorFlow 2 / Keras programming model on NumPy.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    datasets_commands.add_parser(subparsers)
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
        >>> main(["datasets", "fetch", "mnist"])  # doctest: +SKIP
        0
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
