"""make docs: the API pages and the "What runs, what does not yet" page are generated."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _make_docs():
    spec = importlib.util.spec_from_file_location(
        "make_docs", os.path.join(ROOT, "scripts", "make_docs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_docs_writes_api_pages_and_what_runs(tmp_path):
    _make_docs().main(["--out", str(tmp_path)])
    index = (tmp_path / "api" / "index.html").read_text()
    assert 'href="tf.keras.layers.html"' in index
    layers = (tmp_path / "api" / "tf.keras.layers.html").read_text()
    assert "<b>Dense</b>" in layers and "units" in layers  # signature and docstring
    assert "<b>dense</b>" not in layers                    # internal modules left out
    page = (tmp_path / "what_runs.md").read_text()
    assert "## `tf.keras.layers`" in page and "`Dense`" in page
    assert "- `tf.saved_model`: instead, model.save('x.keras')" in page
    assert "- `tf.keras.layers.LSTM`" in page


def test_tf_namespaces_do_not_leak_tapeflow_internals():
    """Helpers a module imports for itself (to_tensor, value_read, Tensor) are imported
    under a private name, so `tf.image`, `tf.io` ... offer only TensorFlow's names."""
    import tapeflow as tf
    docs = _make_docs()
    internal = {"value_read", "to_tensor", "np", "primitive", "functools", "warnings"}
    for name in ("random", "image", "io", "strings", "math", "nn", "linalg", "data"):
        leaked = internal.intersection(docs.public_names(getattr(tf, name)))
        assert not leaked, f"tf.{name} exposes tapeflow internals {sorted(leaked)}"
    assert "Tensor" not in docs.public_names(tf.io) and "Tensor" not in docs.public_names(
        tf.random)
