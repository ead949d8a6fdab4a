"""keras.utils.get_file: Keras's meaning, on the verified atomic download code."""

import hashlib
import io
import os
import tarfile
import zipfile

import datasets_testlib as lib
import pytest

from tapeflow.keras.datasets import download, sources
from tapeflow.keras.utils.file_utils import get_file

DATA = b"sepal,petal\n5.1,1.4\n" * 100


def default_dir():
    return os.path.join(sources.tapeflow_home(), "datasets")


def test_downloads_once_into_the_tapeflow_cache(server):
    url = server.put("iris.csv", DATA)
    path = get_file("iris.csv", url, file_hash=lib.sha256(DATA))
    assert path == os.path.join(default_dir(), "iris.csv")
    with open(path, "rb") as f:
        assert f.read() == DATA
    assert get_file("iris.csv", url, file_hash=lib.sha256(DATA)) == path
    assert server.requests == ["/iris.csv"]


def test_fname_defaults_to_the_url_name_and_md5_is_accepted(server):
    url = server.put("sub/iris.csv", DATA)
    path = get_file(origin=url, md5_hash=hashlib.md5(DATA).hexdigest())
    assert os.path.basename(path) == "iris.csv"


def test_cache_dir_and_subdir(server, tmp_path):
    url = server.put("iris.csv", DATA)
    path = get_file("x.csv", url, cache_dir=str(tmp_path / "c"), cache_subdir="here")
    assert path == str(tmp_path / "c" / "here" / "x.csv")


def test_wrong_hash_after_download_saves_nothing(server):
    url = server.put("iris.csv", DATA)
    with pytest.raises(ValueError, match="Incomplete or corrupted file") as err:
        get_file("iris.csv", url, file_hash="0" * 64)
    assert lib.sha256(DATA) in str(err.value)
    assert lib.listing(default_dir()) == []


def test_corrupt_cached_file_is_reported_and_downloaded_again(server):
    url = server.put("iris.csv", DATA)
    os.makedirs(default_dir())
    path = os.path.join(default_dir(), "iris.csv")
    with open(path, "wb") as f:
        f.write(DATA[:10])
    with pytest.warns(RuntimeWarning) as record:
        get_file("iris.csv", url, file_hash=lib.sha256(DATA))
    message = str(record[0].message)
    assert path in message and lib.sha256(DATA) in message
    assert lib.sha256(DATA[:10]) in message
    with open(path, "rb") as f:
        assert f.read() == DATA


def test_force_download(server):
    url = server.put("iris.csv", DATA)
    get_file("iris.csv", url)
    get_file("iris.csv", url, force_download=True)
    assert len(server.requests) == 2


def test_a_verified_file_in_the_keras_cache_is_reused(server):
    url = server.put("iris.csv", DATA)
    keras_copy = os.path.join(sources.keras_dir(), "iris.csv")
    os.makedirs(os.path.dirname(keras_copy))
    with open(keras_copy, "wb") as f:
        f.write(DATA)
    assert get_file("iris.csv", url, file_hash=lib.sha256(DATA)) == keras_copy
    assert server.requests == []
    with open(keras_copy, "wb") as f:
        f.write(b"stale")  # wrong hash: download into tapeflow's cache instead
    assert get_file("iris.csv", url, file_hash=lib.sha256(DATA)).startswith(default_dir())


def test_failed_download_raises_with_the_url(server):
    with pytest.raises(download.DownloadError, match="HTTP 404"):
        get_file("nope.csv", server.url("nope.csv"))
    assert lib.listing(default_dir()) == []


def test_origin_is_required():
    with pytest.raises(ValueError, match="origin"):
        get_file("x.csv")


def tar_bytes():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("flowers/a.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"rose!"))
    return buf.getvalue()


def test_extract_tar_like_keras_3(server):
    url = server.put("flowers.tgz", tar_bytes())
    path = get_file("flower_photos", url, extract=True)
    assert path == os.path.join(default_dir(), "flower_photos")
    with open(os.path.join(path, "flowers", "a.txt"), "rb") as f:
        assert f.read() == b"rose!"
    assert os.path.isfile(os.path.join(default_dir(), "flower_photos_archive"))
    dotted = get_file("flowers.tar.gz", url, untar=True)
    assert dotted == os.path.join(default_dir(), "flowers_extracted")


def test_extract_zip_and_reject_escaping_members(server):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("d/b.txt", "hi")
    path = get_file("z.zip", server.put("z.zip", buf.getvalue()), extract=True)
    assert os.path.isfile(os.path.join(path, "d", "b.txt"))
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("../evil.txt", "x")
    with pytest.raises(ValueError, match="outside the target directory"):
        get_file("bad.zip", server.put("bad.zip", bad.getvalue()), extract=True)
    assert not os.path.exists(os.path.join(sources.tapeflow_home(), "evil.txt"))


def test_extract_of_a_non_archive_warns(server):
    url = server.put("iris.csv", DATA)
    with pytest.warns(UserWarning, match="Could not extract"):
        get_file("iris.csv", url, extract=True)
