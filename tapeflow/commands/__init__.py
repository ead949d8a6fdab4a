"""The subcommands of the ``tapeflow`` command line, one module per group.

Each module offers ``add_parser(subparsers)``, which registers its subcommand(s) and
sets ``func`` on every parser it creates; ``tapeflow.cli.main`` parses the arguments,
calls ``args.func(args)`` and turns the project's errors into one ``tapeflow: error:``
line. Modules:

- ``train``: ``tapeflow train`` and ``tapeflow evaluate``.
- ``model``: ``tapeflow summary`` and ``tapeflow predict``.
- ``plot``: ``tapeflow plot optimizers|activations``.
- ``datasets``: ``tapeflow datasets fetch|info|preview``.
- ``common``: errors, data loading and the model-file helpers they share.
- ``image``: reading an image file and turning it into an MNIST-like 28x28 array.

Example:
    >>> from tapeflow.commands.common import CommandError
    >>> CommandError("no such model", exit_code=2).exit_code
    2
"""
