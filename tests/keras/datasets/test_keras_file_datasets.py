"""imdb, reuters, boston_housing, california_housing, cifar10, cifar100 on small files
of the exact formats Keras downloads (no network: files go in $KERAS_HOME/datasets
with the pinned hash patched to theirs, or come from a 127.0.0.1 server)."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tarfile
import zipfile

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py2pickle  # noqa: E402

from tapeflow.keras import backend  # noqa: E402
from tapeflow.keras.datasets import (boston_housing, california_housing, cifar10,  # noqa: E402
                                     cifar100, imdb, keras_files, reuters, safe_pickle)


def datasets_dir() -> str:
    path = os.path.join(os.environ["KERAS_HOME"], "datasets")
    os.makedirs(path, exist_ok=True)
    return path


def place(monkeypatch, module, name: str, data: bytes) -> str:
    """Puts ``data`` in Keras's cache as ``name`` and pins its hash in ``module``."""
    path = os.path.join(datasets_dir(), name)
    with open(path, "wb") as f:
        f.write(data)
    monkeypatch.setattr(module, "SHA256", hashlib.sha256(data).hexdigest())
    return path


def npz_bytes(members: dict) -> bytes:
    """An .npz whose members are raw .npy bytes (object arrays written Python-2 style)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, npy in members.items():
            z.writestr(name + ".npy", npy)
    return buf.getvalue()


def npy(a: np.ndarray) -> bytes:
    if a.dtype.kind == "O":
        return py2pickle.npy_object(a)
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def ragged(seqs) -> np.ndarray:
    out = np.empty(len(seqs), dtype=object)
    out[:] = [list(s) for s in seqs]
    return out


TRAIN = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [1, 10]]
TEST = [[2, 2], [11, 1, 3]]


@pytest.fixture
def imdb_file(monkeypatch):
    data = npz_bytes({"x_train": npy(ragged(TRAIN)), "y_train": npy(np.array([1, 0, 1, 0])),
                      "x_test": npy(ragged(TEST)), "y_test": npy(np.array([0, 1]))})
    return place(monkeypatch, imdb, "imdb.npz", data)


def test_imdb_shuffles_indexes_and_cuts_like_keras(imdb_file):
    rng = np.random.RandomState(113)
    order_train = np.arange(4)
    rng.shuffle(order_train)
    order_test = np.arange(2)
    rng.shuffle(order_test)
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10)
    want = [[1] + [w + 3 if w + 3 < 10 else 2 for w in TRAIN[i]] for i in order_train]
    assert x_train.dtype == object and list(x_train) == want
    assert y_train.tolist() == [[1, 0, 1, 0][i] for i in order_train]
    assert list(x_test) == [[1] + [w + 3 if w + 3 < 10 else 2 for w in TEST[i]]
                            for i in order_test]
    assert y_test.tolist() == [[0, 1][i] for i in order_test]


def test_imdb_options(imdb_file):
    (x_train, _), _ = imdb.load_data(start_char=None, index_from=0, oov_char=None,
                                      skip_top=2, num_words=9)
    assert sorted(map(tuple, x_train)) == sorted(
        tuple(w for w in s if 2 <= w < 9) for s in TRAIN)
    (x_train, y_train), (x_test, _) = imdb.load_data(maxlen=4)  # keeps len(1 + seq) < 4
    assert sorted(map(len, x_train)) == [3, 3] and len(x_test) == 1
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_reuters_split_and_labels(monkeypatch):
    seqs = [[i + 1, i + 2] for i in range(10)]
    data = npz_bytes({"x": npy(ragged(seqs)), "y": npy(np.arange(10) % 46)})
    place(monkeypatch, reuters, "reuters.npz", data)
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.3)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert len(x_train) == 7 and len(x_test) == 3
    top = 10 + 1 + 3  # num_words=None: Keras keeps w < max(w), so the top word is OOV
    assert list(x_train[0]) == [1] + [w + 3 if w + 3 < top else 2 for w in seqs[order[0]]]
    assert y_train.tolist() + y_test.tolist() == order.tolist()
    assert reuters.get_label_names()[45] == "lead" and len(reuters.get_label_names()) == 46


def test_word_index_json(monkeypatch, tmp_path):
    path = os.path.join(datasets_dir(), "imdb_word_index.json")
    with open(path, "w") as f:
        f.write('{"the": 1, "and": 2}')
    with open(path, "rb") as f:
        monkeypatch.setattr(imdb, "WORD_INDEX_MD5", hashlib.md5(f.read()).hexdigest())
    assert imdb.get_word_index() == {"the": 1, "and": 2}


def test_boston_and_california(monkeypatch):
    x = np.arange(10 * 13, dtype=np.float64).reshape(10, 13)
    y = np.arange(10, dtype=np.float64)
    buf = io.BytesIO()
    np.savez(buf, x=x, y=y)
    place(monkeypatch, boston_housing, "boston_housing.npz", buf.getvalue())
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert x_train.shape == (8, 13) and x_test.shape == (2, 13)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), order)
    np.testing.assert_array_equal(x_train[0], x[order[0]])
    with pytest.raises(ValueError, match="Invalid `test_split` argument: 1"):
        boston_housing.load_data(test_split=1)
    x = np.arange(700 * 8, dtype=np.float32).reshape(700, 8)
    buf = io.BytesIO()
    np.savez(buf, x=x, y=np.arange(700, dtype=np.float32))
    place(monkeypatch, california_housing, "california_housing.npz", buf.getvalue())
    (x_train, _), (x_test, y_test) = california_housing.load_data(version="small")
    assert x_train.shape == (480, 8) and x_test.shape == (120, 8) and y_test.max() < 600
    (x_train, _), _ = california_housing.load_data()
    assert x_train.shape == (560, 8)
    with pytest.raises(ValueError, match="must be one of 'small', 'large'"):
        california_housing.load_data(version="medium")


def test_download_from_origin_is_verified(monkeypatch, server):
    buf = io.BytesIO()
    np.savez(buf, x=np.ones((5, 13)), y=np.ones(5))
    monkeypatch.setattr(keras_files, "ORIGIN", server.url())
    server.put("boston_housing.npz", buf.getvalue())
    monkeypatch.setattr(boston_housing, "SHA256", hashlib.sha256(buf.getvalue()).hexdigest())
    (x_train, _), _ = boston_housing.load_data()
    assert x_train.shape == (4, 13)
    assert os.path.isfile(os.path.join(datasets_dir(), "boston_housing.npz"))
    os.remove(os.path.join(datasets_dir(), "boston_housing.npz"))
    monkeypatch.setattr(boston_housing, "SHA256", "0" * 64)
    with pytest.raises(ValueError, match="Incomplete or corrupted"):
        boston_housing.load_data()
    assert not os.path.exists(os.path.join(datasets_dir(), "boston_housing.npz"))


def images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 3072), dtype=np.uint8)


def cifar_archive(members: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_cifar10_layout_and_labels(monkeypatch):
    batches, members = [], {}
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        data, labels = images(2, i), [i, 9 - i]
        batches.append((data, labels))
        members["cifar-10-batches-py/" + name] = py2pickle.dumps(
            {"batch_label": f"batch {i}", "labels": labels, "data": data,
             "filenames": ["a.png", "b.png"]})
    place(monkeypatch, cifar10, "cifar-10-batches-py-target_archive", cifar_archive(members))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (2, 32, 32, 3) and y_test.dtype == np.uint8
    assert y_train[:, 0].tolist() == [0, 9, 1, 8, 2, 7, 3, 6, 4, 5]
    data = batches[1][0]
    for row, col, ch in [(0, 0, 0), (31, 5, 2), (7, 30, 1)]:
        assert x_train[3, row, col, ch] == data[1, ch * 1024 + row * 32 + col]
    backend.set_image_data_format("channels_first")
    try:
        (x_train, _), _ = cifar10.load_data()
    finally:
        backend.set_image_data_format("channels_last")
    assert x_train.shape == (10, 3, 32, 32)


def test_cifar100_label_modes(monkeypatch):
    members = {}
    for i, name in enumerate(["train", "test"]):
        members["cifar-100-python/" + name] = py2pickle.dumps(
            {"data": images(3, i), "fine_labels": [99, 5, i], "coarse_labels": [19, 1, i],
             "filenames": ["a", "b", "c"], "batch_label": name}, module="numpy._core.multiarray")
    place(monkeypatch, cifar100, "cifar-100-python-target_archive", cifar_archive(members))
    (x_train, y_train), (x_test, y_test) = cifar100.load_data()
    assert x_train.shape == (3, 32, 32, 3) and y_train[:, 0].tolist() == [99, 5, 0]
    assert y_train.dtype == np.int64 and y_test.tolist() == [[99], [5], [1]]
    (_, y_train), _ = cifar100.load_data(label_mode="coarse")
    assert y_train[:, 0].tolist() == [19, 1, 0]


class Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize("payload, message", [
    (pickle.dumps(Boom(), protocol=2), "names the global `posix.system`"),
    (pickle.dumps([Boom()], protocol=4), "names the global `posix.system`"),
    (py2pickle.dumps(np.zeros(3, dtype=np.float64)).replace(b"U\x02f8", b"U\x02c8"),
     "asks for dtype 'c8'"),
    (py2pickle.dumps(np.zeros(4, dtype=np.uint8)).replace(b"K\x04t", b"K\x09t"),
     r"shape \(9,\) 4 bytes of data \(expected 9\)"),
    (py2pickle.dumps(np.zeros(4, dtype=np.uint8)).replace(
        b"K\x04t", b"J\x00\x00\x00\x7fJ\x00\x00\x00\x7ft"), r"elements \(limit"),
    (py2pickle.dumps(ragged([["a", "b"]])), "not a list of ints"),
    (b"\x80\x02cnumpy\nndarray\nK\x01\x85R.", "not callable"),
])
def test_restricted_reader_refuses(payload, message):
    with pytest.raises(safe_pickle.UnsafePickleError, match=message):
        safe_pickle.loads(payload)


def test_malicious_imdb_file_is_refused(monkeypatch, tmp_path):
    bad = b"\x93NUMPY\x01\x00" + b"v\x00" + (
        b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".ljust(117) + b"\n")
    data = npz_bytes({"x_train": bad + pickle.dumps(Boom(), protocol=2),
                      "y_train": npy(np.array([1])), "x_test": npy(ragged(TEST)),
                      "y_test": npy(np.array([0, 1]))})
    place(monkeypatch, imdb, "imdb.npz", data)
    with pytest.raises(safe_pickle.UnsafePickleError, match="malicious"):
        imdb.load_data()


def test_cifar_batch_of_wrong_structure(tmp_path):
    path = tmp_path / "data_batch_1"
    path.write_bytes(py2pickle.dumps({"data": np.zeros((2, 10), np.uint8), "labels": [1, 2]}))
    with pytest.raises(safe_pickle.UnsafePickleError, match=r"shape \(N, 3072\)"):
        from tapeflow.keras.datasets.cifar import load_batch
        load_batch(str(path))
