"""Fixtures for the dataset tests.

Every test runs with TAPEFLOW_HOME, KERAS_HOME, TAPEFLOW_SYSTEM_DATASETS and HOME in
tmp_path, PATH reduced to an empty directory (no real npm or apt-get) and the download
module's URL opener replaced by one that refuses every host but 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # any --import-mode
import datasets_testlib as lib  # noqa: E402

from tapeflow.keras.datasets import download  # noqa: E402

PROXY_VARS = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
              "ALL_PROXY", "no_proxy", "NO_PROXY")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Points every cache and tool lookup into tmp_path; only 127.0.0.1 is reachable."""
    env = tmp_path / "env"
    for name in ("tapeflow", "keras", "system", "bin", "home"):
        (env / name).mkdir(parents=True)
    monkeypatch.setenv("TAPEFLOW_HOME", str(env / "tapeflow"))
    monkeypatch.setenv("KERAS_HOME", str(env / "keras"))
    monkeypatch.setenv("TAPEFLOW_SYSTEM_DATASETS", str(env / "system"))
    monkeypatch.setenv("HOME", str(env / "home"))
    monkeypatch.setenv("PATH", str(env / "bin"))
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    real_urlopen = download._urlopen

    def local_only(request, *args, **kwargs):
        url = request.full_url if hasattr(request, "full_url") else request
        host = urllib.parse.urlsplit(url).hostname
        assert host == "127.0.0.1", f"a test tried to reach the network: {url}"
        return real_urlopen(request, *args, **kwargs)

    monkeypatch.setattr(download, "_urlopen", local_only)
    return env


@pytest.fixture
def tiny() -> lib.Tiny:
    return lib.make_tiny()


@pytest.fixture
def server():
    srv = lib.Server()
    yield srv
    srv.close()


@pytest.fixture
def dead_url():
    """A 127.0.0.1 URL on which nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


