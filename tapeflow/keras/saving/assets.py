"""Keras 3's ``assets/`` in a ``.keras`` archive: the files a layer writes with
``save_assets(dir)`` (TextVectorization's and StringLookup's ``vocabulary.txt``),
stored at ``assets/<layer path>/<file>`` with the paths of :mod:`walk`, and handed back
to the layer's ``load_assets(dir)`` when the model is loaded.

Loading copies only plain file names (no folders, no ``..``) of bounded size into a
temporary folder; a layer reads them as data (a vocabulary is text, never code).

Example:
    >>> import io, zipfile
    >>> from tapeflow import keras
    >>> layer = keras.layers.StringLookup()
    >>> layer.adapt(["b", "a", "b"])
    >>> model = keras.Sequential([keras.Input((1,), dtype="string"), layer])
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as zf:
    ...     write_assets(model, zf)
    ...     zf.namelist()
    ['assets/layers/string_lookup/vocabulary.txt']
"""
import os
import tempfile

from tapeflow.keras.saving import walk
from tapeflow.keras.saving.errors import ModelFileError

__all__ = ["write_assets", "read_assets"]

MAX_ASSET_BYTES = 256 << 20


def _hooked(model, hook):
    return [(path, obj) for path, obj in walk.saveable_paths(model)
            if walk.is_layer(obj) and callable(getattr(type(obj), hook, None))]


def write_assets(model, zf):
    """Add every layer's asset files to the open ``zipfile.ZipFile`` ``zf``."""
    for path, obj in _hooked(model, "save_assets"):
        with tempfile.TemporaryDirectory() as folder:
            obj.save_assets(folder)
            for name in sorted(os.listdir(folder)):
                full = os.path.join(folder, name)
                if os.path.isfile(full):
                    zf.write(full, f"assets/{path}/{name}" if path else f"assets/{name}")


def read_assets(model, names, read, filepath=None):
    """Give each layer its asset files: ``names`` lists the archive's members (or a
    folder's files, ``/``-separated), ``read(name)`` returns a member's bytes."""
    for path, obj in _hooked(model, "load_assets"):
        prefix = f"assets/{path}/" if path else "assets/"
        members = [n for n in names if n.startswith(prefix) and "/" not in n[len(prefix):]
                   and n[len(prefix):] not in ("", ".", "..")]
        if not members:
            continue
        with tempfile.TemporaryDirectory() as folder:
            for member in members:
                data = read(member)
                if len(data) > MAX_ASSET_BYTES:
                    raise ModelFileError(f"asset {member} holds {len(data)} bytes; too large "
                                         f"for a layer's asset.", filepath)
                with open(os.path.join(folder, member[len(prefix):].replace("\\", "_")),
                          "wb") as f:
                    f.write(data)
            obj.load_assets(folder)
