"""Helpers for the dataset tests: tiny IDX datasets and a real HTTP server on 127.0.0.1.

(A uniquely named module rather than conftest.py, so that tests can import it.)
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.server
import os
import threading
import urllib.parse

import numpy as np

from tapeflow.keras.datasets import idx, sources

ROLE_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

# The real locations, read at import, before any test changes the environment (for the
# one integration test, which only reads them).
REAL_TAPEFLOW_HOME = sources.tapeflow_home()
REAL_KERAS_DATASETS = sources.keras_dir()
REAL_SYSTEM_DATASETS = sources.system_dir()


def sha256(data) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclasses.dataclass
class Tiny:
    """A tiny MNIST-shaped dataset: arrays, their IDX bytes, and a spec for them."""

    arrays: dict
    blobs: dict  # file name -> IDX bytes
    spec: sources.DatasetSpec

    def write(self, directory, gz: bool = False, names=None) -> None:
        os.makedirs(directory, exist_ok=True)
        for name, blob in self.blobs.items():
            if names is None or name in names:
                path = os.path.join(directory, name + (".gz" if gz else ""))
                with open(path, "wb") as f:
                    f.write(gzip.compress(blob) if gz else blob)

    def with_mirrors(self, *mirrors, **changes) -> sources.DatasetSpec:
        return dataclasses.replace(self.spec, mirrors=tuple(mirrors), **changes)


def make_tiny(seed: int = 0, n_train: int = 6, n_test: int = 4) -> Tiny:
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 4, 3), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 4, 3), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    blobs = {ROLE_NAMES[r]: idx.encode_idx(a) for r, a in arrays.items()}
    files = tuple(sources.IDXFile(r, ROLE_NAMES[r], sha256(blobs[ROLE_NAMES[r]]))
                  for r in sources.ROLES)
    spec = sources.DatasetSpec(name="tiny", subdir="tiny", files=files)
    return Tiny(arrays, blobs, spec)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        server = self.server
        path = urllib.parse.urlsplit(self.path).path
        server.requests.append(path)
        body = server.files.get(path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        behaviour = server.behaviour.get(path)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if behaviour == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server:
    """A real HTTP server on 127.0.0.1 serving in-memory files, in a thread."""

    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.files, self.httpd.behaviour, self.httpd.requests = {}, {}, []
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list:
        return self.httpd.requests

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{path}"

    def put(self, path: str, data: bytes, behaviour: str | None = None) -> str:
        self.httpd.files["/" + path] = bytes(data)
        if behaviour:
            self.httpd.behaviour["/" + path] = behaviour
        return self.url(path)

    def put_dataset(self, prefix: str, blobs: dict, gz: bool = True, behaviour=None):
        for name, blob in blobs.items():
            self.put(prefix + name + (".gz" if gz else ""),
                     gzip.compress(blob) if gz else blob, behaviour)
        return self.url(prefix)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def listing(directory) -> list:
    """All names in a directory tree, hidden temp files included."""
    found = []
    for root, dirs, files in os.walk(directory):
        found += [os.path.relpath(os.path.join(root, n), directory) for n in dirs + files]
    return sorted(found)
