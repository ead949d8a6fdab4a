"""Bad files that declare huge sizes: refused before the memory is taken, quickly,
with the file and the field named. Each test writes its own tiny file."""
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile

import h5py
import numpy as np
import pytest
from saving_testlib import HANG_EDITS, LEGACY_SHA256, fixture_path, seq_mlp

from tapeflow.keras import saving
from tapeflow.keras.saving import file_io, h5_guard

GIB = 1 << 30


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unallocated(group, name, count):
    """A dataset of ``count`` float32 that stores nothing: a few hundred bytes."""
    group.create_dataset(name, shape=(count,), dtype="f4", chunks=(1 << 16,),
                         compression="gzip")


def test_weights_file_declaring_4_gib_is_refused_before_reading(tmp_path):
    model = seq_mlp()
    path = tmp_path / "bomb.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/0"]
        _unallocated(f["layers/dense/vars"], "0", GIB)
    assert path.stat().st_size < 20_000
    before, start = _peak_mb(), time.monotonic()
    with pytest.raises(saving.ModelFileError,
                       match=r"bomb\.weights\.h5.*'layers/dense/vars/0' declares shape "
                             r"\(1073741824,\)"):
        model.load_weights(path)
    assert time.monotonic() - start < 5 and _peak_mb() - before < 500


def test_guard_reader_skips_what_the_budget_refuses(tmp_path, monkeypatch):
    path = tmp_path / "bomb.weights.h5"
    with h5py.File(path, "w") as f:
        _unallocated(f, "big", GIB)
        f["small"] = np.ones(3, "f4")
    monkeypatch.setattr(h5_guard, "_limit_memory", lambda extra: None)  # not in pytest
    read = []
    monkeypatch.setattr(h5_guard, "_safe", lambda fn: read.append(fn) or fn())
    before = _peak_mb()
    h5_guard._child(str(path))  # in-process: would allocate 4 GiB without the budget
    assert _peak_mb() - before < 500 and read


def test_guard_reader_goes_on_after_an_unreadable_object(tmp_path, monkeypatch):
    path = tmp_path / "two.h5"
    with h5py.File(path, "w") as f:
        f["a/x"] = np.ones(2, "f4")
        f["b/y"] = np.ones(2, "f4")
        f["a"].attrs["note"] = "z"
        f["b"].attrs["other"] = "z"
    seen = []
    real_get = h5py.AttributeManager.get

    def flaky_get(attrs, key, default=None):
        seen.append(key)
        raise OSError("corrupt attribute")
    monkeypatch.setattr(h5py.AttributeManager, "get", flaky_get)
    with h5py.File(path, "r") as f:
        h5_guard._walk(f, h5py, saving_budget(f))
    monkeypatch.setattr(h5py.AttributeManager, "get", real_get)
    assert sorted(seen) == ["note", "other"]  # the first error did not end the walk


def saving_budget(f):
    from tapeflow.keras.saving.h5_limits import ReadBudget
    return ReadBudget(f, "two.h5")


def test_legacy_h5_declaring_16_gib_is_refused(tmp_path):
    path = tmp_path / "bomb.h5"
    shutil.copy(fixture_path("legacy_mlp.h5"), path)
    with h5py.File(path, "a") as f:
        group = f["model_weights/dense_9/sequential_1/dense_9"]
        del group["kernel"]
        _unallocated(group, "kernel", 4 * GIB)
    assert path.stat().st_size < 30_000
    before, start = _peak_mb(), time.monotonic()
    with pytest.raises(saving.ModelFileError, match=r"bomb\.h5.*dense_9/kernel' declares"):
        saving.load_model(path)
    model = saving.load_model(fixture_path("legacy_mlp.h5"))
    with pytest.raises(saving.ModelFileError, match=r"bomb\.h5.*dense_9/kernel' declares"):
        model.load_weights(path)
    assert time.monotonic() - start < 10 and _peak_mb() - before < 500


def _keras_with_config(tmp_path, edit):
    with zipfile.ZipFile(fixture_path("seq_mlp.keras")) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(members["config.json"])
    edit(config["config"]["layers"])
    members["config.json"] = json.dumps(config).encode()
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("field,value,where", [
    ("units", 2**31, r"config\.layers\[1\]\.config\.units' is 2147483648"),
    ("batch_shape", [None, 2**33], r"config\.layers\[0\]\.config\.batch_shape\[1\]' is "
                                   r"8589934592"),
])
def test_config_declaring_huge_sizes_is_refused_before_building(tmp_path, field, value,
                                                                where):
    layer = 1 if field == "units" else 0
    path = _keras_with_config(tmp_path, lambda layers: layers[layer]["config"].__setitem__(
        field, value) or layers[1].pop("build_config"))
    before = _peak_mb()
    with pytest.raises(saving.ModelFileError, match=r"bomb\.keras.*config\.json \(field '"
                                                    + where + r"\).*needs [\d,]+ bytes"):
        saving.load_model(path)
    assert _peak_mb() - before < 500


def test_legacy_batch_input_shape_of_2_to_33_is_refused(tmp_path):
    path = tmp_path / "wide.h5"
    shutil.copy(fixture_path("legacy_mlp.h5"), path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        first = config["config"]["layers"][0]["config"]
        first.pop("batch_shape", None)
        first["batch_input_shape"] = [None, 2**33]
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(saving.ModelFileError,
                       match=r"wide\.h5.*model_config \(field 'config\.layers\[0\]\.config\."
                             r"batch_input_shape\[1\]' is 8589934592\).*dense_9"):
        saving.load_model(path)


def test_files_within_the_budget_still_load(expected):
    for name in ("seq_mlp.keras", "trained_adam.keras", "legacy_mlp.h5"):
        saving.load_model(fixture_path(name))


def test_load_weights_of_a_file_that_hangs_libhdf5_is_refused(tmp_path, monkeypatch):
    import hashlib
    data = bytearray(open(fixture_path("legacy_mlp.h5"), "rb").read())
    if hashlib.sha256(data).hexdigest() != LEGACY_SHA256:
        pytest.skip("legacy_mlp.h5 was regenerated; the recorded bytes no longer apply")
    for position, value in HANG_EDITS:
        data[position] = value
    path = tmp_path / "hangs.h5"
    path.write_bytes(bytes(data))
    model = saving.load_model(fixture_path("legacy_mlp.h5"))
    monkeypatch.setattr(h5_guard, "TIMEOUT_S", 1.0)
    with pytest.raises(saving.ModelFileError, match="hangs.h5.*did not finish"):
        model.load_weights(path)


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_save_removes_temporaries_of_killed_saves(tmp_path):
    model = seq_mlp()
    target = tmp_path / "m.keras"
    dead = tmp_path / f".m.keras.{_dead_pid()}.abc123.tmp"
    live = tmp_path / f".m.keras.{os.getppid()}.def456.tmp"   # a save still running
    old = tmp_path / ".m.keras.k9x2_p1q.tmp"                   # an older tapeflow's
    other = tmp_path / f".n.keras.{_dead_pid()}.abc123.tmp"    # another target's
    for p in (dead, live, old, other):
        p.write_bytes(b"partial")
    os.utime(old, (time.time() - 2 * file_io.STALE_AFTER_S,) * 2)
    model.save(target)
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, other.name, "m.keras"])
    model.save_weights(tmp_path / "m.weights.h5")  # weights saves clean up the same way


def test_interrupted_save_leaves_no_temporary(tmp_path):
    model = seq_mlp()
    code = ("import os, signal, sys; sys.path.insert(0, %r)\n"
            "from saving_testlib import seq_mlp\n"
            "from tapeflow.keras.saving import file_io\n"
            "file_io.os.replace = lambda a, b: os.kill(os.getpid(), signal.SIGKILL)\n"
            "seq_mlp().save(%r)\n") % (os.path.dirname(__file__), str(tmp_path / "m.keras"))
    for _ in range(3):
        subprocess.run([sys.executable, "-c", code], check=False)
    # each killed save removed its predecessor's temporary: one is left, not three
    assert len(os.listdir(tmp_path)) == 1
    model.save(tmp_path / "m.keras")
    assert os.listdir(tmp_path) == ["m.keras"]
